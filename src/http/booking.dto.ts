// The seed's camelCase booking shape, timestamps as ISO-8601 UTC.

import type { BookingRow } from '../db/index.js';

/** A booking as the REST API answers it. */
export interface BookingDto {
  id: number;
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
  createdAt: string;
  updatedAt: string;
  rawJson: string;
  lastSyncAt: string;
}

/** SQLite's `CURRENT_TIMESTAMP` (`2025-01-23 08:00:00`, UTC) or an ISO string → ISO-8601 UTC. */
function isoUtc(value: string | null): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return `${value.replace(' ', 'T')}Z`;
  return value;
}

/** Maps a stored row to the seed's response fields. */
export function toBookingDto(r: BookingRow): BookingDto {
  return {
    id: r.id,
    bookingId: r.booking_id,
    orderDetailId: r.order_detail_id,
    fieldId: r.field_id,
    date: r.date,
    startTime: r.start_time,
    endTime: r.end_time,
    status: r.status,
    fieldName: r.field_name,
    userName: r.user_name,
    userPhone: r.user_phone,
    createdAt: isoUtc(r.created_at),
    updatedAt: isoUtc(r.updated_at),
    rawJson: r.raw_json,
    lastSyncAt: isoUtc(r.last_sync_at),
  };
}
