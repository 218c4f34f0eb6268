// The bookings table: the seed's repository methods plus the sync's vanished flag.

import type { Db } from './connection.js';
import { whereEquals } from './filters.js';

/** Booking statuses as the local store keeps them (AYO sends them upper case). */
export const BOOKING_STATUSES = ['success', 'cancelled', 'pending', 'expired'] as const;

/** A row of `bookings` as stored. */
export interface BookingRow {
  id: number;
  booking_id: string;
  order_detail_id: number | null;
  field_id: number | null;
  date: string;
  start_time: string;
  end_time: string;
  status: string;
  field_name: string | null;
  user_name: string | null;
  user_phone: string | null;
  created_at: string;
  updated_at: string;
  raw_json: string;
  last_sync_at: string;
  booking_source: string | null;
  start_at: string | null;
  end_at: string | null;
  vanished_at: string | null;
}

/** A booking as the sync hands it to the store. */
export interface BookingInput {
  bookingId: string;
  orderDetailId: number | null;
  fieldId: number | null;
  date: string;
  startTime: string;
  endTime: string;
  status: string;
  fieldName: string | null;
  userName: string | null;
  userPhone: string | null;
  bookingSource: string | null;
  startAt: string;
  endAt: string;
  rawJson: string;
}

/** What an upsert did; `previous` is the row before it, when there was one. */
export interface UpsertResult {
  outcome: 'created' | 'updated' | 'unchanged';
  previous: BookingRow | undefined;
}

/** Filters of {@link BookingsRepo.list}; every value is already validated. */
export interface BookingFilter {
  status?: string;
  date?: string;
  limit: number;
}

/** The repository over `bookings` (one per connection). */
export type BookingsRepo = ReturnType<typeof createBookingsRepo>;

const COMPARED: readonly (keyof BookingInput)[] = [
  'orderDetailId',
  'fieldId',
  'date',
  'startTime',
  'endTime',
  'status',
  'fieldName',
  'userName',
  'userPhone',
  'bookingSource',
  'startAt',
  'endAt',
  'rawJson',
];
const COLUMN: Record<keyof BookingInput, keyof BookingRow> = {
  bookingId: 'booking_id',
  orderDetailId: 'order_detail_id',
  fieldId: 'field_id',
  date: 'date',
  startTime: 'start_time',
  endTime: 'end_time',
  status: 'status',
  fieldName: 'field_name',
  userName: 'user_name',
  userPhone: 'user_phone',
  bookingSource: 'booking_source',
  startAt: 'start_at',
  endAt: 'end_at',
  rawJson: 'raw_json',
};

