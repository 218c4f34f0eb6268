// Which parts of a window the recorded segments cover, and which are missing: a clip never silently loses time.

/** An interval [start, end) in epoch milliseconds. */
export type Interval = readonly [number, number];

/** Segments closer than this count as contiguous (the recorder's timeline has millisecond rounding). */
const JOIN_MS = 250;

/** Merges the segments' intervals clipped to the window. */
export function coveredIntervals(
  segments: readonly { startMs: number; endMs: number }[],
  windowStart: number,
  windowEnd: number,
): Interval[] {
  const clipped = segments
    .map((s) => [Math.max(s.startMs, windowStart), Math.min(s.endMs, windowEnd)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of clipped) {
    const last = out.at(-1);
    if (last && a - last[1] <= JOIN_MS) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  // Snap to the window's edges when the footage reaches them within the join tolerance.
  if (out[0] && out[0][0] - windowStart <= JOIN_MS) out[0][0] = windowStart;
  const tail = out.at(-1);
  if (tail && windowEnd - tail[1] <= JOIN_MS) tail[1] = windowEnd;
  return out;
}

/** The window minus the covered intervals. */
export function missingIntervals(covered: readonly Interval[], windowStart: number, windowEnd: number): Interval[] {
  const out: Interval[] = [];
  let cursor = windowStart;
  for (const [a, b] of covered) {
    if (a > cursor) out.push([cursor, a]);
    cursor = Math.max(cursor, b);
  }
  if (cursor < windowEnd) out.push([cursor, windowEnd]);
  return out;
}

/** Covered share of the window, 0..1. */
export function coverageOf(covered: readonly Interval[], windowStart: number, windowEnd: number): number {
  const total = windowEnd - windowStart;
  if (total <= 0) return 0;
  return Math.min(1, covered.reduce((sum, [a, b]) => sum + (b - a), 0) / total);
}
