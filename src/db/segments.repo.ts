// The recording index: one row per closed segment (wall-clock start and end), and the gaps between them.

import type { Db } from './connection.js';

/** A recorded segment. Times are epoch milliseconds (UTC); `file` is relative to the recordings directory. */
export interface SegmentRow {
  id: number;
  camera: string;
  file: string;
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

/** The repository over `segments` and `recording_gaps`. */
export type SegmentsRepo = ReturnType<typeof createSegmentsRepo>;

/** Creates the repository with its statements prepared once. */
export function createSegmentsRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO segments (camera, file, start_ms, end_ms, duration_ms, size_bytes, created_at)
    VALUES (@camera, @file, @start_ms, @end_ms, @duration_ms, @size_bytes, @created_at)`);
  const last = db.prepare<[string], SegmentRow>('SELECT * FROM segments WHERE camera = ? ORDER BY end_ms DESC LIMIT 1');
  const overlapping = db.prepare<[string, number, number], SegmentRow>(
    'SELECT * FROM segments WHERE camera = ? AND valid = 1 AND end_ms > ? AND start_ms < ? ORDER BY start_ms',
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

  return {
    /** Indexes a closed segment; returns its id. */
    insert(row: Omit<SegmentRow, 'id' | 'valid'>): number {
      return Number(insert.run(row).lastInsertRowid);
    },
    /** The newest segment of a camera. */
    last(camera: string): SegmentRow | undefined {
      return last.get(camera);
    },
    /** Valid segments of a camera overlapping [startMs, endMs), oldest first. */
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
    /** Gaps of a camera overlapping [startMs, endMs). */
    gaps(camera: string, startMs: number, endMs: number): GapRow[] {
      return gapsIn.all(camera, startMs, endMs);
    },
    /** Up to `limit` segments of a camera that ended before `beforeMs`, oldest first. */
    olderThan(camera: string, beforeMs: number, limit: number): SegmentRow[] {
      return olderThan.all(camera, beforeMs, limit);
    },
    /** The `limit` oldest segments of a camera. */
    oldest(camera: string, limit: number): SegmentRow[] {
      return oldest.all(camera, limit);
    },
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
