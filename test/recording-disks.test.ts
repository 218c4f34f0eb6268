// Two recording disks, each a small tmpfs bind-mounted at its directory (so that an unmount makes the disk vanish
// and a bind mount brings it back with its footage): the fuller one is avoided; the one being recorded on vanishes
// mid-run and recording goes on on the other, the lost footage and the gap reported for clips; the disk comes back
// and is used again; with no disk left the service is not ready. Needs root (mount), as CI runs.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createSegmentsRepo, openDatabase, type Db, type SegmentsRepo } from '../src/db/index.js';
import { createDiskMonitor } from '../src/recording/disks.js';
import { applyRecordingRetention, sweepRecordings } from '../src/recording/retention.js';
import { startService, type RunningService } from '../src/service.js';
import { cutClip } from '../src/video/clip.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const CAMERA = 'CAM_1';
const MB = 1024 * 1024;
const isRoot = process.getuid?.() === 0;

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });
const unmount = (dir: string) => {
  try {
    sh('umount', '-l', dir);
  } catch {
    /* not mounted */
  }
};

describe.skipIf(!isRoot)('recording on more than one disk (tmpfs mounts)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let service: RunningService;
  let db: Db;
  let segments: SegmentsRepo;
  const log = captureLogger();
  const store = { a: '', b: '' };
  const disk = { a: '', b: '' };
  const mounts: string[] = [];

  const api = async (p: string) => {
    const res = await fetch(service.url + p);
    const text = await res.text();
    return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
  const rowsOn = (dir: string) =>
    db.prepare('SELECT * FROM segments WHERE camera = ? AND dir = ? ORDER BY start_ms').all(CAMERA, dir) as {
      file: string;
      start_ms: number;
      end_ms: number;
    }[];
  const statusDisk = async (dir: string) =>
    ((await api('/api/status')).body.data.recordingDisks as { dir: string; up: boolean; reason: string | null }[]).find(
      (d) => d.dir === dir,
    );
  const metricLine = async (name: string, dir: string) =>
    String((await api('/metrics')).body)
      .split('\n')
      .find((l) => l.startsWith(`${name}{dir="${dir}"}`));

  beforeAll(async () => {
    tmp = tempDir();
    for (const k of ['a', 'b'] as const) {
      store[k] = path.join(tmp.dir, `store-${k}`);
      disk[k] = path.join(tmp.dir, `disk-${k}`);
      fs.mkdirSync(store[k]);
      fs.mkdirSync(disk[k]);
      sh('mount', '-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', store[k]);
      mounts.push(store[k]);
      sh('mount', '--bind', store[k], disk[k]);
      mounts.push(disk[k]);
    }
    // Disk A is the fuller one: 9 of its 16 MB taken, under the 8 MB floor.
    fs.writeFileSync(path.join(store.a, 'other-data'), Buffer.alloc(9 * MB, 1));
    service = await startService(
      loadConfig({
        PORT: '0',
        DATA_DIR: path.join(tmp.dir, 'data'),
        RECORDING_DIRS: `${disk.a},${disk.b}`,
        MIN_FREE_DISK_MB: '8',
        SEGMENT_SECONDS: '1',
        CAMERAS: JSON.stringify([{ name: CAMERA, fieldId: 50, url: 'testsrc', enabled: true }]),
      }),
      log.logger,
    );
    db = openDatabase(path.join(tmp.dir, 'data', 'venue-recorder.db'));
    segments = createSegmentsRepo(db);
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    db?.close();
    // Mounts go first (the bind mounts, then the tmpfs under them), whatever the test reached.
    for (const m of mounts.reverse()) unmount(m);
    unmount(disk.a);
    unmount(disk.b);
    tmp?.cleanup();
  }, 60_000);

  it('avoids the fuller disk, moves to the other when its disk vanishes, reports the gap, and uses it again when back', async () => {
    // 1. The fuller disk is avoided: every segment goes to B.
    await waitFor(() => rowsOn(disk.b).length >= 3, 'three segments on disk B', 60_000);
    expect(rowsOn(disk.a)).toEqual([]);
    const first = rowsOn(disk.b)[0]!;
    expect(fs.existsSync(path.join(tmp.dir, 'data', 'media', 'recordings', first.file))).toBe(true);
    expect(fs.existsSync(path.join(disk.b, CAMERA))).toBe(true);
    // The report is reused for 10 s: the first one may predate the first segment.
    await waitFor(
      async () => (await api('/api/storage')).body.data.cameras[0]?.days[0]?.segments >= 1,
      'the storage report to show the footage',
      30_000,
    );
    const storage = (await api('/api/storage')).body.data;
    expect(storage.disks).toEqual([
      expect.objectContaining({ dir: disk.a, up: true, low: true, recordingBytes: 0 }),
      expect.objectContaining({ dir: disk.b, up: true, low: false }),
    ]);
    expect(storage.disks[0].freeBytes).toBeLessThan(8 * MB);
    expect(storage.cameras[0]).toMatchObject({ camera: CAMERA });
    expect(storage.disks[1].recordingBytes).toBeGreaterThan(0);
    expect(await metricLine('venue_recorder_recording_disk_up', disk.b)).toMatch(/ 1$/);

    // 2. Disk B vanishes mid-run: recording goes on on A, within a segment or two.
    const onB = rowsOn(disk.b).length;
    unmount(disk.b);
    await waitFor(() => rowsOn(disk.a).length >= 3, 'three segments on disk A after B vanished', 60_000);
    const lastOnB = rowsOn(disk.b).at(-1)!;
    expect(rowsOn(disk.b).length).toBeLessThanOrEqual(onB + 2);
    const firstOnA = rowsOn(disk.a)[0]!;
    expect(firstOnA.start_ms).toBeGreaterThan(lastOnB.end_ms - 1);
    // The interruption is a gap in the recording, its reason naming the disk.
    const gap = db
      .prepare('SELECT * FROM recording_gaps WHERE camera = ? AND start_ms >= ? ORDER BY id')
      .get(CAMERA, lastOnB.end_ms - 1) as { start_ms: number; end_ms: number | null; reason: string };
    expect(gap.reason).toContain(`disk ${disk.b} unavailable`);
    expect(gap.end_ms).toBe(firstOnA.start_ms);
    // B is down in /api/status, /api/storage and the metric; the service stays ready (A records).
    await waitFor(async () => (await statusDisk(disk.b))?.up === false, 'disk B down in /api/status', 30_000);
    expect((await statusDisk(disk.b))!.reason).toBeTruthy();
    expect((await statusDisk(disk.a))!.up).toBe(true);
    await waitFor(
      async () => / 0$/.test((await metricLine('venue_recorder_recording_disk_up', disk.b)) ?? ''),
      'the disk metric at 0',
      30_000,
    );
    expect((await api('/readyz')).status).toBe(200);

    // 3. For clips, B's footage is missing, with the reason: the cut over a window across the move covers only A.
    const windowStart = lastOnB.end_ms - 2_500;
    const windowEnd = rowsOn(disk.a)[1]!.end_ms;
    const usable = segments.overlapping(CAMERA, windowStart, windowEnd);
    expect(usable.every((s) => s.dir === disk.a)).toBe(true);
    const why = segments.gaps(CAMERA, windowStart, windowEnd).map((g) => g.reason);
    expect(why.some((r) => r.startsWith(`disk ${disk.b} unavailable`))).toBe(true);
    const cut = await cutClip({
      segments: usable.map((s) => ({
        file: path.join(tmp.dir, 'data', 'media', 'recordings', s.file),
        startMs: s.start_ms,
        endMs: s.end_ms,
      })),
      windowStartMs: windowStart,
      windowEndMs: windowEnd,
      out: path.join(tmp.dir, 'clip.mp4'),
      ffmpeg: 'ffmpeg',
      ffprobe: 'ffprobe',
    });
    expect(cut.coverage).toBeLessThan(1);
    expect(cut.missing[0]![0]).toBe(windowStart);
    expect(cut.missing[0]![1]).toBeGreaterThanOrEqual(lastOnB.end_ms);

    // 4. B comes back (its footage with it): up again, its footage usable again, and recording goes there when A
    // vanishes in turn.
    sh('mount', '--bind', store.b, disk.b);
    await waitFor(async () => (await statusDisk(disk.b))?.up === true, 'disk B up again', 30_000);
    expect(segments.overlapping(CAMERA, lastOnB.start_ms, lastOnB.end_ms).map((s) => s.dir)).toEqual([disk.b]);
    const backOnB = rowsOn(disk.b).length;
    unmount(disk.a);
    await waitFor(() => rowsOn(disk.b).length >= backOnB + 3, 'recording on disk B again', 60_000);

    // 5. No disk left: not ready, naming them.
    unmount(disk.b);
    await waitFor(async () => (await api('/readyz')).status === 503, '/readyz 503 without a disk', 30_000);
    const notReady = (await api('/readyz')).body.message as string;
    expect(notReady).toContain('no recording disk available');
    expect(notReady).toContain(disk.a);
    expect(notReady).toContain(disk.b);
  }, 240_000);
});

