// The recording disk of one camera's ffmpeg runs: which disk a new run writes to, and whether the running one's disk
// is lost (an I/O error on a segment, a failing probe, or the disk monitor marking it down), so that the recorder ends
// the run and the next one goes to another disk at once.

import path from 'node:path';
import type { DiskRow, SegmentsRepo } from '../db/index.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { chooseDisk, probeDisk } from './disks.js';

/** Errors of a segment's file that mean its disk is gone (unmounted, failing), not a problem of that one file. */
const DISK_ERRORS = new Set(['ENOENT', 'EIO', 'EROFS', 'ENOTDIR', 'ESTALE', 'ENXIO', 'ENODEV', 'EACCES']);

/** What {@link createRunDisk} needs from its recorder. */
export interface RunDiskDeps {
  camera: string;
  /** `$DATA_DIR/media/recordings`: the disk used when no recording disks are configured. */
  recordingsDir: string;
  segments: SegmentsRepo;
  logger: Logger;
  now: () => number;
  /** The recorder's ordered index writes. */
  write(what: string, work: () => void): void;
}

/** Creates a camera's run disk; `dir` is the recordings directory until the first {@link RunDisk.pick}. */
export function createRunDisk(deps: RunDiskDeps) {
  const { camera, segments, logger } = deps;
  let dir = deps.recordingsDir;
  let known: DiskRow[] = [];
  let lost: string | undefined;

  /** The disks as the monitor last saw them (the last read when the index is locked right now). */
  function read(): DiskRow[] {
    try {
      known = segments.disks();
    } catch (e) {
      logger.warn(`🎥 RECORDING: ${camera} could not read the recording disks: ${describeError(e)}`);
    }
    return known;
  }

  /** Notes that `d` failed (the monitor shows it down until a probe finds it again); returns the reason. */
  function down(d: string, why: string | null): string {
    const reason = `disk ${d} unavailable (${why ?? 'unknown'})`;
    const at = new Date(deps.now()).toISOString();
    known = known.map((row) => (row.dir === d ? { ...row, up: 0, reason: why } : row));
    deps.write(`mark ${d} down`, () => segments.markDiskDown(d, why ?? 'unknown', at));
    return reason;
  }

  return {
    /** The disk of the running (or last) run. */
    get dir(): string {
      return dir;
    },
    /** Where the running ffmpeg writes the segment in progress. */
    get incoming(): string {
      return path.join(dir, camera, '.incoming');
    },
    /**
     * Chooses the disk of a new run: the best one that is up and takes a write here (see chooseDisk); the recordings
     * directory when no disks are configured. Returns the reason when none is available.
     */
    pick(): { none: string } | undefined {
      lost = undefined;
      const rows = read();
      if (rows.length === 0) {
        dir = deps.recordingsDir;
        return undefined;
      }
      const tried = new Set<string>();
      const reasons: string[] = [];
      for (let d = chooseDisk(rows, tried); d; d = chooseDisk(known, tried)) {
        const p = probeDisk(d.dir, d.dev);
        if (p.up) {
          if (d.dir !== dir) logger.info(`🎥 RECORDING: ${camera} records to ${d.dir}`);
          dir = d.dir;
          return undefined;
        }
        tried.add(d.dir);
        reasons.push(down(d.dir, p.reason));
      }
      for (const d of rows)
        if (d.up === 0 && !tried.has(d.dir)) reasons.push(`disk ${d.dir} unavailable (${d.reason})`);
      return { none: `no recording disk available: ${reasons.join('; ')}` };
    },
    /** A segment of the run failed with `error`: true when that means its disk is gone (the run must end). */
    failedWith(error: unknown): boolean {
      const code = (error as NodeJS.ErrnoException).code;
      if (known.length === 0 || !code || !DISK_ERRORS.has(code) || lost) return false;
      lost = down(dir, code);
      return true;
    },
    /** True when the disk monitor marked the run's disk down (ffmpeg may still be writing to a detached one). */
    markedDown(): boolean {
      if (known.length === 0 || lost) return false;
      try {
        const row = segments.disk(dir);
        if (row?.up !== 0) return false;
        lost = `disk ${dir} unavailable (${row.reason ?? 'unknown'})`;
        return true;
      } catch {
        return false; // a locked index: the next segment looks again
      }
    },
    /** Why the ended run's disk cannot be written (lost earlier, or a probe now), or undefined when it can. */
    problem(): string | undefined {
      if (lost) return lost;
      const row = known.find((d) => d.dir === dir);
      if (!row) return undefined;
      const p = probeDisk(dir, row.dev);
      return p.up ? undefined : down(dir, p.reason);
    },
  };
}

/** A camera's run disk. */
export type RunDisk = ReturnType<typeof createRunDisk>;
