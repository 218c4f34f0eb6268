// Deterministic video ids: the same booking, camera and window always give the same id, so a re-run after a
// crash never creates a second video at AYO.

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
