// The recording index: one row per closed segment (wall-clock start and end), and the gaps between them.

import type { Db } from './connection.js';

/**
 * A recorded segment. Times are epoch milliseconds (UTC). `file` is relative to the recordings directory
 * (`$DATA_DIR/media/recordings`), also for a segment on another recording disk (then through `..`), so that every
 * reader joins it the same way; `dir` is the recording disk it is on (null: rows from before RECORDING_DIRS).
 */
export interface SegmentRow {
  id: number;
  camera: string;
  file: string;
  dir: string | null;
  start_ms: number;
  end_ms: number;
  duration_ms: number;
  size_bytes: number;
  valid: number;
  created_at: string;
}

/** A stretch without recording; `end_ms` is null while it lasts. */
export interface GapRow {
  id: number;
  camera: string;
  start_ms: number;
  end_ms: number | null;
  reason: string;
  created_at: string;
}

/** A recording disk as the disk monitor last saw it (the recorders read it to choose where to write). */
export interface DiskRow {
  dir: string;
  /** Its place in RECORDING_DIRS. */
  position: number;
  up: number;
  /** Why it is down (null while up). */
  reason: string | null;
  free_bytes: number | null;
  total_bytes: number | null;
  /** 1 while its free space is under MIN_FREE_DISK_MB. */
  low: number;
  /** The file system's device id when last seen up: a different one without the marker file means it is gone. */
  dev: string | null;
  checked_at: string;
}

/** The usage table's bucket: a quarter hour (every time zone's offset is a multiple of it). */
export const USAGE_BUCKET_MS = 900_000;

/** Bytes, segments and milliseconds recorded by one camera in one quarter hour (by segment start, since its epoch). */
export interface UsageBucket {
  camera: string;
  bucket: number;
  segments: number;
  bytes: number;
  ms: number;
}

/** Segments whose disk is down, by clause: they count as missing. */
const ON_UP_DISK = 'NOT EXISTS (SELECT 1 FROM recording_disks d WHERE d.dir = segments.dir AND d.up = 0)';

/** The repository over `segments`, `recording_gaps` and `recording_disks`. */
export type SegmentsRepo = ReturnType<typeof createSegmentsRepo>;

