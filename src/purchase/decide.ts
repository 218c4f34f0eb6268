// What a purchase request needs, read leniently from AYO's `video-requests` answer, and the rule that decides what
// becomes of it from the video it names. Pure: intake.ts applies the decisions.

import fs from 'node:fs';
import type { VideoRow } from '../db/index.js';

/** One PENDING request as AYO listed it. */
export interface VideoRequest {
  videoRequestId: string;
  uniqueId: string;
  bookingId: string | null;
  userId: string | null;
  raw: unknown;
}

/** The requests of an answer, and what was skipped and why (never a crash). */
export interface ParsedRequests {
  requests: VideoRequest[];
  skipped: string[];
}

const MAX_ID = 512;
const idText = (v: unknown): string | null =>
  (typeof v === 'string' && v.trim() !== '' && v.length <= MAX_ID) || (typeof v === 'number' && Number.isFinite(v))
    ? String(v).trim()
    : null;

/**
 * The PENDING requests of `data` (the answer's `data`: a list, or `{ data: [...] }` / `{ items: [...] }` as some
 * versions of AYO wrap it). An item without an id or a unique_id is skipped and named; other statuses are ignored.
 */
export function parseVideoRequests(data: unknown): ParsedRequests {
  const list = Array.isArray(data)
    ? data
    : data && typeof data === 'object'
      ? ((data as { data?: unknown }).data ?? (data as { items?: unknown }).items)
      : undefined;
  if (data === null || data === undefined) return { requests: [], skipped: [] };
  if (!Array.isArray(list)) throw new TypeError('video-requests answered data that is not a list');
  const requests: VideoRequest[] = [];
  const skipped: string[] = [];
  list.forEach((item: unknown, i) => {
    if (!item || typeof item !== 'object') return void skipped.push(`item ${i} is not an object`);
    const o = item as Record<string, unknown>;
    const id = idText(o.video_request_id);
    const uid = idText(o.unique_id);
    if (!id || !uid) return void skipped.push(`item ${i} lacks a video_request_id or a unique_id`);
    const status = typeof o.status === 'string' ? o.status.toUpperCase() : 'PENDING';
    if (status !== 'PENDING') return;
    requests.push({
      videoRequestId: id,
      uniqueId: uid,
      bookingId: idText(o.booking_id),
      userId: idText(o.user_id),
      raw: o,
    });
  });
  return { requests, skipped };
}

/** What becomes of a request: delivered (queued now), waits for its video, or is reported invalid or incompleted. */
export type Decision =
  | { kind: 'deliver' }
  | { kind: 'wait'; why: string }
  | { kind: 'invalid'; why: string }
  | { kind: 'incompleted'; why: string };

/** Video statuses whose cut is not finished: the request waits for it. */
const BEING_MADE: readonly string[] = ['pending', 'processing'];

/**
 * The decision for a request naming `v` (undefined: no such video). A cancelled or unknown video is invalid; footage
 * that is gone (its status `unavailable`, or its local MP4 missing and neither footage of its window nor its full
 * video in the bucket left, as `canRemake` tells) or covers less than `minCoverage` of the booking is incompleted; a
 * video still being made waits; any other video, with its MP4 on disk or a way to make it again, is delivered.
 */
export function decide(
  v: VideoRow | undefined,
  minCoverage: number,
  exists = fs.existsSync,
  canRemake: (v: VideoRow) => boolean = () => false,
): Decision {
  if (!v) return { kind: 'invalid', why: 'no video has this unique_id' };
  if (v.status === 'cancelled')
    return { kind: 'invalid', why: `the video is cancelled${v.reason ? `: ${v.reason}` : ''}` };
  if (v.status === 'unavailable') return { kind: 'incompleted', why: 'its footage was removed by retention' };
  if (BEING_MADE.includes(v.status)) return { kind: 'wait', why: `its video is ${v.status}` };
  // A failed cut is retried (or an operator retries it): still being made, unless it produced its file.
  if (v.status === 'failed' && (!v.file || v.coverage === null))
    return { kind: 'wait', why: 'its video failed and may be retried' };
  // Its local MP4 went with VIDEO_RETENTION_DAYS while its footage stays, or its full video is in the bucket: the
  // purchase makes it again from those.
  if ((!v.file || !exists(v.file)) && !canRemake(v))
    return { kind: 'incompleted', why: 'the local video file and its footage are gone' };
  const coverage = v.coverage ?? 0;
  if (coverage < minCoverage)
    return {
      kind: 'incompleted',
      why: `footage covers ${(coverage * 100).toFixed(1)}% of the booking, below ${(minCoverage * 100).toFixed(0)}%`,
    };
  return { kind: 'deliver' };
}
