// GET bookings: turns AYO's booking objects into store rows, skipping (and naming) the ones that cannot be used.

import type { BookingInput } from '../db/index.js';
import { bookingWindow, isValidLocalDate, normalizeLocalTime } from '../util/venue-time.js';
import { AyoError, type AyoClient } from './client.js';

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

const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const int = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v.trim())) return Number(v.trim());
  return null;
};

/** Parses one booking object; returns a reason string when it must be skipped. */
export function parseBooking(item: unknown, timeZone: string): BookingInput | SkippedBooking {
  if (!item || typeof item !== 'object' || Array.isArray(item))
    return { bookingId: undefined, reason: 'not an object' };
  const b = item as Record<string, unknown>;
  const bookingId = text(b.booking_id)?.trim();
  if (!bookingId) return { bookingId: undefined, reason: 'missing booking_id' };
  if (bookingId.length > 200)
    return { bookingId: bookingId.slice(0, 40) + '…', reason: 'booking_id longer than 200 characters' };
  const date = text(b.date);
  if (!date || !isValidLocalDate(date))
    return { bookingId, reason: `unparseable date ${JSON.stringify(b.date ?? null)}` };
  const startTime = normalizeLocalTime(text(b.start_time) ?? '');
  if (!startTime) return { bookingId, reason: `unparseable start_time ${JSON.stringify(b.start_time ?? null)}` };
  const endTime = normalizeLocalTime(text(b.end_time) ?? '');
  if (!endTime) return { bookingId, reason: `unparseable end_time ${JSON.stringify(b.end_time ?? null)}` };
  const status = text(b.status)?.trim().toLowerCase();
  if (!status) return { bookingId, reason: 'missing status' };
  const { startAt, endAt } = bookingWindow(date, startTime, endTime, timeZone);
  return {
    bookingId,
    date,
    startTime,
    endTime,
    status,
    orderDetailId: int(b.order_detail_id),
    fieldId: int(b.field_id),
    fieldName: text(b.field_name),
    userName: text(b.user_name),
    userPhone: text(b.user_phone),
    bookingSource: text(b.booking_source),
    startAt: startAt.toISOString(),
    endAt: endAt.toISOString(),
    rawJson: JSON.stringify(item),
  };
}

/**
 * Parses the `data` of a bookings response. `data: null` means no bookings; a response without `data`, or with a
 * `data` that is not a list, is an error (it must not read as "every booking of the date is gone").
 */
export function parseBookings(data: unknown, timeZone: string): ParsedBookings {
  if (data === undefined)
    throw new AyoError('AYO bookings answered without a data field', 'bookings', false, undefined, {
      code: 'bad-answer',
    });
  if (data === null) return { bookings: [], skipped: [] };
  if (!Array.isArray(data))
    throw new AyoError('AYO bookings answered data that is not a list', 'bookings', false, undefined, {
      code: 'bad-answer',
    });
  const out: ParsedBookings = { bookings: [], skipped: [] };
  for (const item of data) {
    const parsed = parseBooking(item, timeZone);
    if ('reason' in parsed) out.skipped.push(parsed);
    else out.bookings.push(parsed);
  }
  return out;
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
