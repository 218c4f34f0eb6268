// Validation of query and path parameters: every bad value is a 400 that names the problem.

import { getQuery, type H3Event } from 'h3';
import { BOOKING_STATUSES } from '../db/index.js';
import { isValidLocalDate } from '../util/venue-time.js';
import { httpError, quote } from './errors.js';

/** Reads the query, rejecting unknown and repeated parameters. */
export function readQuery(event: H3Event, allowed: readonly string[]): Record<string, string | undefined> {
  const query = getQuery<Record<string, unknown>>(event);
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!allowed.includes(key)) {
      throw httpError(
        400,
        allowed.length
          ? `Unknown parameter ${quote(key)}: allowed are ${allowed.join(', ')}`
          : `Unknown parameter ${quote(key)}: this endpoint takes no query parameters`,
      );
    }
    if (typeof value !== 'string') throw httpError(400, `Parameter ${key} must be given once`);
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

const BOOKING_ID_RE = /^[A-Za-z0-9/_.:#+-]{1,200}$/;

/** A booking id as AYO writes them (`BK/0042/230228/0000118`); quotes, spaces and SQL are refused. */
export function parseBookingId(value: string): string {
  if (!BOOKING_ID_RE.test(value)) {
    throw httpError(
      400,
      `Invalid booking id ${quote(value)}: only letters, digits and / _ - . : # + are allowed (at most 200)`,
    );
  }
  return value;
}