/** Creates the repository with its statements prepared once. */
export function createBookingsRepo(db: Db) {
  const byId = db.prepare<[string], BookingRow>('SELECT * FROM bookings WHERE booking_id = ?');
  const insert = db.prepare(`
    INSERT INTO bookings (booking_id, order_detail_id, field_id, date, start_time, end_time, status, field_name,
      user_name, user_phone, booking_source, start_at, end_at, raw_json, created_at, updated_at, last_sync_at)
    VALUES (@bookingId, @orderDetailId, @fieldId, @date, @startTime, @endTime, @status, @fieldName,
      @userName, @userPhone, @bookingSource, @startAt, @endAt, @rawJson, @now, @now, @now)
    ON CONFLICT (booking_id) DO NOTHING`);
  const update = db.prepare(`
    UPDATE bookings SET order_detail_id = @orderDetailId, field_id = @fieldId, date = @date, start_time = @startTime,
      end_time = @endTime, status = @status, field_name = @fieldName, user_name = @userName, user_phone = @userPhone,
      booking_source = @bookingSource, start_at = @startAt, end_at = @endAt, raw_json = @rawJson,
      vanished_at = NULL, updated_at = @now, last_sync_at = @now
    WHERE booking_id = @bookingId`);
  const touch = db.prepare('UPDATE bookings SET last_sync_at = ? WHERE booking_id = ?');
  const setStatus = db.prepare(
    'UPDATE bookings SET status = ?, updated_at = ? WHERE booking_id = ? AND status IS NOT ?',
  );
  const deleteOld = db.prepare('DELETE FROM bookings WHERE date < ?');
  const listedOnDate = db
    .prepare<[string], string>('SELECT booking_id FROM bookings WHERE date = ? AND vanished_at IS NULL')
    .pluck();
  const eligible = db.prepare<[string, string], BookingRow>(`SELECT * FROM bookings
    WHERE status = 'success' AND vanished_at IS NULL AND field_id IS NOT NULL AND end_at <= ? AND end_at >= ? ORDER BY end_at`);
  const running = db.prepare<[number, string, string], BookingRow>(`SELECT * FROM bookings
    WHERE field_id = ? AND status = 'success' AND vanished_at IS NULL AND start_at <= ? AND end_at > ? ORDER BY start_at DESC LIMIT 1`);
  const cancelledWithVideos = db.prepare<[], { booking_id: string }>(`SELECT DISTINCT b.booking_id FROM bookings b
    JOIN videos v ON v.booking_id = b.booking_id WHERE b.status = 'cancelled' AND v.status != 'cancelled'`);
  const flag = db.prepare(
    'UPDATE bookings SET vanished_at = ?, updated_at = ? WHERE booking_id = ? AND vanished_at IS NULL',
  );

  return {
    /** The seed's CreateOrUpdateBooking: inserts, updates only on a real change, else just stamps last_sync_at. */
    upsert(input: BookingInput, now: string): UpsertResult {
      // Insert first: a new booking costs one statement; only a known one is read back and compared.
      if (insert.run({ ...input, now }).changes > 0) return { outcome: 'created', previous: undefined };
      const previous = byId.get(input.bookingId)!;
      const changed = previous.vanished_at !== null || COMPARED.some((k) => previous[COLUMN[k]] !== input[k]);
      if (changed) update.run({ ...input, now });
      else touch.run(now, input.bookingId);
      return { outcome: changed ? 'updated' : 'unchanged', previous };
    },

    /** The seed's GetBookingByID. */
    getById(bookingId: string): BookingRow | undefined {
      return byId.get(bookingId);
    },

    /** Bookings filtered by status and/or date, newest date first and by start time within a day. */
    list(filter: BookingFilter): BookingRow[] {
      const { where, params } = whereEquals({ status: filter.status, date: filter.date });
      const sql = `SELECT * FROM bookings ${where} ORDER BY date DESC, start_time ASC, id ASC LIMIT @limit`;
      return db.prepare<[Record<string, string | number>], BookingRow>(sql).all({ ...params, limit: filter.limit });
    },

    /** The seed's GetBookingsByDate. */
    listByDate(date: string, limit = 1000): BookingRow[] {
      return this.list({ date, limit });
    },

    /** The seed's GetBookingsByStatus. */
    listByStatus(status: string, limit = 1000): BookingRow[] {
      return this.list({ status, limit });
    },

    /** The seed's UpdateBookingStatus; returns whether the status changed. */
    updateStatus(bookingId: string, status: string, now: string): boolean {
      return setStatus.run(status, now, bookingId, status).changes > 0;
    },

    /** The seed's DeleteOldBookings: removes bookings whose venue-local date is before `date`. */
    deleteOlderThan(date: string): number {
      return deleteOld.run(date).changes;
    },

    /** Bookings whose video is due: `success`, listed by AYO, on a field, ended between the two instants (ISO). */
    dueForVideo(endedBefore: string, endedAfter: string): BookingRow[] {
      return eligible.all(endedBefore, endedAfter);
    },

    /** The `success` booking running on a field at `at` (ISO), if any. */
    runningOn(fieldId: number, at: string): BookingRow | undefined {
      return running.get(fieldId, at, at);
    },

    /** Cancelled bookings that still have videos not marked cancelled. */
    cancelledWithLiveVideos(): string[] {
      return cancelledWithVideos.all().map((r) => r.booking_id);
    },

    /** Ids of the bookings on `date` that are not flagged as vanished. */
    listedOn(date: string): string[] {
      return listedOnDate.all(date);
    },

    /**
     * Flags bookings AYO no longer lists, so no video is made for them (the sync passes the ids of a date it fetched
     * that were not in the answer). Returns the ids newly flagged.
     */
    flagVanished(ids: readonly string[], now: string): string[] {
      return ids.filter((id) => flag.run(now, now, id).changes > 0);
    },
  };
}