/** Creates the repository with its statements prepared once. */
export function createSegmentsRepo(db: Db) {
  const insert =
    db.prepare(`INSERT INTO segments (camera, file, dir, start_ms, end_ms, duration_ms, size_bytes, created_at)
    VALUES (@camera, @file, @dir, @start_ms, @end_ms, @duration_ms, @size_bytes, @created_at)`);
  const last = db.prepare<[string], SegmentRow>('SELECT * FROM segments WHERE camera = ? ORDER BY end_ms DESC LIMIT 1');
  const overlapping = db.prepare<[string, number, number], SegmentRow>(
    `SELECT * FROM segments WHERE camera = ? AND valid = 1 AND end_ms > ? AND start_ms < ? AND ${ON_UP_DISK} ORDER BY start_ms`,
  );
  const unavailable = db.prepare<[string, number, number], SegmentRow & { why: string | null }>(
    `SELECT segments.*, d.reason AS why FROM segments JOIN recording_disks d ON d.dir = segments.dir AND d.up = 0
     WHERE camera = ? AND end_ms > ? AND start_ms < ? ORDER BY start_ms`,
  );
  const openGap = db.prepare<[string], GapRow>(
    'SELECT * FROM recording_gaps WHERE camera = ? AND end_ms IS NULL ORDER BY id DESC LIMIT 1',
  );
  const insertGap = db.prepare(
    'INSERT INTO recording_gaps (camera, start_ms, end_ms, reason, created_at) VALUES (?, ?, NULL, ?, ?)',
  );
  const closeGapStmt = db.prepare('UPDATE recording_gaps SET end_ms = ? WHERE id = ?');
  const gapsIn = db.prepare<[string, number, number], GapRow>(
    'SELECT * FROM recording_gaps WHERE camera = ? AND (end_ms IS NULL OR end_ms > ?) AND start_ms < ? ORDER BY start_ms',
  );
  const olderThan = db.prepare<[string, number, number], SegmentRow>(
    'SELECT * FROM segments WHERE camera = ? AND end_ms < ? ORDER BY start_ms LIMIT ?',
  );
  const oldest = db.prepare<[string, number], SegmentRow>(
    'SELECT * FROM segments WHERE camera = ? ORDER BY start_ms LIMIT ?',
  );
  const del = db.prepare('DELETE FROM segments WHERE id = ?');
  const files = db.prepare<[string], { file: string }>('SELECT file FROM segments WHERE camera = ?');
  const countSince = db.prepare<[string, number], { n: number; bytes: number | null }>(
    'SELECT COUNT(*) AS n, SUM(size_bytes) AS bytes FROM segments WHERE camera = ? AND end_ms > ?',
  );

  const oldestOn = db.prepare<[string, string | null, number], SegmentRow>(
    'SELECT * FROM segments WHERE camera = ? AND dir IS ? ORDER BY start_ms LIMIT ?',
  );
  const disks = createDiskQueries(db);

  return {
    /** Indexes a closed segment; returns its id. */
    insert(row: Omit<SegmentRow, 'id' | 'valid' | 'dir'> & { dir?: string | null }): number {
      return Number(insert.run({ dir: null, ...row }).lastInsertRowid);
    },
    /** The newest segment of a camera. */
    last(camera: string): SegmentRow | undefined {
      return last.get(camera);
    },
    /** Valid segments of a camera overlapping [startMs, endMs), oldest first; those on a disk that is down are left out. */
    overlapping(camera: string, startMs: number, endMs: number): SegmentRow[] {
      return overlapping.all(camera, startMs, endMs);
    },
    /** Opens a gap unless one is already open; returns the open gap. */
    openGap(camera: string, startMs: number, reason: string, now: string): GapRow {
      const existing = openGap.get(camera);
      if (existing) return existing;
      insertGap.run(camera, startMs, reason, now);
      return openGap.get(camera)!;
    },
    /** Closes the open gap of a camera at `endMs`; returns it, or undefined when none was open. */
    closeGap(camera: string, endMs: number): GapRow | undefined {
      const gap = openGap.get(camera);
      if (!gap) return undefined;
      closeGapStmt.run(Math.max(gap.start_ms, endMs), gap.id);
      return { ...gap, end_ms: Math.max(gap.start_ms, endMs) };
    },
    /**
     * Why footage of a camera is missing in [startMs, endMs): the gaps in its recording, and the footage on a disk
     * that is down (id 0, reason `disk <dir> unavailable (...)`), in order of start.
     */
    gaps(camera: string, startMs: number, endMs: number): GapRow[] {
      const lost: GapRow[] = [];
      for (const s of unavailable.all(camera, startMs, endMs)) {
        const reason = `disk ${s.dir} unavailable${s.why ? ` (${s.why})` : ''}`;
        const last = lost.at(-1);
        if (last && last.reason === reason && s.start_ms - last.end_ms! <= 1_000) last.end_ms = s.end_ms;
        else lost.push({ id: 0, camera, start_ms: s.start_ms, end_ms: s.end_ms, reason, created_at: s.created_at });
      }
      return [...gapsIn.all(camera, startMs, endMs), ...lost].sort((a, b) => a.start_ms - b.start_ms);
    },
    /** Up to `limit` segments of a camera that ended before `beforeMs`, oldest first. */
    olderThan(camera: string, beforeMs: number, limit: number): SegmentRow[] {
      return olderThan.all(camera, beforeMs, limit);
    },
    /** The `limit` oldest segments of a camera. */
    oldest(camera: string, limit: number): SegmentRow[] {
      return oldest.all(camera, limit);
    },
    /** The `limit` oldest segments of a camera on disk `dir` (null: rows from before RECORDING_DIRS). */
    oldestOn(camera: string, dir: string | null, limit: number): SegmentRow[] {
      return oldestOn.all(camera, dir, limit);
    },
    ...disks,
    /** Removes index rows (in one transaction). */
    deleteRows(ids: readonly number[]): void {
      db.transaction(() => {
        for (const id of ids) del.run(id);
      }).immediate();
    },
    /** Every indexed file of a camera (relative paths). */
    files(camera: string): Set<string> {
      return new Set(files.all(camera).map((r) => r.file));
    },
    /** Segments and bytes a camera closed after `sinceMs`. */
    countSince(camera: string, sinceMs: number): { segments: number; bytes: number } {
      const r = countSince.get(camera, sinceMs)!;
      return { segments: r.n, bytes: r.bytes ?? 0 };
    },
  };
}

