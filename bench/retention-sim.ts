// bench:retention: storage over 40 simulated days (issue: "a 30-day simulation, an injected clock through the
// retention code, shows the disk and the bucket reaching a steady state"). test/fixtures/retention-sim.ts drives the
// service's real retention code hour by hour on an injected clock, over a real SQLite database, real files and the
// local object store: 4 cameras recording round the clock in 1-minute segments at 4 Mbit/s, 12 one-hour bookings
// per camera a day (08:00-20:00 UTC), RECORDING_RETENTION_HOURS=72, VIDEO_RETENTION_DAYS=7, BUCKET_RETENTION_DAYS=14,
// FULL_VIDEO_UPLOAD=on-purchase with one video in 10 bought a day after its booking, a booking cancelled every other
// day. Every file is 10 000 times smaller than the one it stands for (a 30 MB segment is a 3 000-byte file); the
// figures are measured by walking the directories and converted back. Beside it, in the same process, the baseline:
// the same scenario with BUCKET_RETENTION_DAYS=0 (the bucket never deleted).
//
// Usage: npx tsx bench/retention-sim.ts [-- --days 40 --cameras 4 --segment-seconds 60 --dir /some/tmp]
// (the files go under /dev/shm when it exists, else the system's temp directory: the run creates ~500 000 files)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runRetentionSim, SIM_DEFAULTS, type RetentionSimResult, type SimDay } from '../test/fixtures/retention-sim.js';
import { fmt } from './stats.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const num = (name: string, dflt: number) => Number(arg(name) ?? dflt) || dflt;
const DAYS = num('--days', SIM_DEFAULTS.days);
const STEADY_FROM = Math.min(20, DAYS);
const BASE_DIR = arg('--dir') ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
const options = {
  ...SIM_DEFAULTS,
  days: DAYS,
  cameras: num('--cameras', SIM_DEFAULTS.cameras),
  segmentSeconds: num('--segment-seconds', SIM_DEFAULTS.segmentSeconds),
};
const GB = 1e9;
const gb = (written: number) => (written * options.scale) / GB;

