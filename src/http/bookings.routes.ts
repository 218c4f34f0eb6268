// The seed's booking endpoints: list with filters, by id (ids contain '/'), by status, by date.

import { defineEventHandler, type H3Event, type Router } from 'h3';
import type { BookingRow, BookingsRepo } from '../db/index.js';
import { toBookingDto } from './booking.dto.js';
import { httpError, quote } from './errors.js';
import { parseBookingId, parseDate, parseLimit, parseStatus, pathParam, readQuery } from './query.js';

const list = (rows: BookingRow[]) => ({ status: 'success', count: rows.length, data: rows.map(toBookingDto) });
const PREFIX = '/api/bookings/';

/** The booking id of `/api/bookings/<id>`, from the raw URL so that both `%2F` and a literal `/` work. */
function bookingIdOf(event: H3Event): string {
  const raw = (event.node.req.url ?? '').split('?')[0] ?? '';
  const encoded = raw.slice(raw.indexOf(PREFIX) + PREFIX.length).replace(/\/+$/, '');
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw httpError(400, 'Invalid booking id: malformed percent-encoding');
  }
}

/** Registers GET /api/bookings, /api/bookings/status/:status, /api/bookings/date/:date and /api/bookings/:booking_id. */
export function registerBookingRoutes(router: Router, deps: { bookings: BookingsRepo }): void {
  router.get(
    '/api/bookings',
    defineEventHandler((event) => {
      const q = readQuery(event, ['status', 'date', 'limit']);
      return list(
        deps.bookings.list({
          status: q.status === undefined ? undefined : parseStatus(q.status),
          date: q.date === undefined ? undefined : parseDate(q.date),
          limit: parseLimit(q.limit),
        }),
      );
    }),
  );

  router.get(
    '/api/bookings/status/:status',
    defineEventHandler((event) => {
      const q = readQuery(event, ['date', 'limit']);
      return list(
        deps.bookings.list({
          status: parseStatus(pathParam(event, 'status')),
          date: q.date === undefined ? undefined : parseDate(q.date),
          limit: parseLimit(q.limit),
        }),
      );
    }),
  );

  router.get(
    '/api/bookings/date/:date',
    defineEventHandler((event) => {
      const q = readQuery(event, ['status', 'limit']);
      return list(
        deps.bookings.list({
          date: parseDate(pathParam(event, 'date')),
          status: q.status === undefined ? undefined : parseStatus(q.status),
          limit: parseLimit(q.limit),
        }),
      );
    }),
  );

  router.get(
    '/api/bookings/**',
    defineEventHandler((event) => {
      readQuery(event, []);
      const id = parseBookingId(bookingIdOf(event));
      const row = deps.bookings.getById(id);
      if (!row) throw httpError(404, `Booking ${quote(id)} not found`);
      return { status: 'success', data: toBookingDto(row) };
    }),
  );
}
