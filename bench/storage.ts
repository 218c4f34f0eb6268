// bench:storage: the cost of GET /api/storage's report (per disk, per camera and venue day) read from the recording
// index, beside the baseline of walking the recordings' files (readdir + stat of every segment) for the same
// figures. Same segments, same process: 4 cameras x 3 days of 10 s segments as real (empty) files on disk, then the
// index alone grown to 4 cameras x 90 days (what a box with long retention holds), which no file walk is run over.
// Target: the index report of 90 days under 1 s, and faster than the file walk of 3 days.
//
// Usage: npx tsx bench/storage.ts [-- --days 3 --long-days 90]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSegmentsRepo, openDatabase, type Db } from '../src/db/index.js';
import { createStorageReport } from '../src/recording/storage-report.js';
import { localDateOf } from '../src/util/venue-time.js';
import { fmt, median, verdict } from './stats.js';

const arg = (name: string, dflt: number) => Number(process.argv[process.argv.indexOf(name) + 1] || dflt) || dflt;
const DAYS = arg('--days', 3);
const LONG_DAYS = arg('--long-days', 90);
const CAMERAS = ['CAM_1', 'CAM_2', 'CAM_3', 'CAM_4'];
const SEGMENT_MS = 10_000;
const TZ = 'Asia/Jakarta';
const RUNS = 5;

/** Indexes `days` of segments per camera ending now; with `dir`, writes each segment's (empty) file too. */
function seed(db: Db, days: number, dir?: string): number {
  const repo = createSegmentsRepo(db);
  const end = Date.now();
  let n = 0;
  db.transaction(() => {
    for (const camera of CAMERAS) {
      for (let t = end - days * 86_400_000; t < end; t += SEGMENT_MS) {
        const rel = path.join(camera, localDateOf(new Date(t), TZ), `${camera}_${t}.ts`);
        if (dir) {
          fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
          fs.writeFileSync(path.join(dir, rel), '');
        }
        repo.insert({
          camera,
          file: rel,
          dir: dir ?? null,
          start_ms: t,
          end_ms: t + SEGMENT_MS,
          duration_ms: SEGMENT_MS,
          size_bytes: 1_500_000,
          created_at: '',
        });
        n++;
      }
    }
  })();
  return n;
}

/** The baseline: the same per-camera-per-day bytes and counts from the files themselves. */
function walk(dir: string): Map<string, { bytes: number; segments: number }> {
  const out = new Map<string, { bytes: number; segments: number }>();
  for (const camera of fs.readdirSync(dir)) {
    for (const day of fs.readdirSync(path.join(dir, camera))) {
      const d = { bytes: 0, segments: 0 };
      for (const f of fs.readdirSync(path.join(dir, camera, day))) {
        d.bytes += fs.statSync(path.join(dir, camera, day, f)).size;
        d.segments++;
      }
      out.set(`${camera}/${day}`, d);
    }
  }
  return out;
}

function time(fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-storage-'));
try {
  const rec = path.join(tmp, 'rec');
  const db = openDatabase(path.join(tmp, 'db.sqlite'));
  const n = seed(db, DAYS, rec);
  const report = () =>
    createStorageReport({
      segments: createSegmentsRepo(db),
      timeZone: TZ,
      retentionHours: 72,
      minFreeDiskMb: 2048,
      cameras: () => CAMERAS,
      cacheMs: 0,
    }).get();
  const indexMs = time(report);
  const walkMs = time(() => walk(rec));
  console.log(`${fmt(n)} segments (${CAMERAS.length} cameras x ${DAYS} days, files on disk):`);
  console.log(`  report from the index: ${fmt(indexMs, 1)} ms (median of ${RUNS})`);
  console.log(`  baseline, walking the files: ${fmt(walkMs, 1)} ms (median of ${RUNS})`);
  db.close();

  const longDb = openDatabase(path.join(tmp, 'long.sqlite'));
  const long = seed(longDb, LONG_DAYS);
  const longMs = time(() =>
    createStorageReport({
      segments: createSegmentsRepo(longDb),
      timeZone: TZ,
      retentionHours: LONG_DAYS * 24,
      minFreeDiskMb: 2048,
      cameras: () => CAMERAS,
      cacheMs: 0,
    }).get(),
  );
  console.log(`${fmt(long)} segments (${CAMERAS.length} cameras x ${LONG_DAYS} days, index only):`);
  console.log(`  report from the index: ${fmt(longMs, 1)} ms (median of ${RUNS}); cached for 10 s between requests`);
  longDb.close();
  console.log(
    `target: 90-day report under 1000 ms and the index faster than the walk: ${verdict(longMs < 1000 && indexMs < walkMs)}`,
  );
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
