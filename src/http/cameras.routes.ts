// The camera editor's endpoints: GET /api/cameras/config (the list as the editor shows it, where it comes from, the
// last reload), PUT /api/cameras (store a new list in CAMERAS_FILE and apply it), POST /api/cameras/test (ffprobe a
// URL before saving). Passwords are write-only: answers show `***`.

import { defineEventHandler, readBody, setResponseHeader, type H3Event, type Router } from 'h3';
import { isCameraEditError, type CameraEditor } from '../cameras/index.js';
import { httpError } from './errors.js';
import { readQuery } from './query.js';

async function jsonBody(event: H3Event, example: string): Promise<unknown> {
  try {
    return await readBody(event);
  } catch {
    throw httpError(400, `Body must be JSON like ${example}`);
  }
}

function answerError(event: H3Event, e: unknown): never {
  if (!isCameraEditError(e)) throw e;
  if (e.status === 429) setResponseHeader(event, 'retry-after', 5);
  throw httpError(e.status, e.message);
}

/** Registers the editor's routes; `accepting()` false (shutting down) refuses a save. */
export function registerCameraRoutes(router: Router, editor: CameraEditor, accepting: () => boolean): void {
  router.get(
    '/api/cameras/config',
    defineEventHandler((event) => {
      readQuery(event, []);
      return { status: 'success', data: editor.view() };
    }),
  );

  router.put(
    '/api/cameras',
    defineEventHandler(async (event) => {
      readQuery(event, []);
      if (!accepting()) throw httpError(503, 'The service is shutting down');
      const body = await jsonBody(event, '{"cameras": [{"name","fieldId","url","enabled"}]}');
      try {
        return { status: 'success', data: await editor.save(body) };
      } catch (e) {
        return answerError(event, e);
      }
    }),
  );

  router.post(
    '/api/cameras/test',
    defineEventHandler(async (event) => {
      readQuery(event, []);
      const body = await jsonBody(event, '{"url": "rtsp://..."}');
      try {
        return { status: 'success', data: await editor.test(body) };
      } catch (e) {
        return answerError(event, e);
      }
    }),
  );
}
