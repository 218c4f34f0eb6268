// The recording timeline: how intervals merge and gaps are explained (plain functions), and against the running
// service recording a time-coded RTSP camera that goes away for a few seconds: the gap is where the frames stop and
// start again, with the recorder's reason; the window is clamped, validated and defaults to the venue's today.

import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { GapRow } from '../src/db/index.js';
import { buildTimeline, explainMissing, IN_PROGRESS, NO_FOOTAGE } from '../src/exports/index.js';
import { startService, type RunningService } from '../src/service.js';
import { localDateOf, localToUtc } from '../src/util/venue-time.js';
import { captureLogger, freePort, tempDir } from './fixtures/helpers.js';
import type { RtspCamera } from './fixtures/rtsp-camera.js';
import { timedFramesOf } from './fixtures/timecode.js';
import { recordAcrossOutage, startTimecodedRtspCamera } from './fixtures/timecoded-camera.js';

const gap = (start: number, end: number | null, reason: string): GapRow => ({
  id: 1,
  camera: 'C',
  start_ms: start,
  end_ms: end,
  reason,
  created_at: '',
});

describe('timeline (plain functions)', () => {
  it('merges segments that join within 250 ms, clamps to the window and names each gap', () => {
    const t = buildTimeline({
      segments: [
        { startMs: 500, endMs: 2_000 },
        { startMs: 2_100, endMs: 4_000 }, // a 100 ms join: contiguous
        { startMs: 7_000, endMs: 9_000 },
        { startMs: 12_000, endMs: 30_000 }, // past the window's end: clamped
      ],
      gaps: [gap(4_000, 6_000, 'camera unreachable')],
      fromMs: 1_000,
      toMs: 20_000,
      nowMs: 100_000,
    });
    expect(t.covered).toEqual([
      [1_000, 4_000],
      [7_000, 9_000],
      [12_000, 20_000],
    ]);
    expect(t.gaps).toEqual([
      { startMs: 4_000, endMs: 6_000, reason: 'camera unreachable' },
      { startMs: 6_000, endMs: 7_000, reason: NO_FOOTAGE },
      { startMs: 9_000, endMs: 12_000, reason: NO_FOOTAGE },
    ]);
  });

  it('stops at now; an open gap lasts until now; the newest seconds of a recording camera are in progress', () => {
    const open = buildTimeline({
      segments: [{ startMs: 0, endMs: 5_000 }],
      gaps: [gap(5_000, null, 'ffmpeg exited')],
      fromMs: 0,
      toMs: 60_000,
      nowMs: 9_000,
    });
    expect(open.untilMs).toBe(9_000);
    expect(open.gaps).toEqual([{ startMs: 5_000, endMs: 9_000, reason: 'ffmpeg exited' }]);
    const live = buildTimeline({
      segments: [{ startMs: 0, endMs: 5_000 }],
      gaps: [],
      fromMs: 0,
      toMs: 60_000,
      nowMs: 6_500,
      recordingSinceMs: 5_000,
    });
    expect(live.gaps).toEqual([{ startMs: 5_000, endMs: 6_500, reason: IN_PROGRESS }]);
  });

  it('splits a missing stretch between the gaps that explain parts of it', () => {
    expect(
      explainMissing(
        [[0, 10_000]],
        [gap(-5_000, 2_000, 'service was not recording'), gap(6_000, 8_000, 'disk /a unavailable')],
        50_000,
      ),
    ).toEqual([
      { startMs: 0, endMs: 2_000, reason: 'service was not recording' },
      { startMs: 2_000, endMs: 6_000, reason: NO_FOOTAGE },
      { startMs: 6_000, endMs: 8_000, reason: 'disk /a unavailable' },
      { startMs: 8_000, endMs: 10_000, reason: NO_FOOTAGE },
    ]);
  });
});

const CAMERA = 'TC_LINE';
let camera: RtspCamera | undefined;
let service: RunningService;
let tmp: ReturnType<typeof tempDir>;
const log = captureLogger('info');
const api = async (p: string) => {
  const res = await fetch(service.url + p);
  return { status: res.status, body: (await res.json()) as any };
};
type Line = {
  from: string;
  to: string;
  covered: { start: string; end: string }[];
  gaps: { start: string; end: string; reason: string }[];
};
const timeline = async (query = '') => (await api(`/api/cameras/${CAMERA}/timeline${query}`)).body.data as Line;

