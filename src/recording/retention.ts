// Recording retention for one camera: segments past RECORDING_RETENTION_HOURS go, and, on each recording disk,
// the camera's oldest there go first while that disk's free space is under MIN_FREE_DISK_MB. Segments an undelivered video still needs are kept unless the
// disk is critically full. Index rows are deleted before their files, so a crash leaves at most an orphan
// file (swept here), never a row without a file. A disk that is down is left alone: its rows stay (its footage
// counts as missing until it is back), nothing is deleted or swept there.

import fs from 'node:fs';
import path from 'node:path';
import type { DiskRow, SegmentRow, SegmentsRepo } from '../db/index.js';
import type { Logger } from '../log.js';
import { probeDisk } from './disks.js';

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
  /** Free bytes on the file system of a recording disk (injectable for tests). */
  freeBytes?: (dir: string) => number;
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

/** A recording disk as retention sees it; `legacy`: the one directory of a service without disk rows. */
interface RetentionDisk {
  dir: string;
  up: boolean;
  legacy: boolean;
}

/** The recording disks (the monitor's rows, each probed again), or the recordings directory alone when there are none. */
function recordingDisks(deps: Pick<RecordingRetentionDeps, 'recordingsDir' | 'segments'>): RetentionDisk[] {
  const rows: DiskRow[] = deps.segments.disks();
  if (rows.length === 0) return [{ dir: deps.recordingsDir, up: true, legacy: true }];
  // Probed again here: a disk that vanished since the monitor's last look must not lose its index rows.
  return rows.map((d) => ({ dir: d.dir, up: d.up === 1 && probeDisk(d.dir, d.dev).up, legacy: false }));
}

/** One retention pass for one camera. */
export function applyRecordingRetention(deps: RecordingRetentionDeps): RetentionResult {
  const now = (deps.now ?? Date.now)();
  const disks = recordingDisks(deps);
  const down = new Set(disks.filter((d) => !d.up).map((d) => d.dir));
  const onUpDisk = (r: SegmentRow) => r.dir === null || !down.has(r.dir);
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
    .filter((r) => !isProtected(r) && onUpDisk(r));
  for (let i = 0; i < expired.length; i += BATCH) remove(expired.slice(i, i + BATCH));
  result.expired = expired.length;

  // 2. Disk space, per disk: oldest first; footage still needed only when the disk is critically full, and only
  // until it is not.
  const minFree = deps.minFreeDiskMb * 1024 * 1024;
  const critical = minFree / 4;
  for (const d of disks.filter((x) => x.up)) {
    const free = () => (deps.freeBytes ?? freeDiskBytes)(d.dir);
    if (free() >= minFree) continue;
    const all = d.legacy
      ? deps.segments.oldest(deps.camera, Number.MAX_SAFE_INTEGER)
      : deps.segments.oldestOn(deps.camera, d.dir, Number.MAX_SAFE_INTEGER);
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
  const disks = recordingDisks(deps);
  const down = new Set(disks.filter((d) => !d.up).map((d) => d.dir));
  const indexed = deps.segments.files(deps.camera);
  const missing = deps.segments
    .oldest(deps.camera, Number.MAX_SAFE_INTEGER)
    .filter((r) => (r.dir === null || !down.has(r.dir)) && !fs.existsSync(path.join(deps.recordingsDir, r.file)));
  deps.segments.deleteRows(missing.map((r) => r.id));
  let orphans = 0;
  for (const disk of disks.filter((d) => d.up)) {
    const dir = path.join(disk.dir, deps.camera);
    if (!fs.existsSync(dir)) continue;
    for (const day of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!day.isDirectory() || day.name.startsWith('.')) continue;
      const dayDir = path.join(dir, day.name);
      for (const f of fs.readdirSync(dayDir)) {
        const full = path.join(dayDir, f);
        const rel = path.relative(deps.recordingsDir, full);
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
