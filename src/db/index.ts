// Public names of the database layer.
export { openDatabase, nowIso, type Db } from './connection.js';
export { migrate, MIGRATIONS, type Migration } from './migrations.js';
export {
  createBookingsRepo, BOOKING_STATUSES, type BookingsRepo, type BookingRow, type BookingInput, type BookingStatus,
  type BookingFilter, type UpsertResult,
} from './bookings.repo.js';
export { createSyncRunsRepo, type SyncRunsRepo, type SyncRunRecord } from './sync-runs.repo.js';
export { createSegmentsRepo, type SegmentsRepo, type SegmentRow, type GapRow } from './segments.repo.js';