describe('retention per recording disk', () => {
  const H = 3_600_000;
  const NOW = Date.UTC(2025, 3, 10, 12);
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let repo: SegmentsRepo;
  let rec: string;
  const dirs = { a: '', b: '' };
  const log = captureLogger();
  let monitor: ReturnType<typeof createDiskMonitor>;

  /** One-hour segments of 1 MB on `dir`, starting `hoursAgo` before NOW; the file is written unless `noFile`. */
  const seed = (dir: string, hoursAgo: number[], noFile = false) => {
    for (const h of hoursAgo) {
      const start = NOW - h * H;
      const full = path.join(dir, CAMERA, '2025-04-10', `${CAMERA}_${start}.ts`);
      if (!noFile) {
        fs.mkdirSync(path.dirname(full), { recursive: true });
        fs.writeFileSync(full, Buffer.alloc(MB));
      }
      repo.insert({
        camera: CAMERA,
        dir,
        file: path.relative(rec, full),
        start_ms: start,
        end_ms: start + H,
        duration_ms: H,
        size_bytes: MB,
        created_at: '',
      });
    }
  };
  const hoursLeft = (dir: string) =>
    (
      db.prepare('SELECT start_ms FROM segments WHERE dir = ? ORDER BY start_ms').all(dir) as { start_ms: number }[]
    ).map((r) => (NOW - r.start_ms) / H);
  const filesOn = (dir: string) => fs.readdirSync(path.join(dir, CAMERA, '2025-04-10')).length;

  beforeAll(() => {
    tmp = tempDir();
    db = openDatabase(path.join(tmp.dir, 'db.sqlite'));
    repo = createSegmentsRepo(db);
    rec = path.join(tmp.dir, 'rec');
    dirs.a = path.join(tmp.dir, 'disk-a');
    dirs.b = path.join(tmp.dir, 'disk-b');
    monitor = createDiskMonitor({
      dirs: [dirs.a, dirs.b],
      recordingsDir: rec,
      segments: repo,
      minFreeDiskMb: 0,
      logger: log.logger,
    });
    monitor.check();
  });
  afterAll(() => {
    db?.close();
    tmp?.cleanup();
  });

  it('frees the disk under the floor from its own oldest footage, leaving the other disk alone', () => {
    seed(dirs.a, [9, 7, 5]);
    seed(dirs.b, [10, 8, 6]); // older, but on a disk with room
    // Disk A: 10 MB holding its files, floor 8 MB: two of its three segments must go. Disk B: plenty free.
    const free = (dir: string) => (dir === dirs.a ? 10 * MB - filesOn(dirs.a) * MB : 1_000 * MB);
    const r = applyRecordingRetention({
      camera: CAMERA,
      recordingsDir: rec,
      segments: repo,
      retentionHours: 72,
      minFreeDiskMb: 8,
      logger: log.logger,
      now: () => NOW,
      freeBytes: free,
    });
    expect(r.forSpace).toBe(1);
    expect(hoursLeft(dirs.a)).toEqual([7, 5]);
    expect(filesOn(dirs.a)).toBe(2);
    expect(hoursLeft(dirs.b)).toEqual([10, 8, 6]);
  });

  it('keeps the index rows of a disk that is down, and drops only those of a disk that is up', () => {
    // Disk B's files vanish (its marker with them, as with an unmounted disk on another device); on A, one row's file is gone.
    seed(dirs.a, [3], true);
    fs.rmSync(dirs.b, { recursive: true });
    fs.mkdirSync(dirs.b);
    db.prepare("UPDATE recording_disks SET dev = 'another device' WHERE dir = ?").run(dirs.b);
    const r = sweepRecordings({ camera: CAMERA, recordingsDir: rec, segments: repo, logger: log.logger });
    expect(r.missing).toBe(1);
    expect(hoursLeft(dirs.a)).toEqual([7, 5]);
    expect(hoursLeft(dirs.b)).toEqual([10, 8, 6]);
    // The monitor's next check marks B down: for clips, its footage is missing, with the disk named.
    expect(monitor.check().map((d) => [d.dir, d.up])).toEqual([
      [dirs.a, 1],
      [dirs.b, 0],
    ]);
    const lost = repo.gaps(CAMERA, NOW - 11 * H, NOW);
    expect(lost.map((g) => [(NOW - g.start_ms) / H, (NOW - g.end_ms!) / H])).toEqual([
      [10, 9],
      [8, 7],
      [6, 5],
    ]);
    for (const g of lost) expect(g.reason).toMatch(`disk ${dirs.b} unavailable (not mounted`);
    expect(repo.overlapping(CAMERA, NOW - 11 * H, NOW).map((s) => s.dir)).toEqual([dirs.a, dirs.a]);
  });
});
