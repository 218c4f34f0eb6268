import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSegmentsRepo, openDatabase, type Db, type SegmentsRepo } from '../src/db/index.js';
import { applyRecordingRetention, sweepRecordings } from '../src/recording/retention.js';
import { captureLogger, tempDir } from './fixtures/helpers.js';

const H = 3_600_000;
const NOW = Date.UTC(2025, 3, 10, 12);
const MB = 1024 * 1024;

let tmp: ReturnType<typeof tempDir>;
let db: Db;
let repo: SegmentsRepo;
let rec: string;
beforeEach(() => {
  tmp = tempDir();
  db = openDatabase(path.join(tmp.dir, 'db.sqlite'));
  repo = createSegmentsRepo(db);
  rec = path.join(tmp.dir, 'rec');
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

/** One-hour segments of 1 MB each, ending `hoursAgo` before NOW. */
function seed(hoursAgo: number[]): void {
  for (const h of hoursAgo) {
    const start = NOW - h * H - H;
    const rel = path.join('CAM', '2025-04-10', `CAM_${start}.ts`);
    fs.mkdirSync(path.join(rec, 'CAM', '2025-04-10'), { recursive: true });
    fs.writeFileSync(path.join(rec, rel), Buffer.alloc(MB));
    repo.insert({
      camera: 'CAM',
      file: rel,
      start_ms: start,
      end_ms: start + H,
      duration_ms: H,
      size_bytes: MB,
      created_at: '',
    });
  }
}
const left = () =>
  (db.prepare('SELECT start_ms FROM segments ORDER BY start_ms').all() as { start_ms: number }[]).map(
    (r) => (NOW - r.start_ms) / H - 1,
  );
const filesLeft = () => fs.readdirSync(path.join(rec, 'CAM', '2025-04-10')).length;
/** A disk of `capacityMb` holding only these files. */
const disk = (capacityMb: number) => () => capacityMb * MB - filesLeft() * MB;

describe('recording retention', () => {
  it('deletes segments past the retention, rows and files, but keeps what an undelivered video needs', () => {
    seed([100, 80, 75, 10, 1]);
    const log = captureLogger();
    const r = applyRecordingRetention({
      camera: 'CAM',
      recordingsDir: rec,
      segments: repo,
      retentionHours: 72,
      minFreeDiskMb: 0,
      logger: log.logger,
      now: () => NOW,
      protectedWindows: () => [[NOW - 81 * H, NOW - 80.5 * H]],
      freeBytes: () => 10_000 * MB,
    });
    expect(r.expired).toBe(2);
    expect(left()).toEqual([80, 10, 1]);
    expect(filesLeft()).toBe(3);
    expect(log.lines.some((l) => l.includes('🧹 RETENTION: CAM: deleted 2 segments older than 72h'))).toBe(true);
  });

  it('deletes the oldest first while free disk is under the floor, footage still needed last', () => {
    seed([9, 8, 7, 6, 5, 4]);
    // 10 MB disk holding 6 MB: 4 MB free; the floor is 6 MB, so two segments must go.
    const r = applyRecordingRetention({
      camera: 'CAM',
      recordingsDir: rec,
      segments: repo,
      retentionHours: 72,
      minFreeDiskMb: 6,
      logger: captureLogger().logger,
      now: () => NOW,
      freeBytes: disk(10),
      protectedWindows: () => [[NOW - 10 * H, NOW - 9 * H]],
    });
    expect(r).toMatchObject({ forSpace: 2, critical: 0 });
    expect(left()).toEqual([9, 6, 5, 4]);
  });

  it('when only needed footage is left and the disk is critically full, deletes it too and says so loudly', () => {
    seed([3, 2, 1]);
    const log = captureLogger();
    // 3.5 MB disk holding 3 MB: 0.5 MB free; floor 8 MB, critical floor 2 MB: two of the needed segments go.
    const r = applyRecordingRetention({
      camera: 'CAM',
      recordingsDir: rec,
      segments: repo,
      retentionHours: 72,
      minFreeDiskMb: 8,
      logger: log.logger,
      now: () => NOW,
      freeBytes: disk(3.5),
      protectedWindows: () => [[0, NOW]],
    });
    expect(r).toMatchObject({ forSpace: 0, critical: 2 });
    expect(left()).toEqual([1]);
    expect(
      log.lines.some((l) => l.includes('🚨 DISK: critically full') && l.includes('deleted 2 segments of CAM')),
    ).toBe(true);
  });

  it('sweeps unindexed files and index rows without a file, keeping a file still being indexed', () => {
    seed([3, 2, 1]);
    const dir = path.join(rec, 'CAM', '2025-04-10');
    const orphan = path.join(dir, 'orphan.ts');
    fs.writeFileSync(orphan, 'x');
    fs.utimesSync(orphan, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    fs.writeFileSync(path.join(dir, 'fresh.ts'), 'x');
    const gone = (db.prepare('SELECT file FROM segments ORDER BY start_ms LIMIT 1').get() as { file: string }).file;
    fs.rmSync(path.join(rec, gone));
    const r = sweepRecordings({ camera: 'CAM', recordingsDir: rec, segments: repo, logger: captureLogger().logger });
    expect(r).toEqual({ orphans: 1, missing: 1 });
    expect(fs.existsSync(orphan)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'fresh.ts'))).toBe(true);
    expect(left()).toEqual([2, 1]);
  });
});