/** The recording disks' rows, and what the storage report reads of the index (grouped in SQL, never per file). */
function createDiskQueries(db: Db) {
  const all = db.prepare<[], DiskRow>('SELECT * FROM recording_disks ORDER BY position');
  const one = db.prepare<[string], DiskRow>('SELECT * FROM recording_disks WHERE dir = ?');
  const upsert =
    db.prepare(`INSERT INTO recording_disks (dir, position, up, reason, free_bytes, total_bytes, low, dev, checked_at)
    VALUES (@dir, @position, @up, @reason, @free_bytes, @total_bytes, @low, @dev, @checked_at)
    ON CONFLICT (dir) DO UPDATE SET position = excluded.position, up = excluded.up, reason = excluded.reason,
      free_bytes = excluded.free_bytes, total_bytes = excluded.total_bytes, low = excluded.low,
      dev = COALESCE(excluded.dev, recording_disks.dev), checked_at = excluded.checked_at`);
  const markDown = db.prepare('UPDATE recording_disks SET up = 0, reason = ?, checked_at = ? WHERE dir = ? AND up = 1');
  const adopt = db.prepare('UPDATE segments SET dir = ? WHERE dir IS NULL');
  const keepOnly = db.prepare('DELETE FROM recording_disks WHERE dir NOT IN (SELECT value FROM json_each(?))');
  // The usage table (migration 9) is kept by triggers on every insert, delete and update of a segment.
  const perDisk = db.prepare<[], { dir: string; segments: number; bytes: number | null }>(
    'SELECT dir, SUM(segments) AS segments, SUM(bytes) AS bytes FROM recording_usage GROUP BY dir',
  );
  const usage = db.prepare<[], UsageBucket>(
    `SELECT camera, bucket, SUM(segments) AS segments, SUM(bytes) AS bytes, SUM(ms) AS ms
     FROM recording_usage GROUP BY camera, bucket ORDER BY camera, bucket`,
  );
  const oldestOf = db.prepare<[string], { ms: number | null }>(
    'SELECT MIN(start_ms) AS ms FROM segments WHERE camera = ?',
  );
  const newestOf = db.prepare<[string], { ms: number | null }>(
    'SELECT MAX(end_ms) AS ms FROM segments WHERE camera = ?',
  );
  return {
    /** The recording disks, in RECORDING_DIRS' order (empty before the disk monitor first ran). */
    disks(): DiskRow[] {
      return all.all();
    },
    /** One recording disk's row. */
    disk(dir: string): DiskRow | undefined {
      return one.get(dir);
    },
    /** Writes what a probe of a disk saw; the disks not in `keep` (no longer configured) go, when given. */
    saveDisk(row: DiskRow, keep?: readonly string[]): void {
      db.transaction(() => {
        upsert.run(row);
        if (keep) keepOnly.run(JSON.stringify(keep));
      }).immediate();
    },
    /** Gives the rows from before RECORDING_DIRS (no `dir`) their disk, the recordings directory. */
    adoptLegacyRows(dir: string): number {
      return adopt.run(dir).changes;
    },
    /** Marks a disk down (a recorder met a write error on it); true when it was up until now. */
    markDiskDown(dir: string, reason: string, at: string): boolean {
      return markDown.run(reason, at, dir).changes > 0;
    },
    /** Segments and bytes of each disk (null: rows from before RECORDING_DIRS). */
    usageByDisk(): { dir: string | null; segments: number; bytes: number }[] {
      return perDisk
        .all()
        .map((r) => ({ dir: r.dir === '' ? null : r.dir, segments: r.segments, bytes: r.bytes ?? 0 }));
    },
    /** A camera's oldest footage and newest (two index lookups), or undefined without any. */
    spanOf(camera: string): { oldest_ms: number; newest_ms: number } | undefined {
      const oldest = oldestOf.get(camera)?.ms;
      const newest = newestOf.get(camera)?.ms;
      return oldest == null || newest == null ? undefined : { oldest_ms: oldest, newest_ms: newest };
    },
    /** Segments, bytes and recorded time of each camera per quarter hour ({@link USAGE_BUCKET_MS}), every disk. */
    usageByBucket(): UsageBucket[] {
      return usage.all();
    },
  };
}
