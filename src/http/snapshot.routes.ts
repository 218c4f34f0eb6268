// GET /api/cameras/:name/snapshot.jpg: while the camera's live view runs, a frame of its newest live segment (1–2 s
// old); otherwise the last frame of its newest recorded segment, cached for a few seconds. Either way the answer says
// how old the frame is (X-Frame-Age, seconds) and when it was taken (X-Frame-Time).

import path from 'node:path';
import { defineEventHandler, setResponseHeader, type Router } from 'h3';
import type { SegmentsRepo } from '../db/index.js';
import { runMediaToBuffer } from '../media/index.js';
import { httpError } from './errors.js';

/** Snapshot ffmpeg processes at once across all cameras: the box's cores are for recording and cutting. */
const MAX_SNAPSHOT_PROCESSES = 2;

/**
 * How far before a segment's end its frame is taken. A recorded segment (10 s) is seeked from its end; a live one
 * (one GOP, 1–2 s, a single keyframe) cannot be, so it is decoded from its start up to that point, which is cheap.
 */
const RECORDED_TAIL_SEC = 1;
const LIVE_TAIL_SEC = 0.15;

/** Where a live frame comes from: the newest finished live segment and when its last frame was written. */
export interface LiveFrames {
  newestSegment(name: string): { file: string; durationSec: number; writtenAtMs: number } | undefined;
}

/** A made snapshot: the JPEG and the wall-clock time of its frame. */
interface Shot {
  jpeg: Buffer;
  frameAtMs: number;
  /** The segment it was taken from (a live snapshot is made again once a newer segment is there). */
  from: string;
  source: 'live' | 'recording';
  at: number;
}

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
  deps: {
    segments: SegmentsRepo;
    recordingsDir: string;
    ffmpeg: string;
    cameras: readonly string[];
    live?: LiveFrames;
  },
): void {
  const cache = new Map<string, Shot>();
  // One ffmpeg per camera at a time: requests that arrive while a camera's snapshot is being made share it. So the
  // processes are bounded by the cameras, and their number at once by the slots.
  const inFlight = new Map<string, Promise<Shot>>();
  const inSlot = createSlots(MAX_SNAPSHOT_PROCESSES);
  const make = (name: string, file: string, seek: Seek, frameAtMs: number): Promise<Shot> => {
    const running = inFlight.get(name);
    if (running) return running;
    const source = 'fromStart' in seek ? 'live' : 'recording';
    const made = inSlot(() => frameOf(deps.ffmpeg, file, seek))
      .then((jpeg) => {
        const shot: Shot = { jpeg, frameAtMs, from: file, source, at: Date.now() };
        cache.set(name, shot);
        return shot;
      })
      .finally(() => inFlight.delete(name));
    inFlight.set(name, made);
    return made;
  };
  const snapshotOf = async (name: string): Promise<Shot> => {
    const hit = cache.get(name);
    const live = deps.live?.newestSegment(name);
    if (live) {
      if (hit?.from === live.file) return hit;
      // A live segment may be deleted as it is read (it left the playlist): then the recorded frame answers.
      const seek = { fromStart: Math.max(0, live.durationSec - LIVE_TAIL_SEC) };
      const shot = await make(name, live.file, seek, live.writtenAtMs - LIVE_TAIL_SEC * 1000).catch(() => undefined);
      if (shot) return shot;
    }
    if (hit && hit.source === 'recording' && Date.now() - hit.at < 5_000) return hit;
    const last = deps.segments.last(name);
    if (!last) throw httpError(404, `Camera ${name} has not recorded yet`);
    const file = path.join(deps.recordingsDir, last.file);
    return make(name, file, { fromEnd: RECORDED_TAIL_SEC }, last.end_ms - RECORDED_TAIL_SEC * 1000);
  };
  router.get(
    '/api/cameras/:name/snapshot.jpg',
    defineEventHandler(async (event) => {
      const name = event.context.params?.name ?? '';
      if (!deps.cameras.includes(name)) throw httpError(404, `Camera ${JSON.stringify(name)} not found`);
      const shot = await snapshotOf(name);
      setResponseHeader(event, 'content-type', 'image/jpeg');
      setResponseHeader(event, 'cache-control', 'no-store');
      setResponseHeader(event, 'x-frame-age', Math.max(0, (Date.now() - shot.frameAtMs) / 1000).toFixed(1));
      setResponseHeader(event, 'x-frame-time', new Date(shot.frameAtMs).toISOString());
      setResponseHeader(event, 'x-frame-source', shot.source);
      return shot.jpeg;
    }),
  );
}

/** Where in a file the frame is: seconds before its end (an input seek), or after its start (decoded up to it). */
type Seek = { fromEnd: number } | { fromStart: number };

async function frameOf(ffmpeg: string, file: string, seek: Seek): Promise<Buffer> {
  const at =
    'fromEnd' in seek
      ? { input: ['-sseof', String(-seek.fromEnd)], output: [] }
      : { input: [], output: ['-ss', String(seek.fromStart)] };
  try {
    const jpeg = await runMediaToBuffer(
      ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        ...at.input,
        '-i',
        file,
        ...at.output,
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