describe('timeline of a recording camera (time-coded RTSP camera, an outage)', () => {
  beforeAll(async () => {
    tmp = tempDir();
    camera = await startTimecodedRtspCamera(await freePort());
    service = await startService(
      loadConfig({
        PORT: '0',
        DATA_DIR: tmp.dir,
        MIN_FREE_DISK_MB: '0',
        SEGMENT_SECONDS: '2',
        BOOKING_SYNC_INTERVAL: '1h',
        CAMERAS: JSON.stringify([{ name: CAMERA, fieldId: 72, url: camera.url, enabled: true }]),
      }),
      log.logger,
    );
  }, 180_000);
  afterAll(async () => {
    await service?.stop();
    await camera?.stop();
    tmp?.cleanup();
  });

  it(
    'shows the outage as a gap with its reason, where the frames stop and start again',
    { timeout: 400_000 },
    async () => {
      const across = await recordAcrossOutage({ camera: camera!, timeline, beforeMs: 6_000, afterMs: 4_000 }).catch(
        (e: unknown) => {
          camera = undefined; // stopped by the outage
          throw e;
        },
      );
      camera = across.camera;
      const t = across.timeline;
      const before = t.covered.at(-2)!;
      const after = t.covered.at(-1)!;
      const outage = t.gaps.filter(
        (g) => Date.parse(g.start) >= Date.parse(before.end) && Date.parse(g.end) <= Date.parse(after.start),
      );
      expect(outage.length, JSON.stringify(t)).toBe(1);
      expect(outage[0]).toEqual({
        start: before.end,
        end: after.start,
        reason: expect.stringMatching(/ffmpeg|camera|stream|connect/i),
      });
      // Today in the venue's time zone by default.
      const today = localDateOf(new Date(), 'Asia/Jakarta');
      expect(t.from).toBe(localToUtc(today, '00:00:00', 'Asia/Jakarta').toISOString());

      // The frames agree: the segment that ends the first interval shows its last frame at the gap's start, the one
      // that starts the second its first frame at the gap's end (within the index's accuracy).
      const db = new Database(path.join(tmp.dir, 'venue-recorder.db'), { readonly: true });
      let rows: { file: string; start_ms: number; end_ms: number }[];
      try {
        rows = db
          .prepare('SELECT file, start_ms, end_ms FROM segments WHERE camera = ? ORDER BY start_ms')
          .all(CAMERA) as typeof rows;
      } finally {
        db.close();
      }
      const file = (r: { file: string }) => path.join(tmp.dir, 'media', 'recordings', r.file);
      const lastBefore = rows.filter((r) => r.end_ms <= Date.parse(before.end)).at(-1)!;
      const firstAfter = rows.find((r) => r.start_ms >= Date.parse(after.start))!;
      const shownBefore = (await timedFramesOf(file(lastBefore))).filter((f) => f.ms !== undefined).at(-1)!.ms!;
      const shownAfter = (await timedFramesOf(file(firstAfter))).find((f) => f.ms !== undefined)!.ms!;
      console.log(
        `timeline: gap starts ${Date.parse(before.end) - shownBefore} ms after the last frame, ends ${Date.parse(after.start) - shownAfter} ms from the first`,
      );
      expect(Math.abs(Date.parse(before.end) - shownBefore)).toBeLessThanOrEqual(500);
      expect(Math.abs(Date.parse(after.start) - shownAfter)).toBeLessThanOrEqual(500);

      // A window inside the outage is all gap; one around it clamps to its bounds.
      const inside = await timeline(`?from=${encodeURIComponent(before.end)}&to=${encodeURIComponent(after.start)}`);
      expect(inside.covered).toEqual([]);
      expect(inside.gaps).toEqual([{ start: before.end, end: after.start, reason: outage[0]!.reason }]);
      const from = new Date(Date.parse(before.end) - 2_000).toISOString();
      const to = new Date(Date.parse(after.start) + 1_000).toISOString();
      const around = await timeline(`?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
      expect(around.covered).toEqual([
        { start: from, end: before.end },
        { start: after.start, end: to },
      ]);
    },
  );

  it('refuses a bad window with a clear 400 and an unknown camera with 404', async () => {
    const q = (s: string) => api(`/api/cameras/${CAMERA}/timeline?${s}`);
    expect((await q('from=yesterday')).body.message).toMatch(/Invalid from "yesterday"/);
    expect((await q('from=2026-03-01T10:00:00Z&to=2026-03-01T10:00:00Z')).body.message).toMatch(/must be before/);
    expect((await q('from=2026-03-01T00:00:00Z&to=2026-03-09T00:00:00Z')).body.message).toMatch(/at most 7 days/);
    expect((await q('from=2026-03-01T00:00:00Z&to=2026-03-09T00:00:00Z')).status).toBe(400);
    expect((await q('start=2026-03-01T00:00:00Z')).status).toBe(400);
    expect((await api('/api/cameras/NOPE/timeline')).status).toBe(404);
  });
});