async function run(bucketRetentionDays: number): Promise<{ r: RetentionSimResult; ms: number }> {
  const dir = fs.mkdtempSync(path.join(BASE_DIR, 'vr-retention-sim-'));
  try {
    const t = performance.now();
    const r = await runRetentionSim({ ...options, bucketRetentionDays, dir });
    return { r, ms: performance.now() - t };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Mean, min and max (real GB) of `pick` over the steady days. */
function steady(days: SimDay[], pick: (d: SimDay) => number) {
  const xs = days.filter((d) => d.day >= STEADY_FROM).map((d) => gb(pick(d)));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, min: Math.min(...xs), max: Math.max(...xs) };
}

const line = (label: string, s: { mean: number; min: number; max: number }, note: string) =>
  console.log(
    `  ${label.padEnd(24)} mean ${fmt(s.mean, 1).padStart(7)} GB   min-max ${fmt(s.min, 1)}-${fmt(s.max, 1)} GB` +
      `   spread ${fmt(((s.max - s.min) / s.mean) * 100, 1)}%   ${note}`,
  );

console.log(
  `retention simulation: ${DAYS} days, ${options.cameras} cameras recording 00:00-24:00 UTC in ${options.segmentSeconds} s ` +
    `segments at ${options.mbitPerSec} Mbit/s, ${options.bookingsPerCameraDay} one-hour bookings per camera a day, ` +
    `RECORDING_RETENTION_HOURS=${options.retentionHours}, VIDEO_RETENTION_DAYS=${options.videoRetentionDays}, ` +
    `BUCKET_RETENTION_DAYS=${SIM_DEFAULTS.bucketRetentionDays} (baseline: 0), FULL_VIDEO_UPLOAD=on-purchase ` +
    `(1 in ${options.purchaseEvery} bought, ${options.purchaseDelayHours} h after), a cancel every ` +
    `${options.cancelEveryDays} days; files 1:${fmt(options.scale)} under ${BASE_DIR}`,
);
const kept = await run(SIM_DEFAULTS.bucketRetentionDays);
const base = await run(0);
const { r } = kept;

console.log(
  '\n day | recordings GB | local videos GB | bucket GB (14 d) | bucket GB (never) | ready | unavailable | reported',
);
for (const d of r.days) {
  const b = base.r.days[d.day - 1]!;
  console.log(
    [
      String(d.day).padStart(4),
      fmt(gb(d.recordings.bytes), 1).padStart(13),
      fmt(gb(d.videos.bytes), 1).padStart(15),
      fmt(gb(d.bucket.bytes), 1).padStart(16),
      fmt(gb(b.bucket.bytes), 1).padStart(17),
      String(d.statuses.ready ?? 0).padStart(5),
      String(d.statuses.unavailable ?? 0).padStart(11),
      String(d.unavailableReported).padStart(8),
    ].join(' | '),
  );
}

const last = r.days.at(-1)!;
const lastBase = base.r.days.at(-1)!;
const rec = steady(r.days, (d) => d.recordings.bytes);
const vids = steady(r.days, (d) => d.videos.bytes);
const bucket = steady(r.days, (d) => d.bucket.bytes);
// The baseline's mean daily growth over the steady days: what one day adds to the bucket.
const firstSteady = base.r.days[STEADY_FROM - 1]!;
const bucketPerDay = gb(lastBase.bucket.bytes - firstSteady.bucket.bytes) / Math.max(1, DAYS - STEADY_FROM);
console.log(`\nsteady state, days ${STEADY_FROM}-${DAYS} (real sizes):`);
line(
  'recordings',
  rec,
  `expected ${fmt((gb(r.perDay.recordings) * options.retentionHours) / 24, 1)} GB (${options.retentionHours} h of footage)`,
);
line(
  'local videos',
  vids,
  `expected <= ${fmt(gb(r.perDay.videos) * options.videoRetentionDays, 1)} GB (${options.videoRetentionDays} days of videos, before cancels)`,
);
line(
  'bucket, 14 days',
  bucket,
  `expected ~${fmt(bucketPerDay * SIM_DEFAULTS.bucketRetentionDays, 1)} GB (14 x the baseline's ${fmt(bucketPerDay, 1)} GB/day)`,
);
console.log(
  `  ${'bucket, never'.padEnd(24)} day ${STEADY_FROM} ${fmt(gb(firstSteady.bucket.bytes), 1)} GB -> day ${DAYS} ` +
    `${fmt(gb(lastBase.bucket.bytes), 1)} GB: still growing ${fmt(bucketPerDay, 1)} GB/day (no steady state)`,
);
console.log(
  `  day ${DAYS}: bucket ${fmt(gb(last.bucket.bytes), 1)} GB with BUCKET_RETENTION_DAYS=14 against ` +
    `${fmt(gb(lastBase.bucket.bytes), 1)} GB without (x${fmt(lastBase.bucket.bytes / last.bucket.bytes, 2)}); ` +
    `${fmt(last.bucket.files)} objects against ${fmt(lastBase.bucket.files)}`,
);
console.log(
  `  day ${DAYS}: ${fmt(last.recordings.files)} segment files, ${fmt(last.videos.files)} local video files; ` +
    `videos ${JSON.stringify(last.statuses)}`,
);

const bought = new Set(r.purchased);
const unavailableBought = r.unavailable.filter((u) => u.purchased);
const early = r.unavailable.filter((u) => u.filesLeft > 0 || u.footageLeft > 0);
console.log('\nchecks:');
console.log(
  `  cancelled bookings: ${r.cancelled.length} (${r.cancelled.filter((u) => bought.has(u)).length} bought); ` +
    `objects or files left after their cancel: ${r.cancelledLeftovers.length + base.r.cancelledLeftovers.length} ` +
    `(both runs)`,
);
console.log(
  `  unavailable: ${r.unavailable.length} videos, ${early.length} while files or footage remained; ` +
    `${Math.min(...r.unavailable.map((u) => u.hoursAfterBooking))}-${Math.max(...r.unavailable.map((u) => u.hoursAfterBooking))} h after the booking; ` +
    `queued for video-unavailable: ${last.unavailableReported}`,
);
console.log(
  `  bought videos made unavailable while mp4/<uid>.mp4 (the purchase's watermarked top rendition, not the full ` +
    `video a purchase is made from) was in the bucket: ` +
    `${unavailableBought.filter((u) => u.mp4InBucket).length} of ${unavailableBought.length}`,
);
console.log(
  `  local files the video sweep deleted as claimed by no video: ${fmt(r.orphansSwept)} (should be 0: each file is ` +
    `its video's)`,
);
console.log(`  error lines logged: ${r.errors.length + base.r.errors.length}`);
console.log(
  `\nwall time: ${fmt(kept.ms / 1000, 1)} s with retention, ${fmt(base.ms / 1000, 1)} s baseline ` +
    `(${DAYS * 24} hourly retention passes each)`,
);
