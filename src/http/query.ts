// Validation of query and path parameters: every bad value is a 400 that names the problem.

import type { H3Event } from 'h3';
import { BOOKING_STATUSES } from '../db/index.js';
import { isValidLocalDate } from '../util/venue-time.js';
import { httpError, quote } from './errors.js';

/** Reads the query, rejecting unknown and repeated parameters (`__proto__` and `constructor` included). */
export function readQuery(event: H3Event, allowed: readonly string[]): Record<string, string | undefined> {
  // The raw query is read here rather than through h3's getQuery, which silently drops `__proto__` and
  // `constructor`: a parameter the endpoint does not take must be refused whatever its name.
  const raw = event.path.includes('?') ? event.path.slice(event.path.indexOf('?') + 1) : '';
  const out: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
  for (const [key, value] of new URLSearchParams(raw)) {
    if (!allowed.includes(key)) {
      throw httpError(
        400,
        allowed.length
          ? `Unknown parameter ${quote(key)}: allowed are ${allowed.join(', ')}`
          : `Unknown parameter ${quote(key)}: this endpoint takes no query parameters`,
      );
    }
    if (Object.hasOwn(out, key)) throw httpError(400, `Parameter ${key} must be given once`);
    out[key] = value;
  }
  return out;
}

/** A path parameter, percent-decoded; malformed percent-encoding (`%ZZ`) is a 400, not a crash. */
export function pathParam(event: H3Event, name: string): string {
  const raw = event.context.params?.[name] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw httpError(400, `Invalid ${name.replace(/_/g, ' ')}: malformed percent-encoding`);
  }
}

/** A booking status, lower case; 400 otherwise. */
export function parseStatus(value: string): string {
  if (!(BOOKING_STATUSES as readonly string[]).includes(value)) {
    throw httpError(400, `Invalid status ${quote(value)}: must be one of ${BOOKING_STATUSES.join(', ')}`);
  }
  return value;
}

/** A real calendar date `YYYY-MM-DD`; 400 otherwise. */
export function parseDate(value: string): string {
  if (!isValidLocalDate(value))
    throw httpError(400, `Invalid date ${quote(value)}: expected a real calendar date as YYYY-MM-DD`);
  return value;
}

/** A limit from 1 to `max`, `def` when absent; 400 otherwise. */
export function parseLimit(value: string | undefined, def = 100, max = 1000): number {
  if (value === undefined) return def;
  if (!/^\d{1,7}$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw httpError(400, `Invalid limit ${quote(value)}: must be a whole number from 1 to ${max}`);
  }
  return Number(value);
}

/** The longest id (booking id, video unique id) a path or query parameter may carry. */
const MAX_ID_LENGTH = 512;

/**
 * An id of something the service stores (a booking id as AYO wrote it, a video's unique id). Any text of 1 to
 * {@link MAX_ID_LENGTH} characters is accepted: the queries are parameterised, so an id with quotes, spaces or SQL
 * in it is only an id that is not found (404), and one AYO sent with odd characters stays retrievable.
 */
export function parseStoredId(value: string, what: string): string {
  if (value.length === 0 || value.length > MAX_ID_LENGTH)
    throw httpError(400, `Invalid ${what} ${quote(value)}: must be 1 to ${MAX_ID_LENGTH} characters long`);
  return value;
}

/** A booking id (`BK/0042/230228/0000118`, or whatever AYO sent and the sync stored). */
export function parseBookingId(value: string): string {
  return parseStoredId(value, 'booking id');
}
