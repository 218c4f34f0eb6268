// A camera's recording timeline over a window: the covered intervals (consecutive segments merged, sub-second joins
// tolerated) and the gaps between them, each with the reason the recording index gives (or "no footage").

import type { GapRow, MissingStretch } from '../db/index.js';
import { coveredIntervals, missingIntervals, type Interval } from '../video/coverage.js';

/** Why a stretch is missing when no recorded gap explains it. */
export const NO_FOOTAGE = 'no footage';
/** The stretch after a recording camera's newest closed segment: its current segment is not indexed yet. */
export const IN_PROGRESS = 'segment in progress';

/** A timeline: covered intervals and explained gaps, clamped to [fromMs, untilMs). */
export interface Timeline {
  fromMs: number;
  toMs: number;
  /** The end of what can have footage: `toMs`, or now when the window reaches into the future. */
  untilMs: number;
  covered: Interval[];
  gaps: MissingStretch[];
}

/**
 * Splits each missing interval by the recorded gaps that overlap it: the parts a gap covers take its reason, the
 * rest is {@link NO_FOOTAGE}. A gap still open (`end_ms` null) lasts until `nowMs`.
 */
export function explainMissing(missing: readonly Interval[], gaps: readonly GapRow[], nowMs: number): MissingStretch[] {
  const known = gaps
    .map((g) => ({ a: g.start_ms, b: g.end_ms ?? nowMs, reason: g.reason }))
    .filter((g) => g.b > g.a)
    .sort((x, y) => x.a - y.a);
  const out: MissingStretch[] = [];
  const push = (startMs: number, endMs: number, reason: string) => {
    if (endMs <= startMs) return;
    const last = out.at(-1);
    if (last && last.reason === reason && last.endMs === startMs) last.endMs = endMs;
    else out.push({ startMs, endMs, reason });
  };
  for (const [a, b] of missing) {
    let cursor = a;
    for (const g of known) {
      if (g.b <= cursor || g.a >= b) continue;
      push(cursor, Math.max(cursor, g.a), NO_FOOTAGE);
      const end = Math.min(b, g.b);
      push(Math.max(cursor, g.a), end, g.reason);
      cursor = Math.max(cursor, end);
    }
    push(cursor, b, NO_FOOTAGE);
  }
  return out;
}

/** What {@link buildTimeline} reads. */
export interface TimelineInput {
  segments: readonly { startMs: number; endMs: number }[];
  gaps: readonly GapRow[];
  fromMs: number;
  toMs: number;
  nowMs: number;
  /** The end of the camera's newest closed segment while it records (its tail is "segment in progress"). */
  recordingSinceMs?: number;
}

/** The timeline of one camera over [fromMs, toMs), up to now. */
export function buildTimeline(input: TimelineInput): Timeline {
  const untilMs = Math.max(input.fromMs, Math.min(input.toMs, input.nowMs));
  const covered = coveredIntervals(input.segments, input.fromMs, untilMs);
  const missing = missingIntervals(covered, input.fromMs, untilMs);
  const gaps = explainMissing(missing, input.gaps, input.nowMs);
  // The current segment of a recording camera is indexed only once it closes: the stretch from the newest closed
  // segment to now is being recorded, not lost.
  const tail = gaps.at(-1);
  const since = input.recordingSinceMs;
  if (since !== undefined && tail && tail.endMs === untilMs && untilMs === input.nowMs && tail.reason === NO_FOOTAGE) {
    if (tail.startMs >= since) tail.reason = IN_PROGRESS;
    else if (since < tail.endMs) {
      gaps.push({ startMs: since, endMs: tail.endMs, reason: IN_PROGRESS });
      tail.endMs = since;
    }
  }
  return { fromMs: input.fromMs, toMs: input.toMs, untilMs, covered, gaps };
}
