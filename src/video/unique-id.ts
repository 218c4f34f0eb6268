// Deterministic video ids: the same booking, camera and window always give the same id, so a re-run after a
// crash never creates a second video at AYO. Two bookings whose ids read alike once made safe (`BK/1` and `BK-1`,
// `BK.1` and `BK_1`) would share one; the second one to arrive gets a suffix made from its raw id instead.

import { createHash } from 'node:crypto';
import { toVenueIso } from '../util/venue-time.js';

/** Keeps `[A-Za-z0-9_-]`; `/` becomes `-`, anything else `_`. */
function safeId(text: string): string {
  return text.replace(/\//g, '-').replace(/[^A-Za-z0-9_-]/g, '_');
}

/** `<booking id, '/' → '-'>_<camera>_<window start in venue time, YYYYMMDDhhmmss>` (+ `_clip` for a manual clip). */
export function videoUniqueId(
  bookingId: string,
  camera: string,
  windowStartMs: number,
  timeZone: string,
  type: 'full' | 'clip',
): string {
  const local = toVenueIso(new Date(windowStartMs), timeZone).slice(0, 19).replace(/[-:T]/g, '');
  return `${safeId(bookingId)}_${safeId(camera)}_${local}${type === 'clip' ? '_clip' : ''}`;
}

/** `uniqueId` with the suffix of `bookingId`: `_b` and 8 hex digits of the SHA-256 of the raw booking id. */
export function withBookingSuffix(uniqueId: string, bookingId: string): string {
  return `${uniqueId}_b${createHash('sha256').update(bookingId, 'utf8').digest('hex').slice(0, 8)}`;
}

/**
 * The id a booking's video takes: `uniqueId` (today's form), unless a different booking already holds it; then the
 * suffixed id of {@link withBookingSuffix}. A booking keeps the id it already holds, whichever it is, so the id of a
 * video never changes. `holderOf` answers the booking that holds an id, if any (the videos table).
 */
export function resolveUniqueId(
  uniqueId: string,
  bookingId: string,
  holderOf: (uniqueId: string) => string | undefined,
): string {
  const suffixed = withBookingSuffix(uniqueId, bookingId);
  if (holderOf(suffixed) === bookingId) return suffixed;
  const holder = holderOf(uniqueId);
  return holder === undefined || holder === bookingId ? uniqueId : suffixed;
}
