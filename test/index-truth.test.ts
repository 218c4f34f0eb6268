// The recording index against the truth: two time-coded cameras (HTTP MPEG-TS and GStreamer RTSP) whose every frame
// shows when it was sent, recorded by the running service while a CPU-heavy neighbour (one 720p encoder per core)
// runs beside it. What the clips show is read back from their frames.

import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { startCpuHogs, type CpuHogs } from './fixtures/cpu-hog.js';
import { partnerEnv, venueLocal } from './fixtures/env.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import type { RtspCamera } from './fixtures/rtsp-camera.js';
import { timedFramesOf } from './fixtures/timecode.js';
import { startTimecodedCamera, startTimecodedRtspCamera } from './fixtures/timecoded-camera.js';

const KEYFRAME_MS = 1_000; // both cameras send a keyframe every second
const CAMS = [
  { name: 'TC_HTTP', fieldId: 61 },
  { name: 'TC_RTSP', fieldId: 62 },
] as const;

let hogs: CpuHogs | undefined;
let ayo: FakeAyo;
let http: RtspCamera;
let rtsp: RtspCamera;
let service: RunningService;
let tmp: ReturnType<typeof tempDir>;
const log = captureLogger('info');
const api = async (p: string, init?: RequestInit) => {
  const res = await fetch(service.url + p, init);
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  // The neighbour runs from before the service starts: the index is learnt under load, not only used under it.
  hogs = startCpuHogs();
  ayo = await startFakeAyo(TEST_AYO);
  tmp = tempDir();
  http = await startTimecodedCamera();
  rtsp = await startTimecodedRtspCamera();
  service = await startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: tmp.dir,
      MIN_FREE_DISK_MB: '0',
      SEGMENT_SECONDS: '2',
      CLIP_GRACE: '500ms',
      VIDEO_SCAN_INTERVAL: '500ms',
      BOOKING_SYNC_INTERVAL: '1h',
      AYO_HEALTH_CHECK_INTERVAL: '1h',
      CAMERA_STATUS_INTERVAL: '1h',
      ...partnerEnv(ayo),
      CAMERAS: JSON.stringify([
        { name: 'TC_HTTP', fieldId: 61, url: http.url, enabled: true },
        { name: 'TC_RTSP', fieldId: 62, url: rtsp.url, enabled: true },
      ]),
    }),
    log.logger,
  );
}, 180_000);
afterAll(async () => {
  await service?.stop();
  await hogs?.stop();
  await ayo?.close();
  await http?.stop();
  await rtsp?.stop();
  tmp?.cleanup();
});

describe('the recording index as the truth (time-coded cameras, a CPU-heavy neighbour)', () => {
  it(
    "a booking's clip starts at most one keyframe interval before the booking and ends no earlier than its last " +
      'second; every indexed frame is within 0.5 s of when it was sent',
    { timeout: 400_000 },
    async () => {
      let cams: { state: string; reason?: string | null; lastSegmentEndAt: string | null }[] = [];
      await waitFor(
        async () => {
          cams = (await api('/api/cameras')).body.data as typeof cams;
          return cams.length === 2 && cams.every((c) => c.state === 'recording' && c.lastSegmentEndAt !== null);
        },
        'both cameras to record',
        180_000,
        200,
      ).catch((e: unknown) => {
        // Says why, should it ever fail: the cameras' states and the service's last lines.
        const tail = log.lines.slice(-30).join('\n');
        throw new Error(`${(e as Error).message}; cameras: ${JSON.stringify(cams)}\n${tail}`);
      });
      // Placed once both record (AYO's times have whole seconds): 8 s on each field, starting 3 s from now.
      const startMs = Math.ceil(Date.now() / 1000) * 1000 + 3_000;
      const endMs = startMs + 8_000;
      const s = venueLocal(startMs);
      const e = venueLocal(endMs);
      ayo.setBookings(
        s.date,
        CAMS.map((c) =>
          ayoBooking({
            booking_id: `BK/TC/${c.fieldId}`,
            order_detail_id: c.fieldId,
            field_id: c.fieldId,
            date: s.date,
            start_time: s.time,
            end_time: e.time,
          }),
        ),
      );
      await waitFor(
        async () => {
          await api('/api/sync', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
          return (await api('/api/bookings/BK/TC/62')).status === 200;
        },
        'the bookings to be synced',
        120_000,
        500,
      );
      const stamp = `${s.date}${s.time}`.replace(/[-:]/g, '');
      for (const c of CAMS) {
        const uid = `BK-TC-${c.fieldId}_${c.name}_${stamp}`;
        const video = await waitFor(
          async () => {
            const r = await api(`/api/videos/${uid}`);
            const v = r.body.data;
            return v && v.files.mp4 && !['pending', 'processing'].includes(v.status) ? v : undefined;
          },
          `the clip of ${c.name}`,
          240_000,
          500,
        );
        expect(video).toMatchObject({ coverage: 1, missing: [] });
        const frames = await timedFramesOf(path.join(tmp.dir, video.files.mp4));
        const first = frames[0]?.ms;
        const last = frames.at(-1)?.ms;
        expect(first, `${c.name}: the clip's first frame reads`).toBeDefined();
        expect(last, `${c.name}: the clip's last frame reads`).toBeDefined();
        console.log(`index-truth ${c.name}: clip shows ${first! - startMs} ms .. ${last! - endMs} ms`);
        // At most one keyframe interval early, never later than the index's accuracy.
        expect(first!).toBeGreaterThanOrEqual(startMs - KEYFRAME_MS);
        expect(first!).toBeLessThanOrEqual(startMs + 500);
        // The booking's last second is in it.
        expect(last!).toBeGreaterThanOrEqual(endMs - 1_000);
      }

      // The recording is over for this test: the neighbour goes, so that reading hundreds of frames back is quick.
      await hogs?.stop();
      // Every segment indexed so far: each frame's place in the index against the time it shows.
      const db = new Database(path.join(tmp.dir, 'venue-recorder.db'), { readonly: true });
      try {
        for (const c of CAMS) {
          const rows = db
            .prepare('SELECT file, start_ms FROM segments WHERE camera = ? ORDER BY start_ms')
            .all(c.name) as { file: string; start_ms: number }[];
          expect(rows.length).toBeGreaterThanOrEqual(5);
          let worst = 0;
          let where = '';
          let read = 0;
          let total = 0;
          for (const [i, row] of rows.entries()) {
            const frames = await timedFramesOf(path.join(tmp.dir, 'media', 'recordings', row.file));
            for (const f of frames) {
              total++;
              if (f.ms === undefined) continue;
              read++;
              const err = row.start_ms + f.sec * 1000 - f.ms;
              if (Math.abs(err) > Math.abs(worst)) [worst, where] = [err, `segment ${i + 1}, ${f.sec.toFixed(2)} s in`];
            }
          }
          console.log(
            `index-truth ${c.name}: ${rows.length} segments, ${read}/${total} frames, worst ${worst} ms (${where})`,
          );
          expect(read).toBeGreaterThan(total * 0.95);
          expect(Math.abs(worst), `${c.name}: the index's worst error, ms`).toBeLessThanOrEqual(500);
        }
      } finally {
        db.close();
      }
    },
  );
});
