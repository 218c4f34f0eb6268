// An instant given to the API: ISO-8601 with a date, a time and an explicit zone (`Z` or `±hh:mm`), checked to be a
// real calendar time. Shared by the timeline and the exports.

import { httpError, quote } from './errors.js';

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds of `value`; a 400 naming `name` for anything else (a local time without zone included). */
export function parseInstant(value: unknown, name: string): number {
  const bad = () =>
    httpError(
      400,
      `Invalid ${name} ${typeof value === 'string' ? quote(value) : typeof value}: expected an ISO-8601 time with its zone, like 2026-03-01T19:00:00+07:00 or 2026-03-01T12:00:00Z`,
    );
  if (typeof value !== 'string') throw bad();
  const m = ISO_RE.exec(value);
  if (!m) throw bad();
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw bad();
  // Date.parse rolls 30 February over into March: the written fields must be the instant's own, in its zone.
  const zone = m[8]!;
  const offsetMin =
    zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
  const local = new Date(ms + offsetMin * 60_000);
  const same =
    local.getUTCFullYear() === Number(m[1]) &&
    local.getUTCMonth() + 1 === Number(m[2]) &&
    local.getUTCDate() === Number(m[3]) &&
    local.getUTCHours() === Number(m[4]) &&
    local.getUTCMinutes() === Number(m[5]);
  if (!same) throw bad();
  return ms;
}
