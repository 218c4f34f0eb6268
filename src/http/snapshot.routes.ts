// GET /api/cameras/:name/snapshot.jpg: the last frame of a camera's newest segment, cached for a few seconds.

import path from 'node:path';
import { defineEventHandler, setResponseHeader, type Router } from 'h3';
import type { SegmentsRepo } from '../db/index.js';
import { runMediaToBuffer } from '../media/index.js';
import { httpError } from './errors.js';

/** Registers the snapshot route over the recordings directory. */
export function registerSnapshotRoute(
  router: Router,
  deps: { segments: SegmentsRepo; recordingsDir: string; ffmpeg: string; cameras: readonly string[] },
): void {
  const cache = new Map<string, { at: number; jpeg: Buffer }>();
  router.get(
    '/api/cameras/:name/snapshot.jpg',
    defineEventHandler(async (event) => {
      const name = event.context.params?.name ?? '';
      if (!deps.cameras.includes(name)) throw httpError(404, `Camera ${JSON.stringify(name)} not found`);
      const hit = cache.get(name);
      let jpeg = hit && Date.now() - hit.at < 5_000 ? hit.jpeg : undefined;
      if (!jpeg) {
        const last = deps.segments.last(name);
        if (!last) throw httpError(404, `Camera ${name} has not recorded yet`);
        jpeg = await frameOf(deps.ffmpeg, path.join(deps.recordingsDir, last.file));
        cache.set(name, { at: Date.now(), jpeg });
      }
      setResponseHeader(event, 'content-type', 'image/jpeg');
      setResponseHeader(event, 'cache-control', 'no-store');
      return jpeg;
    }),
  );
}

async function frameOf(ffmpeg: string, file: string): Promise<Buffer> {
  try {
    const jpeg = await runMediaToBuffer(
      ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-sseof',
        '-1',
        '-i',
        file,
        '-frames:v',
        '1',
        '-vf',
        'scale=480:-2',
        '-q:v',
        '5',
        '-f',
        'image2',
        'pipe:1',
      ],
      10_000,
    );
    if (jpeg.length > 0) return jpeg;
  } catch {
    // Reported below as one clear answer.
  }
  throw httpError(503, 'No snapshot could be made of the newest segment');
}
