// The recording disks (RECORDING_DIRS): a probe of one disk (it is there, it is the file system it was, it takes a
// write, how much is free), the choice of the disk a recording run writes to, and the monitor that probes every
// disk on an interval and writes what it saw to the index (`recording_disks`), where the recorders read it.

import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { DiskRow, SegmentsRepo } from '../db/index.js';
import type { Logger } from '../log.js';

/** The file each recording disk holds at its top, so that an empty mount point left by an unmounted disk is not it. */
const DISK_MARKER = '.venue-recorder-disk';

/** What one probe of a disk saw. */
export interface DiskProbe {
  up: boolean;
  /** Why it is down (null while up). */
  reason: string | null;
  freeBytes: number | null;
  totalBytes: number | null;
  /** The device id of its file system (null when it could not be read). */
  dev: string | null;
}

/** Reads the free and total bytes of the file system holding `dir`. */
export type FreeSpaceReader = (dir: string) => { free: number; total: number };

/** Free and total bytes of the file system holding `dir`. */
const statfsSpace: FreeSpaceReader = (dir) => {
  const s = fs.statfsSync(dir);
  return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
};

/** An error's code and message, for a disk's reason. */
function why(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message.replace(/^[A-Z]+: /, '')}` : String((e as Error)?.message ?? e);
}

/**
 * Probes disk `dir`. `knownDev` is the device id it had when last up (null: never seen): a directory without the
 * marker file on another device is the empty mount point of a disk that is gone, not the disk. A disk seen for
 * the first time is created and marked.
 */
export function probeDisk(dir: string, knownDev: string | null, space: FreeSpaceReader = statfsSpace): DiskProbe {
  const down = (reason: string, dev: string | null = null): DiskProbe => ({
    up: false,
    reason,
    freeBytes: null,
    totalBytes: null,
    dev,
  });
  let dev: string;
  try {
    if (knownDev === null) fs.mkdirSync(dir, { recursive: true });
    dev = String(fs.statSync(dir).dev);
  } catch (e) {
    return down(why(e));
  }
  try {
    const marker = path.join(dir, DISK_MARKER);
    if (!fs.existsSync(marker)) {
      if (knownDev !== null && knownDev !== dev)
        return down('not mounted (its directory is on another file system)', dev);
      fs.writeFileSync(marker, `venue-recorder recording disk ${dir}\n`);
    }
    const probe = path.join(dir, `.probe-${process.pid}-${threadId}`);
    fs.writeFileSync(probe, 'probe');
    fs.rmSync(probe, { force: true });
  } catch (e) {
    // A full disk takes no write but is there: retention frees it.
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') return down(why(e), dev);
  }
  try {
    const { free, total } = space(dir);
    return { up: true, reason: null, freeBytes: free, totalBytes: total, dev };
  } catch (e) {
    return down(why(e), dev);
  }
}

/**
 * The disk a new recording run writes to: of the disks that are up (and not in `skip`), the one with the most free
 * space above the floor; when every one is under it, the one with the most free space.
 */
export function chooseDisk(disks: readonly DiskRow[], skip: ReadonlySet<string> = new Set()): DiskRow | undefined {
  return disks
    .filter((d) => d.up === 1 && !skip.has(d.dir))
    .sort((a, b) => a.low - b.low || (b.free_bytes ?? 0) - (a.free_bytes ?? 0) || a.position - b.position)[0];
}

/** A disk's row from a probe. */
function diskRow(dir: string, position: number, p: DiskProbe, minFreeBytes: number, at: string): DiskRow {
  return {
    dir,
    position,
    up: p.up ? 1 : 0,
    reason: p.reason,
    free_bytes: p.freeBytes,
    total_bytes: p.totalBytes,
    low: p.freeBytes !== null && p.freeBytes < minFreeBytes ? 1 : 0,
    dev: p.up ? p.dev : null,
    checked_at: at,
  };
}

/** Dependencies of {@link createDiskMonitor}. */
export interface DiskMonitorDeps {
  /** RECORDING_DIRS, in order. */
  dirs: readonly string[];
  /** `$DATA_DIR/media/recordings`: segment rows from before RECORDING_DIRS are on it. */
  recordingsDir: string;
  segments: SegmentsRepo;
  minFreeDiskMb: number;
  logger: Logger;
  /** Default 10 s. */
  intervalMs?: number;
  space?: FreeSpaceReader;
  /** After every check, with the disks as saved. */
  onCheck?: (disks: readonly DiskRow[]) => void;
}

/** The main thread's watch over the recording disks. */
export function createDiskMonitor(deps: DiskMonitorDeps) {
  const minFree = deps.minFreeDiskMb * 1024 * 1024;
  let timer: NodeJS.Timeout | undefined;
  let last: DiskRow[] = [];

  function check(): DiskRow[] {
    const at = new Date().toISOString();
    const before = new Map(deps.segments.disks().map((d) => [d.dir, d]));
    const rows = deps.dirs.map((dir, i) => {
      const known = before.get(dir);
      const row = diskRow(dir, i, probeDisk(dir, known?.dev ?? null, deps.space), minFree, at);
      if (known?.up === 1 && row.up === 0) deps.logger.error(`💽 DISK: ${dir} is unavailable: ${row.reason}`);
      if (known?.up === 0 && row.up === 1) deps.logger.info(`💽 DISK: ${dir} is available again`);
      if (row.low && !known?.low && row.up)
        deps.logger.warn(`💽 DISK: ${dir} has under ${deps.minFreeDiskMb} MB free; new recordings go elsewhere`);
      return row;
    });
    rows.forEach((r, i) => deps.segments.saveDisk(r, i === rows.length - 1 ? deps.dirs : undefined));
    last = deps.segments.disks();
    deps.onCheck?.(last);
    return last;
  }

  return {
    /** Probes every disk now and saves the result; rows from before RECORDING_DIRS are given their disk. */
    start(): DiskRow[] {
      let rows: DiskRow[] = [];
      try {
        deps.segments.adoptLegacyRows(deps.recordingsDir);
        rows = check();
      } catch (e) {
        // A held lock: the recorders write where the last saved check says; the next check saves this one.
        deps.logger.error(`💽 DISK: the first check of the recording disks failed: ${why(e)}`);
      }
      timer = setInterval(() => {
        try {
          check();
        } catch (e) {
          deps.logger.error(`💽 DISK: the check of the recording disks failed: ${why(e)}`);
        }
      }, deps.intervalMs ?? 10_000);
      timer.unref();
      return rows;
    },
    check,
    stop(): void {
      clearInterval(timer);
    },
    /** The disks as last checked. */
    disks(): readonly DiskRow[] {
      return last;
    },
    /** Set when no recording disk is up: nothing can be recorded. */
    notReadyReason(): string | undefined {
      if (last.length === 0 || last.some((d) => d.up === 1)) return undefined;
      return `no recording disk available (${last.map((d) => `${d.dir}: ${d.reason}`).join('; ')})`;
    },
  };
}
