// GET /api/cameras/:name/snapshot.jpg: the last frame of a camera's newest segment, cached for a few seconds.

import path from 'node:path';
import { defineEventHandler, setResponseHeader, type Router } from 'h3';
import type { SegmentsRepo } from '../db/index.js';
import { runMediaToBuffer } from '../media/index.js';
import { httpError } from './errors.js';

/** Snapshot ffmpeg processes at once across all cameras: the box's cores are for recording and cutting. */
const MAX_SNAPSHOT_PROCESSES = 2;

/** Runs at most `limit` tasks at once; the others wait their turn, first come first served. */
function createSlots(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((r) => waiting.push(r));
    else running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter (running stays counted), or is freed.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/** Registers the snapshot route over the recordings directory. */
export function registerSnapshotRoute(
  router: Router,
  deps: { segments: SegmentsRepo; recordingsDir: string; ffmpeg: string; cameras: readonly string[] },
): void {
  const cache = new Map<string, { at: number; jpeg: Buffer }>();
  // One ffmpeg per camera at a time: requests that arrive while a camera's snapshot is being made share it. So the
  // processes are bounded by the cameras, and their number at once by the slots.
  const inFlight = new Map<string, Promise<Buffer>>();
  const inSlot = createSlots(MAX_SNAPSHOT_PROCESSES);
  const snapshotOf = (name: string): Promise<Buffer> => {
    const running = inFlight.get(name);
    if (running) return running;
    const last = deps.segments.last(name);
    if (!last) throw httpError(404, `Camera ${name} has not recorded yet`);
    const made = inSlot(() => frameOf(deps.ffmpeg, path.join(deps.recordingsDir, last.file)))
      .then((jpeg) => {
        cache.set(name, { at: Date.now(), jpeg });
        return jpeg;
      })
      .finally(() => inFlight.delete(name));
    inFlight.set(name, made);
    return made;
  };
  router.get(
    '/api/cameras/:name/snapshot.jpg',
    defineEventHandler(async (event) => {
      const name = event.context.params?.name ?? '';
      if (!deps.cameras.includes(name)) throw httpError(404, `Camera ${JSON.stringify(name)} not found`);
      const hit = cache.get(name);
      const jpeg = hit && Date.now() - hit.at < 5_000 ? hit.jpeg : await snapshotOf(name);
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
