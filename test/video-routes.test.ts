import path from 'node:path';
import { createApp, createRouter } from 'h3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVideosRepo, openDatabase, type Db } from '../src/db/index.js';
import { NotFoundError } from '../src/errors.js';
import { createErrorResponder } from '../src/http/errors.js';
import { startHttpServer, type RunningServer } from '../src/http/server.js';
import { registerVideoRoutes, type RequestClip } from '../src/http/videos.routes.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

let tmp: ReturnType<typeof tempDir>;
let db: Db;
let server: RunningServer | undefined;
beforeEach(() => {
  tmp = tempDir();
  db = openDatabase(path.join(tmp.dir, 'db.sqlite'));
});
afterEach(async () => {
  await server?.close(100);
  server = undefined;
  db.close();
  tmp.cleanup();
});

async function serve(requestClip: RequestClip) {
  const app = createApp({ onError: createErrorResponder(captureLogger().logger) });
  const router = createRouter();
  registerVideoRoutes(router, { videos: createVideosRepo(db), dataDir: tmp.dir, requestClip });
  app.use(router);
  server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  return async (body: unknown) => {
    const res = await fetch(`${server!.url}/api/request-booking-video`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { status: string; message?: string } };
  };
}

describe('POST /api/request-booking-video', () => {
  it('answers 429 to a second press that arrives while the first one is still being served', async () => {
    const calls: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const post = await serve(async (fieldId) => {
      // The first request is held until the second one has been answered.
      if (calls.push(fieldId) === 1) await gate;
      return { bookingId: 'BK-1', windowStart: '', windowEnd: '', videos: [`BK-1_CAM_${fieldId}_clip`] };
    });
    const first = post({ field_id: 50 });
    await waitFor(() => calls.length === 1, 'the first request to reach the service');
    const second = await post({ field_id: 50 });
    release();
    expect(second.status).toBe(429);
    expect(second.body.message).toMatch(/A clip of field 50 was requested/);
    expect((await first).status).toBe(202);
    expect(calls).toEqual([50]);
  });

  it('lets the next press through when the first was refused before anything was made', async () => {
    let n = 0;
    const post = await serve(async () => {
      if (++n === 1) throw new NotFoundError('No booking with status success is running on field 50 now');
      return { bookingId: 'BK-1', windowStart: '', windowEnd: '', videos: ['BK-1_CAM_clip'] };
    });
    expect((await post({ field_id: 50 })).status).toBe(404);
    expect((await post({ field_id: 50 })).status).toBe(202);
    expect((await post({ field_id: 50 })).status).toBe(429);
  });
});
