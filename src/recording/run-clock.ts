// Where one ffmpeg run's timeline sits on the wall clock. ffmpeg reports, twice a second, how far it has
// written the run (`out_time` of -progress); each report reaches us some delay after the frame it names reached
// the box (the demuxer, the muxer, the pipe, this thread's event loop), never before. So every report gives an
// upper bound of the run's origin on the wall clock (`wall - out_time`), and the smallest bound is the origin, late
// by the shortest of those delays only (a few ms): the first second's burst, a busy box or a late event loop only
// make larger bounds, which lose. Drift: the camera's clock runs a little fast or slow against the box's. Fast
// makes smaller bounds, taken at once; for slow, a bound counts as later by MAX_DRIFT_PPM of the time since it
// was made, so the origin may rise at most that fast (as Moonfire NVR limits its corrections to 500 ppm), and a
// busy stretch without one good report moves it by no more than that either.

/** A run's origin on the wall clock, learnt from ffmpeg's reports. */
export interface RunClock {
  /**
   * ffmpeg had written the run up to `runSec` (its timeline, seconds) when we read it at `wallMs`, and `frames`
   * video frames (when the report says).
   */
  observe(wallMs: number, runSec: number, frames?: number): void;
  /** The wall-clock millisecond of `runSec` on the run's timeline; undefined before any report. */
  wallOf(runSec: number): number | undefined;
  /**
   * Whether the origin has settled: it has not moved earlier by more than SETTLE.moveMs for SETTLE.quietMs (the
   * start-up burst is over), or SETTLE.maxHoldMs have passed since the first report.
   */
  settled(wallMs: number): boolean;
}

/** How fast the origin may move later: camera clocks are good to ~100 ppm. */
const MAX_DRIFT_PPM = 500;
/** The camera's timestamps jumped back when every bound of this long is this much above the origin. */
const JUMP = { afterMs: 30_000, aboveMs: 1_000 };
/**
 * A run's first reports come in a burst: ffmpeg probed the stream for a second or more before writing anything, and
 * then writes what it read at once. The origin they give is that much late, and improves with the first live ones.
 */
const SETTLE = { moveMs: 50, quietMs: 2_000, maxHoldMs: 20_000 };

/**
 * Creates the clock of one run. `heldFrames`: frames ffmpeg's demuxer holds back before it hands one on (MPEG-TS:
 * a frame ends only where the next one starts, for the demuxer and again for the H.264 parser, so 2; RTSP marks
 * each frame's end: 0). Their time (at the camera's frame rate, read from the reports) is taken off the origin.
 */
export function createRunClock(heldFrames = 0): RunClock {
  const rate = MAX_DRIFT_PPM / 1e6;
  let firstFrames: { frames: number; runSec: number } | undefined;
  let frameSec = 0; // one frame's time, once the reports span 10 frames
  // The best bound, aged: `origin - rate * at`, so that its value now is `key + rate * now`.
  let key: number | undefined;
  let lastAt = 0;
  let since = 0; // when the first bound of this origin came
  let firstAt: number | undefined;
  let movedAt = 0; // when the origin last moved earlier by more than SETTLE.moveMs
  // The smallest bound of the last JUMP.afterMs, as a monotonic deque (each entry smaller than every later one).
  const recent: { at: number; origin: number }[] = [];
  const originAt = (at: number) => key! + rate * at;
  return {
    observe(wallMs, runSec, frames) {
      if (!Number.isFinite(runSec) || !Number.isFinite(wallMs)) return;
      if (frames !== undefined && frames > 0) {
        firstFrames ??= { frames, runSec };
        if (frames - firstFrames.frames >= 10) frameSec = (runSec - firstFrames.runSec) / (frames - firstFrames.frames);
      }
      const origin = wallMs - runSec * 1000;
      lastAt = Math.max(lastAt, wallMs);
      if (key === undefined) since = firstAt = movedAt = wallMs;
      else if (originAt(wallMs) - origin > SETTLE.moveMs) movedAt = wallMs;
      if (key === undefined || origin - rate * wallMs < key) key = origin - rate * wallMs;
      while (recent.length > 0 && recent.at(-1)!.origin >= origin) recent.pop();
      recent.push({ at: wallMs, origin });
      while (recent[0]!.at < wallMs - JUMP.afterMs) recent.shift();
      if (wallMs - since >= JUMP.afterMs && recent[0]!.origin - originAt(wallMs) > JUMP.aboveMs) {
        key = recent[0]!.origin - rate * wallMs;
        since = wallMs;
      }
    },
    wallOf(runSec) {
      return key === undefined ? undefined : originAt(lastAt) - heldFrames * frameSec * 1000 + runSec * 1000;
    },
    settled(wallMs) {
      if (firstAt === undefined) return false;
      return wallMs - movedAt >= SETTLE.quietMs || wallMs - firstAt >= SETTLE.maxHoldMs;
    },
  };
}

/** One closed segment on the run's timeline (seconds), as ffmpeg's segment list gives it. */
export interface RunSegment {
  start: number;
  end: number;
}

/** Where the run's previous segment was indexed. */
export interface PlacedSegment {
  end: number;
  endMs: number;
}

/**
 * Past this, a segment that follows the previous one on ffmpeg's timeline is placed where the clock puts it rather
 * than where the previous one ended: the camera's timestamps jumped.
 */
const JUMP_MS = 1_000;

/**
 * The wall-clock start and end of a closed segment. A segment that follows the previous one on ffmpeg's timeline
 * starts exactly where that one ended in the index (the index stays contiguous); its end is where the clock puts it,
 * so that the clock's corrections (the first seconds' bounds improving, the camera's drift) land in the index at
 * once, a few ms at a time.
 */
export function placeSegment(
  clock: RunClock,
  seg: RunSegment,
  previous: PlacedSegment | undefined,
): { startMs: number; endMs: number } | undefined {
  const start = clock.wallOf(seg.start);
  const end = clock.wallOf(seg.end);
  if (start === undefined || end === undefined) return undefined;
  const follows = previous !== undefined && Math.abs(seg.start - previous.end) < 0.001;
  const startMs = follows && Math.abs(start - previous.endMs) <= JUMP_MS ? previous.endMs : Math.round(start);
  return { startMs, endMs: Math.round(end) };
}
