// GET /api/cameras/:name/timeline?from=&to=: what a camera recorded over a window (default: today in the venue's
// time zone), as covered intervals and the gaps between them with their reasons, from the recording index.

import { defineEventHandler, type Router } from 'h3';
import type { SegmentsRepo } from '../db/index.js';
import { buildTimeline } from '../exports/index.js';
import { addDays, localDateOf, localToUtc } from '../util/venue-time.js';
import { httpError, quote } from './errors.js';
import { parseInstant } from './instant-param.js';
import { pathParam, readQuery } from './query.js';

/** The longest window one timeline covers. */
const MAX_TIMELINE_MS = 7 * 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Dependencies of the timeline endpoint. */
export interface TimelineRoutesDeps {
  segments: SegmentsRepo;
  /** The configured camera names (the live list). */
  cameras: readonly string[];
  timeZone: string;
  /** SEGMENT_SECONDS: a camera whose newest segment closed within three of them is taken to be recording. */
  segmentSeconds: number;
  now?: () => number;
}

/** Registers the timeline endpoint. */
export function registerTimelineRoutes(router: Router, deps: TimelineRoutesDeps): void {
  const now = deps.now ?? Date.now;
  router.get(
    '/api/cameras/:name/timeline',
    defineEventHandler((event) => {
      const q = readQuery(event, ['from', 'to']);
      const name = pathParam(event, 'name');
      if (!deps.cameras.includes(name)) throw httpError(404, `Camera ${quote(name)} not found`);
      const nowMs = now();
      const today = localDateOf(new Date(nowMs), deps.timeZone);
      // Neither bound: today. One bound: the day from it (or up to it).
      const from = q.from !== undefined ? parseInstant(q.from, 'from') : undefined;
      const to = q.to !== undefined ? parseInstant(q.to, 'to') : undefined;
      const fromMs =
        from ?? (to !== undefined ? to - 86_400_000 : localToUtc(today, '00:00:00', deps.timeZone).getTime());
      const toMs =
        to ??
        (from !== undefined ? from + 86_400_000 : localToUtc(addDays(today, 1), '00:00:00', deps.timeZone).getTime());
      if (fromMs >= toMs) throw httpError(400, `from (${iso(fromMs)}) must be before to (${iso(toMs)})`);
      if (toMs - fromMs > MAX_TIMELINE_MS)
        throw httpError(400, `The window is ${((toMs - fromMs) / 86_400_000).toFixed(1)} days long: at most 7 days`);
      const last = deps.segments.last(name);
      const recording = !!last && nowMs - last.end_ms < 3 * deps.segmentSeconds * 1000;
      const t = buildTimeline({
        segments: deps.segments.overlapping(name, fromMs, toMs).map((s) => ({ startMs: s.start_ms, endMs: s.end_ms })),
        gaps: deps.segments.gaps(name, fromMs, toMs),
        fromMs,
        toMs,
        nowMs,
        recordingSinceMs: recording ? last.end_ms : undefined,
      });
      const coveredMs = t.covered.reduce((s, [a, b]) => s + (b - a), 0);
      return {
        status: 'success',
        data: {
          camera: name,
          from: iso(t.fromMs),
          to: iso(t.toMs),
          until: iso(t.untilMs),
          coveredSeconds: coveredMs / 1000,
          coverage: t.untilMs > t.fromMs ? coveredMs / (t.untilMs - t.fromMs) : null,
          covered: t.covered.map(([a, b]) => ({ start: iso(a), end: iso(b) })),
          gaps: t.gaps.map((g) => ({ start: iso(g.startMs), end: iso(g.endMs), reason: g.reason })),
        },
      };
    }),
  );
}
