// One camera's recorder: an ffmpeg child writing segments, each closed segment moved into place and indexed
// with its wall-clock start and end, a watchdog that restarts a stalled or dead ffmpeg with capped backoff,
// and every gap in the recording written down.

import fs from 'node:fs';
import path from 'node:path';
import { retryWhileBusy, type SegmentsRepo } from '../db/index.js';
import { describeError, type ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';
import {
  firstVideoPts,
  parseProgressFrames,
  parseProgressLine,
  parseSegmentListLine,
  recordArgs,
  runMedia,
  type MediaProcess,
  type ProcessExit,
  type SegmentListEntry,
  TS_MUX_OFFSET_SEC,
} from '../media/index.js';
import { localDateOf } from '../util/venue-time.js';
import { redactUrl, type CameraConfig } from './cameras.js';
import { createRunDisk } from './run-disk.js';
import { compact, redactAll } from './recorder-text.js';
import { STARTUP_GRACE_MS, stallOf } from './stall.js';
import { createRunClock, placeSegment, type PlacedSegment, type RunClock } from './run-clock.js';

/** recording: segments are closing. reconnecting: ffmpeg is (re)starting. offline: it keeps failing. disabled: off by configuration. */
export type RecorderState = 'recording' | 'reconnecting' | 'offline' | 'disabled';

/** What a recorder reports. */
/** Why ffmpeg was restarted: the camera stalled, ffmpeg is missing, or ffmpeg exited. */
export type RestartCode = Extract<ErrorCode, 'stall' | 'ffmpeg-missing' | 'ffmpeg-failed'>;

export type RecorderEvent =
  | { type: 'recorder:state'; camera: string; state: RecorderState; reason: string | null }
  | { type: 'segment:closed'; camera: string; startMs: number; endMs: number; durationMs: number; sizeBytes: number }
  | { type: 'recorder:restart'; camera: string; reason: string; code: RestartCode; delayMs: number }
  | { type: 'recording:gap'; camera: string; startMs: number; endMs: number; reason: string };

/** A recorder's state as data. */
export interface RecorderStatus {
  camera: string;
  state: RecorderState;
  lastSegmentAt: number | null;
  restarts: number;
  lastError: string | null;
}

/** Dependencies of {@link createRecorder}. */
export interface RecorderDeps {
  camera: CameraConfig;
  /**
   * `$DATA_DIR/media/recordings`: the index's paths are relative to it. Each run writes to the recording disk the
   * disk monitor's rows (`recording_disks`) point to; without rows, here.
   */
  recordingsDir: string;
  segmentSeconds: number;
  ffmpegPath: string;
  timeZone: string;
  segments: SegmentsRepo;
  logger: Logger;
  onEvent?: (e: RecorderEvent) => void;
  /** Restart backoff of ffmpeg: doubles from `initialMs` to `maxMs`. */
  backoff?: { initialMs: number; maxMs: number };
  /** Extra time a new ffmpeg run gets for its first sign of life (connecting, probing the stream). Default 20 s. */
  startupGraceMs?: number;
  /** Consecutive failed runs after which the camera counts as offline (it is still retried). */
  offlineAfter?: number;
  testsrc?: { width: number; height: number; fps: number };
  now?: () => number;
}

/** Creates a recorder; nothing runs until `start()`. */
export function createRecorder(deps: RecorderDeps) {
  const { camera, segments, logger } = deps;
  const now = deps.now ?? Date.now;
  const backoff = deps.backoff ?? { initialMs: 1_000, maxMs: 60_000 };
  const segmentMs = deps.segmentSeconds * 1000;
  const watchdogMs = Math.max(100, segmentMs / 4);
  let proc: MediaProcess | undefined;
  // The running ffmpeg's timeline on the wall clock, and where its last segment was indexed.
  let clock: RunClock = createRunClock();
  let frames: number | undefined; // the video frames of ffmpeg's report being read
  let previous: PlacedSegment | undefined;
  // Closed segments waiting for the clock to settle (a run's first seconds), each with when its line came.
  let held: { entry: SegmentListEntry; arrival: number }[] = [];
  let launchedAt = 0;
  let lastSegmentAt: number | null = null;
  // When the run's frame count last went up: ffmpeg reads the camera, whether or not a segment closed yet.
  let lastProgressAt: number | null = null;
  let lastEndMs: number | undefined = segments.last(camera.name)?.end_ms;
  let failures = 0;
  let restarts = 0;
  let lastError: string | null = null;
  let stallReason: string | undefined;
  let state: RecorderState = 'reconnecting';
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  const writesAbort = new AbortController();
  let writes: Promise<void> = Promise.resolve();

  /**
   * The index's writes, in order. A lock another connection holds (an operator's sqlite3, a backup) delays them,
   * retried with backoff and logged once per episode; it never drops a row nor stops the recording: the segment's
   * file is already in place, and its row follows once the lock goes.
   */
  function write(what: string, work: () => void): void {
    writes = writes
      .then(() =>
        retryWhileBusy(work, { what: `recorder ${camera.name}: ${what}`, logger, signal: writesAbort.signal }),
      )
      .catch((e: unknown) => logger.error(`🎥 RECORDING: ${camera.name} could not ${what}: ${describeError(e)}`));
  }

  // The recording disk of the running ffmpeg (and its directory of segments being written).
  const disk = createRunDisk({ camera: camera.name, recordingsDir: deps.recordingsDir, segments, logger, now, write });

  const emit = (e: RecorderEvent) => {
    try {
      deps.onEvent?.(e);
    } catch {
      /* listeners cannot break recording */
    }
  };
  let stateReason: string | null = null;
  const setState = (next: RecorderState, reason: string | null = null) => {
    if (next === state && reason === stateReason) return;
    state = next;
    stateReason = reason;
    emit({ type: 'recorder:state', camera: camera.name, state, reason });
  };

  /**
   * Removes what an earlier run left in `.incoming/` (the partial segment ffmpeg was writing when it died or was
   * killed, at a service start or at every relaunch by the watchdog). Such files are never indexed: the time they
   * cover is already recorded as a gap. Called only when no ffmpeg of this camera runs.
   */
  function sweepIncoming(): void {
    fs.mkdirSync(disk.incoming, { recursive: true });
    for (const f of fs.readdirSync(disk.incoming)) {
      fs.rmSync(path.join(disk.incoming, f), { force: true });
      logger.warn(`🎥 RECORDING: ${camera.name} removed the partial segment ${f} of an earlier run`);
    }
  }

  function launch(): void {
    restartTimer = undefined;
    if (stopping) return;
    const none = disk.pick();
    if (none) {
      failed(none.none, 'ffmpeg-failed', false);
      return;
    }
    sweepIncoming();
    const runId = now();
    clock = createRunClock(heldFrames(camera.url));
    frames = undefined;
    previous = undefined;
    held = [];
    stallReason = undefined;
    launchedAt = now();
    lastProgressAt = null;
    logger.info(`🎥 RECORDING: ${camera.name} starting ffmpeg on ${redactUrl(camera.url)}`);
    const args = recordArgs({
      url: camera.url,
      segmentSeconds: deps.segmentSeconds,
      outputPattern: path.join(disk.incoming, `${runId}_%06d.ts`),
      testsrc: deps.testsrc,
    });
    const p = runMedia(deps.ffmpegPath, args, (line) => onLine(line));
    proc = p;
    void p.exited.then((exit) => onExit(p, exit));
  }

  /**
   * ffmpeg's stdout: progress reports place the run on the wall clock; segment list lines are closed segments,
   * indexed once the clock has settled (at once after a run's first seconds).
   */
  function onLine(line: string): void {
    const t = now();
    const count = parseProgressFrames(line);
    if (count !== undefined) {
      if (count > (frames ?? 0)) lastProgressAt = t;
      frames = count;
    }
    const written = parseProgressLine(line);
    const entry = written === undefined ? parseSegmentListLine(line) : undefined;
    // A closed segment is written up to its end by now: one more bound, the only one if no report came (yet).
    if (written !== undefined) clock.observe(t, written, frames);
    else if (entry) clock.observe(t, entry.end);
    if (entry) {
      // The camera is recording (the watchdog sees it) whether or not the segment can be indexed right now.
      lastSegmentAt = t;
      held.push({ entry, arrival: t });
    }
    if (held.length > 0 && clock.settled(t)) flushHeld();
  }

  /** Indexes the held segments, oldest first. */
  function flushHeld(): void {
    const due = held;
    held = [];
    for (const { entry, arrival } of due) indexSegment(entry, arrival);
  }

  function indexSegment(entry: SegmentListEntry, arrival: number): void {
    try {
      const src = path.join(disk.incoming, path.basename(entry.file));
      const { startMs, endMs } = placeSegment(clock, previous ? entry : runStart(entry, src), previous)!;
      const size = fs.statSync(src).size;
      if (size === 0 || endMs <= startMs) {
        fs.rmSync(src, { force: true });
        return;
      }
      previous = { end: entry.end, endMs };
      const full = path.join(
        disk.dir,
        camera.name,
        localDateOf(new Date(startMs), deps.timeZone),
        `${camera.name}_${compact(startMs)}.ts`,
      );
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.renameSync(src, full);
      // Relative to the recordings directory whichever disk it is on (`../` for another one): readers join the same.
      const rel = path.relative(deps.recordingsDir, full);
      lastEndMs = endMs;
      failures = 0;
      setState('recording');
      const name = path.basename(rel);
      write(`index segment ${name}`, () =>
        segments.insert({
          camera: camera.name,
          file: rel,
          dir: disk.dir,
          start_ms: startMs,
          end_ms: endMs,
          duration_ms: endMs - startMs,
          size_bytes: size,
          created_at: new Date(arrival).toISOString(),
        }),
      );
      write(`close the gap before segment ${name}`, () => {
        const gap = segments.closeGap(camera.name, startMs);
        if (gap && gap.end_ms !== null) {
          logger.info(
            `🎥 RECORDING: ${camera.name} recording again after a gap of ${((gap.end_ms - gap.start_ms) / 1000).toFixed(1)}s (${gap.reason})`,
          );
          emit({
            type: 'recording:gap',
            camera: camera.name,
            startMs: gap.start_ms,
            endMs: gap.end_ms,
            reason: gap.reason,
          });
        }
        emit({
          type: 'segment:closed',
          camera: camera.name,
          startMs,
          endMs,
          durationMs: endMs - startMs,
          sizeBytes: size,
        });
      });
      // The disk monitor found the run's disk down: end the run (ffmpeg may still be writing to a detached one).
      if (disk.markedDown()) proc?.kill();
    } catch (e) {
      logger.error(
        `🎥 RECORDING: ${camera.name} could not index segment ${path.basename(entry.file)}: ${describeError(e)}`,
      );
      // The disk went away under ffmpeg (unmounted, I/O errors): the run ends, the next one goes to another disk.
      if (disk.failedWith(e)) proc?.kill();
    }
  }

  function onExit(p: MediaProcess, exit: ProcessExit): void {
    if (proc !== p) return;
    proc = undefined;
    flushHeld();
    if (stopping) return;
    // The run's disk failing ends the run; the next one goes to another disk at once, and the camera is not at fault.
    const lost = disk.problem();
    if (lost) {
      failed(lost, 'ffmpeg-failed', true);
      return;
    }
    const tail = exit.stderrTail.at(-1);
    // Classified here, where it is known, so that metrics never read the log text.
    const code: RestartCode = stallReason ? 'stall' : exit.code === 127 ? 'ffmpeg-missing' : 'ffmpeg-failed';
    const reason =
      stallReason ??
      (exit.code === 127 && tail
        ? tail
        : `ffmpeg exited (${exit.signal ?? `code ${exit.code}`})${tail ? `: ${redactAll(tail, camera.url)}` : ''}`);
    failed(reason, code, false);
  }

  /** A run ended (or could not start): notes the gap and starts the next run, at once when `now`, else backed off. */
  function failed(reason: string, code: RestartCode, immediate: boolean): void {
    lastError = reason;
    const gapFrom = lastEndMs ?? launchedAt;
    const noted = new Date(now()).toISOString();
    write('note a gap', () => segments.openGap(camera.name, gapFrom, reason, noted));
    if (!immediate) failures++;
    restarts++;
    const delayMs = immediate ? 0 : Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 20));
    setState(failures >= (deps.offlineAfter ?? 5) ? 'offline' : 'reconnecting', reason);
    logger.warn(`🎥 RECORDING: ${camera.name} ${reason}; restarting ffmpeg in ${(delayMs / 1000).toFixed(1)}s`);
    emit({ type: 'recorder:restart', camera: camera.name, reason, code, delayMs });
    restartTimer = setTimeout(launch, delayMs);
  }

  let lastTick = Date.now();
  function checkStall(): void {
    // A tick that comes late means this thread was blocked (a database write waiting out a lock's busy timeout):
    // ffmpeg's lines of that while are still unread, so its silence is this thread's, not the camera's. Real time,
    // not `now`: it measures this thread, not the recording.
    const tick = Date.now();
    const late = tick - lastTick > 3 * watchdogMs;
    lastTick = tick;
    if (late) return;
    if (!proc || stallReason) return;
    stallReason = stallOf({
      now: now(),
      launchedAt,
      lastSegmentAt,
      lastProgressAt,
      segmentMs,
      startupGraceMs: deps.startupGraceMs ?? STARTUP_GRACE_MS,
    });
    if (stallReason) proc.kill();
  }

  return {
    /** Notes the time not recorded, starts ffmpeg (after sweeping an earlier run's partial files) and the watchdog. */
    start(): void {
      if (!camera.enabled) {
        setState('disabled');
        return;
      }
      if (lastEndMs !== undefined) {
        const from = lastEndMs;
        const noted = new Date(now()).toISOString();
        write('note the gap since the last run', () =>
          segments.openGap(camera.name, from, 'service was not recording', noted),
        );
      }
      emit({ type: 'recorder:state', camera: camera.name, state, reason: null });
      lastTick = Date.now();
      watchdog = setInterval(checkStall, watchdogMs);
      launch();
    },
    /**
     * Stops ffmpeg gracefully (its last segment is indexed) and the watchdog. Index writes still waiting for a held
     * lock get a short while more, then give up (their files stay; the next start's sweep removes unindexed ones).
     */
    async stop(): Promise<void> {
      stopping = true;
      clearInterval(watchdog);
      clearTimeout(restartTimer);
      const p = proc;
      if (p) await p.stop(5_000);
      const bound = setTimeout(() => writesAbort.abort(), 1_500);
      await writes;
      clearTimeout(bound);
    },

    status(): RecorderStatus {
      return { camera: camera.name, state, lastSegmentAt, restarts, lastError };
    },
    /** The ffmpeg process id (tests kill it to check the watchdog). */
    pid(): number | undefined {
      return proc?.child.pid;
    },
  };
}

/** The recorder's interface. */
export type Recorder = ReturnType<typeof createRecorder>;

/**
 * A run's first segment as it really is: the list starts it at 0, its file at the camera's first keyframe (read
 * from the file; the list's start when it cannot be read).
 */
function runStart(entry: SegmentListEntry, file: string): SegmentListEntry {
  const pts = firstVideoPts(file);
  const start = pts === undefined ? undefined : pts - TS_MUX_OFFSET_SEC;
  return start !== undefined && start > entry.start && start < entry.end ? { ...entry, start } : entry;
}

/** Frames ffmpeg holds back before handing one on: 2 for a camera's MPEG-TS over HTTP, none for RTSP (run-clock.ts). */
function heldFrames(url: string): number {
  return /^https?:/i.test(url) ? 2 : 0;
}
