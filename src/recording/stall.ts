// The recorder's watchdog rule: when a running ffmpeg counts as stalled. Pure, so that it is tested on its own.

/**
 * A new run's extra time before its first sign of life: ffmpeg connects, then analyses 5 s of the stream before it
 * writes anything, which takes 10 s of real time for a camera that announces twice the frame rate it sends.
 */
export const STARTUP_GRACE_MS = 20_000;

/** What the watchdog knows about the run. All times in ms on the recorder's clock. */
export interface RunLiveness {
  now: number;
  launchedAt: number;
  /** When a segment of any run last closed. */
  lastSegmentAt: number | null;
  /** When this run's frame count last went up (ffmpeg's progress report). */
  lastProgressAt: number | null;
  segmentMs: number;
  /** Extra time before the run's first sign of life (ffmpeg connects and probes the stream). */
  startupGraceMs: number;
}

/**
 * Why the run is stalled, or undefined while it lives. Alive is a closed segment or frames read. A run's first segment
 * can take a while: ffmpeg probes the stream first (up to twice its 5 s analysis for a camera that announces twice the
 * frame rate it sends), and a segment closes only at a keyframe. So frames going up say the run records; silence of
 * both for two segments means it stalled. Frames without a closed segment for long (no keyframe comes) stall it too:
 * that footage would never reach the index.
 */
export function stallOf(r: RunLiveness): string | undefined {
  const ofRun = (at: number | null) => (at !== null && at > r.launchedAt ? at : null);
  const alive = Math.max(ofRun(r.lastSegmentAt) ?? 0, ofRun(r.lastProgressAt) ?? 0);
  const silentMs = r.now - (alive || r.launchedAt);
  const noSegmentMs = r.now - (ofRun(r.lastSegmentAt) ?? r.launchedAt);
  const seconds = (noSegmentMs / 1000).toFixed(1);
  if (silentMs > 2 * r.segmentMs + (alive ? 0 : r.startupGraceMs)) return `no segment closed for ${seconds}s`;
  if (noSegmentMs > Math.max(6 * r.segmentMs, 60_000) + r.startupGraceMs)
    return `no segment closed for ${seconds}s although frames arrive (no keyframe?)`;
  return undefined;
}
