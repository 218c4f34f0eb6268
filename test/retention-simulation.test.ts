// Storage reaches a steady state (issue: "a 30-day simulation, an injected clock through the retention code"): the
// simulation of test/fixtures/retention-sim.ts at a small scale (1 camera round the clock in 15-minute segments,
// 4 bookings a day, RECORDING_RETENTION_HOURS=72, VIDEO_RETENTION_DAYS=5, BUCKET_RETENTION_DAYS=10 beside a baseline
// run with 0, one video in 4 bought a day after its booking, a booking cancelled every other day). Every assertion
// reads the bytes on disk and in the store's directory, not the service's counters; `bench/retention-sim.ts` runs
// the full scenario and prints the figures.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/index.js';
import { runRetentionSim, SIM_DEFAULTS, type RetentionSimOptions, type SimDay } from './fixtures/retention-sim.js';
import { tempDir } from './fixtures/helpers.js';

const DAY = 86_400_000;
const SMALL: Omit<RetentionSimOptions, 'dir'> = {
  ...SIM_DEFAULTS,
  days: 30,
  cameras: 1,
  bookingsPerCameraDay: 4,
  segmentSeconds: 900,
  scale: 100_000,
  retentionHours: 72,
  videoRetentionDays: 5,
  bucketRetentionDays: 10,
  purchaseEvery: 4,
  purchaseDelayHours: 24,
  cancelEveryDays: 2,
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function sim(over: Partial<RetentionSimOptions> = {}) {
  const t = tempDir('vr-retention-sim-');
  cleanups.push(t.cleanup);
  return runRetentionSim({ ...SMALL, ...over, dir: t.dir });
}

const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
/** The days after `day`'s, measured by `pick`. */
const after = (days: SimDay[], day: number, pick: (d: SimDay) => number) => days.filter((d) => d.day > day).map(pick);
/** Every object key in the store's directory. */
const keysIn = (dir: string) =>
  (fs.readdirSync(path.join(dir, 'bucket'), { recursive: true }) as string[]).filter((f) =>
    fs.statSync(path.join(dir, 'bucket', f)).isFile(),
  );

describe('30 days of storage on an injected clock', () => {
  it(
    'keeps the recordings, the local videos and the bucket flat after their retentions, while the baseline bucket grows',
    { timeout: 120_000 },
    async () => {
      const kept = await sim();
      const baseline = await sim({ bucketRetentionDays: 0 });
      const { days, perDay } = kept;
      expect(days).toHaveLength(30);
      expect(kept.errors).toEqual([]);
      // Every local file belongs to its video: the sweep never took one as claimed by no video.
      expect(kept.orphansSwept).toBe(0);

      // Recordings: flat from the day after the retention's days, at about 3 days of footage.
      const rec = after(days, 72 / 24 + 1, (d) => d.recordings.bytes);
      expect(rec.length).toBeGreaterThanOrEqual(25);
      expect(spread(rec)).toBeLessThanOrEqual(perDay.recordings);
      expect(Math.abs(Math.max(...rec) - 3 * perDay.recordings)).toBeLessThanOrEqual(perDay.recordings / 4);

      // Local videos: flat after VIDEO_RETENTION_DAYS, about 5 days' worth (a cancel removes one early).
      const vids = after(days, SMALL.videoRetentionDays + 1, (d) => d.videos.bytes);
      expect(spread(vids)).toBeLessThanOrEqual(perDay.videos);
      expect(Math.max(...vids)).toBeLessThanOrEqual(6 * perDay.videos);
      expect(Math.min(...vids)).toBeGreaterThanOrEqual(4 * perDay.videos);

      // The bucket: flat after BUCKET_RETENTION_DAYS (counted from the last upload, a purchase a day after the
      // booking), within the most one day adds to the baseline's; the baseline grows all along.
      const base = baseline.days.map((d) => d.bucket.bytes);
      const oneDay = Math.max(...base.map((b, i) => b - (base[i - 1] ?? 0)));
      const bucket = after(days, SMALL.bucketRetentionDays + 2, (d) => d.bucket.bytes);
      expect(bucket.length).toBeGreaterThanOrEqual(15);
      expect(spread(bucket)).toBeLessThanOrEqual(oneDay);
      expect(base[29]!).toBeGreaterThan(base[14]!);
      expect(base[29]!).toBeGreaterThan(1.5 * Math.max(...bucket));
      expect(kept.purchased.length).toBeGreaterThanOrEqual(20);

      // A cancelled booking's objects (a bought one's renditions too) and local files are gone within its hour, and
      // none is in either store at the end, retention or not.
      for (const run of [kept, baseline]) {
        expect(run.cancelled.length).toBeGreaterThanOrEqual(14);
        expect(run.cancelled.filter((u) => run.purchased.includes(u)).length).toBeGreaterThan(0);
        expect(run.cancelledLeftovers).toEqual([]);
        const keys = keysIn(run.options.dir);
        expect(keys.filter((k) => run.cancelled.some((u) => k.includes(u)))).toEqual([]);
      }

      // `unavailable` only once the files and the footage are gone, each one queued for video-unavailable, and every
      // delivered, unbought video whose files went (VIDEO_RETENTION_DAYS) is unavailable by the end.
      expect(kept.unavailable.length).toBeGreaterThan(50);
      for (const u of kept.unavailable) {
        expect(u).toMatchObject({ filesLeft: 0, footageLeft: 0 });
        expect(u.hoursAfterBooking).toBeGreaterThan(SMALL.videoRetentionDays * 24);
      }
      expect(days.at(-1)!.unavailableReported).toBe(kept.unavailable.length);
      const db = openDatabase(path.join(kept.options.dir, 'db.sqlite'));
      try {
        const rows = db
          .prepare<[], { unique_id: string; status: string; window_end_ms: number }>(
            'SELECT unique_id, status, window_end_ms FROM videos',
          )
          .all();
        const overdue = rows.filter(
          (v) =>
            v.window_end_ms < kept.endMs - SMALL.videoRetentionDays * DAY - 3_600_000 &&
            !kept.purchased.includes(v.unique_id),
        );
        expect(overdue.length).toBeGreaterThan(50);
        expect(overdue.filter((v) => v.status !== 'unavailable' && v.status !== 'cancelled')).toEqual([]);
      } finally {
        db.close();
      }
    },
  );

  it(
    'leaves a video whose local files went before its footage `ready` until the footage is gone too',
    { timeout: 120_000 },
    async () => {
      // VIDEO_RETENTION_DAYS=1 under RECORDING_RETENTION_HOURS=72: files go a day after the booking, footage at 72 h.
      const r = await sim({ days: 8, videoRetentionDays: 1, bucketRetentionDays: 0 });
      const day3 = r.days[2]!;
      // On day 3 the files of days 1 and 2 are gone from disk, but their videos are still ready (footage is there).
      expect(day3.videos.bytes).toBeLessThanOrEqual(1.25 * r.perDay.videos);
      expect(day3.statuses.unavailable ?? 0).toBe(0);
      expect(day3.statuses.ready).toBeGreaterThanOrEqual(3 * SMALL.bookingsPerCameraDay - 2);
      expect(day3.unavailableReported).toBe(0);
      expect(r.unavailable.length).toBeGreaterThan(0);
      for (const u of r.unavailable) {
        expect(u).toMatchObject({ filesLeft: 0, footageLeft: 0 });
        expect(u.hoursAfterBooking).toBeGreaterThanOrEqual(72);
      }
      expect(r.days.at(-1)!.unavailableReported).toBe(r.unavailable.length);
    },
  );
});
