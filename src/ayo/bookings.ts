// GET bookings: turns AYO's booking objects into store rows, skipping (and naming) the ones that cannot be used.
// Everything AYO sends is bounded: the items of a date, the length of each stored column, the size of raw_json.

import type { BookingInput } from '../db/index.js';
import { bookingWindow, isValidLocalDate, normalizeLocalTime } from '../util/venue-time.js';
import { AyoError, type AyoClient } from './client.js';
import { boundedJson } from './raw-json.js';

/** A booking AYO sent that could not be stored, with the reason. */
export interface SkippedBooking {
  bookingId: string | undefined;
  reason: string;
}

/** The usable bookings of a response and the ones skipped. */
export interface ParsedBookings {
  bookings: BookingInput[];
  skipped: SkippedBooking[];
}

/** AYO_MAX_BOOKINGS_PER_DATE's default: about 18× a busy venue's day (~1,100 booking objects). */
const DEFAULT_MAX_BOOKINGS_PER_DATE = 20_000;

/**
 * The longest value each stored column takes (characters). A longer one is refused, not cut: a cut id or status would
 * be another booking's or a wrong one, and a cut name would be shown as if it were the name.
 */
const COLUMN_LIMITS = {
  booking_id: 200,
  status: 40,
  field_name: 200,
  user_name: 200,
  user_phone: 40,
  booking_source: 100,
} as const;

const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const int = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v.trim())) return Number(v.trim());
  return null;
};

/** A short rendering of a value for a skip reason: never the whole of a long or nested value. */
function preview(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return String(v ?? null);
  return Array.isArray(v) ? 'a list' : `an ${typeof v}`;
}

/** The first stored column whose value is too long, as a skip reason (its length, never its text). */
function tooLong(values: Record<keyof typeof COLUMN_LIMITS, string | null | undefined>): string | undefined {
  for (const [column, max] of Object.entries(COLUMN_LIMITS)) {
    const v = values[column as keyof typeof COLUMN_LIMITS];
    if (v && v.length > max) return `${column} is ${v.length} characters long, more than ${max}`;
  }
  return undefined;
}

function parseOne(item: unknown, timeZone: string): BookingInput | SkippedBooking {
  if (!item || typeof item !== 'object' || Array.isArray(item))
    return { bookingId: undefined, reason: 'not an object' };
  const b = item as Record<string, unknown>;
  const bookingId = text(b.booking_id)?.trim();
  if (!bookingId) return { bookingId: undefined, reason: 'missing booking_id' };
  if (bookingId.length > COLUMN_LIMITS.booking_id)
    return {
      bookingId: bookingId.slice(0, 40) + '…',
      reason: `booking_id is ${bookingId.length} characters long, more than ${COLUMN_LIMITS.booking_id}`,
    };
  const date = text(b.date);
  if (!date || !isValidLocalDate(date)) return { bookingId, reason: `unparseable date ${preview(b.date)}` };
  const startTime = normalizeLocalTime(text(b.start_time) ?? '');
  if (!startTime) return { bookingId, reason: `unparseable start_time ${preview(b.start_time)}` };
  const endTime = normalizeLocalTime(text(b.end_time) ?? '');
  if (!endTime) return { bookingId, reason: `unparseable end_time ${preview(b.end_time)}` };
  const status = text(b.status)?.trim().toLowerCase();
  if (!status) return { bookingId, reason: 'missing status' };
  const columns = {
    booking_id: bookingId,
    status,
    field_name: text(b.field_name),
    user_name: text(b.user_name),
    user_phone: text(b.user_phone),
    booking_source: text(b.booking_source),
  };
  const long = tooLong(columns);
  if (long) return { bookingId, reason: long };
  const { startAt, endAt } = bookingWindow(date, startTime, endTime, timeZone);
  return {
    bookingId,
    date,
    startTime,
    endTime,
    status,
    orderDetailId: int(b.order_detail_id),
    fieldId: int(b.field_id),
    fieldName: columns.field_name,
    userName: columns.user_name,
    userPhone: columns.user_phone,
    bookingSource: columns.booking_source,
    startAt: startAt.toISOString(),
    endAt: endAt.toISOString(),
    rawJson: boundedJson(item),
  };
}

/**
 * Parses one booking object; returns a reason when it must be skipped. It never throws: whatever one booking holds
 * (a 100 kB name, 20,000 levels of nesting), only that booking is skipped, never its date.
 */
export function parseBooking(item: unknown, timeZone: string): BookingInput | SkippedBooking {
  try {
    return parseOne(item, timeZone);
  } catch (e) {
    const id = (item as { booking_id?: unknown } | null)?.booking_id;
    return {
      bookingId: typeof id === 'string' && id.length <= COLUMN_LIMITS.booking_id ? id : undefined,
      reason: `could not be read (${e instanceof Error ? e.name : 'error'})`,
    };
  }
}

/**
 * The items of a bookings response's `data`, checked: `data: null` means no bookings; a response without `data`, with
 * a `data` that is not a list (it must not read as "every booking of the date is gone"), or with more than
 * `maxItems` bookings is an error.
 */
export function bookingItems(data: unknown, maxItems = DEFAULT_MAX_BOOKINGS_PER_DATE): unknown[] {
  if (data === undefined)
    throw new AyoError('AYO bookings answered without a data field', 'bookings', false, undefined, {
      code: 'bad-answer',
    });
  if (data === null) return [];
  if (!Array.isArray(data))
    throw new AyoError('AYO bookings answered data that is not a list', 'bookings', false, undefined, {
      code: 'bad-answer',
    });
  if (data.length > maxItems)
    throw new AyoError(
      `AYO bookings listed ${data.length} bookings for one date, more than AYO_MAX_BOOKINGS_PER_DATE (${maxItems}); the date was not synced`,
      'bookings',
      false,
      undefined,
      { code: 'bad-answer' },
    );
  return data;
}

/** Parses the `data` of a bookings response at once (see {@link bookingItems} for what is refused). */
export function parseBookings(data: unknown, timeZone: string, maxItems?: number): ParsedBookings {
  const out: ParsedBookings = { bookings: [], skipped: [] };
  for (const item of bookingItems(data, maxItems)) {
    const parsed = parseBooking(item, timeZone);
    if ('reason' in parsed) out.skipped.push(parsed);
    else out.bookings.push(parsed);
  }
  return out;
}

/** Fetches the booking objects of one venue-local date, checked as a list of at most `maxItems`, not yet parsed. */
export async function fetchBookingItems(
  client: AyoClient,
  date: string,
  maxItems = DEFAULT_MAX_BOOKINGS_PER_DATE,
  signal?: AbortSignal,
): Promise<unknown[]> {
  return bookingItems(await client.call('GET', 'bookings', { date }, signal), maxItems);
}

/** Fetches and parses the bookings of one venue-local date. */
export async function fetchBookings(
  client: AyoClient,
  date: string,
  timeZone: string,
  signal?: AbortSignal,
): Promise<ParsedBookings> {
  return parseBookings(await client.call('GET', 'bookings', { date }, signal), timeZone);
}
