// Recording retention for one camera: segments past RECORDING_RETENTION_HOURS go, and the oldest go first
// while free disk is under MIN_FREE_DISK_MB. Segments an undelivered video still needs are kept unless the
// disk is critically full. Index rows are deleted before their files, so a crash leaves at most an orphan
// file (swept here), never a row without a file.

import fs from 'node:fs';
import path from 'node:path';
import type { SegmentRow, SegmentsRepo } from '../db/index.js';
import type { Logger } from '../log.js';

/** Time ranges [startMs, endMs) whose footage must stay (undelivered videos, bookings not yet cut). */
export type ProtectedWindows = () => readonly (readonly [number, number])[];

/** Dependencies of {@link applyRecordingRetention}. */
export interface RecordingRetentionDeps {
  camera: string;
  recordingsDir: string;
  segments: SegmentsRepo;
  retentionHours: number;
  minFreeDiskMb: number;
  logger: Logger;
  protectedWindows?: ProtectedWindows;
  /** Free bytes on the recordings' file system (injectable for tests). */
  freeBytes?: () => number;
  now?: () => number;
}

/** What one pass deleted. */
export interface RetentionResult {
  expired: number;
  forSpace: number;
  critical: number;
  orphans: number;
  missing: number;
}

const BATCH = 50;

/** Free bytes of the file system holding `dir`. */
export function freeDiskBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

/** One retention pass for one camera. */
export function applyRecordingRetention(deps: RecordingRetentionDeps): RetentionResult {
  const now = (deps.now ?? Date.now)();
  const free = deps.freeBytes ?? (() => freeDiskBytes(deps.recordingsDir));
  const windows = deps.protectedWindows?.() ?? [];
  const isProtected = (s: SegmentRow) => windows.some(([a, b]) => s.end_ms > a && s.start_ms < b);
  const result: RetentionResult = { expired: 0, forSpace: 0, critical: 0, orphans: 0, missing: 0 };
  const remove = (rows: SegmentRow[]) => {
    deps.segments.deleteRows(rows.map((r) => r.id));
    for (const r of rows) fs.rmSync(path.join(deps.recordingsDir, r.file), { force: true });
  };

  // 1. Age.
  const expired = deps.segments
    .olderThan(deps.camera, now - deps.retentionHours * 3_600_000, Number.MAX_SAFE_INTEGER)
    .filter((r) => !isProtected(r));
  for (let i = 0; i < expired.length; i += BATCH) remove(expired.slice(i, i + BATCH));
  result.expired = expired.length;

  // 2. Disk space: oldest first; footage still needed only when the disk is critically full, and only until it is not.
  const minFree = deps.minFreeDiskMb * 1024 * 1024;
  const critical = minFree / 4;
  if (free() < minFree) {
    const all = deps.segments.oldest(deps.camera, Number.MAX_SAFE_INTEGER);
    for (const r of all.filter((x) => !isProtected(x))) {
      if (free() >= minFree) break;
      remove([r]);
      result.forSpace++;
    }
    for (const r of all.filter(isProtected)) {
      if (free() >= critical) break;
      remove([r]);
      result.critical++;
    }
  }
  if (result.critical > 0) {
    deps.logger.error(
      `🚨 DISK: critically full (under ${Math.round(critical / 1048576)} MB free): deleted ${result.critical} segments of ${deps.camera} that undelivered videos still needed`,
    );
  }
  if (result.forSpace > 0)
    deps.logger.warn(
      `🧹 RETENTION: ${deps.camera}: deleted ${result.forSpace} oldest segments, free disk under ${deps.minFreeDiskMb} MB`,
    );
  if (result.expired > 0)
    deps.logger.info(
      `🧹 RETENTION: ${deps.camera}: deleted ${result.expired} segments older than ${deps.retentionHours}h`,
    );
  return result;
}

/**
 * Makes index and files agree for one camera: rows whose file is gone are dropped, and finished files that no
 * row names (left by a crash between a file operation and its index write) are deleted.
 */
export function sweepRecordings(
  deps: Pick<RecordingRetentionDeps, 'camera' | 'recordingsDir' | 'segments' | 'logger'>,
  graceMs = 60_000,
): Pick<RetentionResult, 'orphans' | 'missing'> {
  const dir = path.join(deps.recordingsDir, deps.camera);
  const indexed = deps.segments.files(deps.camera);
  const missing = deps.segments
    .oldest(deps.camera, Number.MAX_SAFE_INTEGER)
    .filter((r) => !fs.existsSync(path.join(deps.recordingsDir, r.file)));
  deps.segments.deleteRows(missing.map((r) => r.id));
  let orphans = 0;
  if (fs.existsSync(dir)) {
    for (const day of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!day.isDirectory() || day.name.startsWith('.')) continue;
      const dayDir = path.join(dir, day.name);
      for (const f of fs.readdirSync(dayDir)) {
        const rel = path.join(deps.camera, day.name, f);
        const full = path.join(dayDir, f);
        if (indexed.has(rel) || Date.now() - fs.statSync(full).mtimeMs < graceMs) continue;
        fs.rmSync(full, { force: true });
        orphans++;
      }
      if (fs.readdirSync(dayDir).length === 0) fs.rmdirSync(dayDir);
    }
  }
  if (orphans + missing.length > 0) {
    deps.logger.warn(
      `🧹 RETENTION: ${deps.camera}: swept ${orphans} unindexed files and ${missing.length} index rows without a file`,
    );
  }
  return { orphans, missing: missing.length };
}
