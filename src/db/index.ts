// Public names of the database layer.
export { openDatabase, type Db } from './connection.js';
export { busyEpisodes, isBusyError, retryWhileBusy, type BusyRetryOptions } from './busy.js';
export { migrate, MIGRATIONS, type Migration } from './migrations.js';
export {
  createBookingsRepo,
  BOOKING_STATUSES,
  type BookingsRepo,
  type BookingRow,
  type BookingInput,
  type BookingFilter,
  type UpsertResult,
} from './bookings.repo.js';
export { createSyncRunsRepo, type SyncRunsRepo, type SyncRunRecord } from './sync-runs.repo.js';
export {
  createSegmentsRepo,
  type SegmentsRepo,
  type SegmentRow,
  type GapRow,
  type DiskRow,
  type UsageBucket,
  USAGE_BUCKET_MS,
} from './segments.repo.js';
export {
  createJobsRepo,
  type JobRow,
  type JobStatus,
  type JobWait,
  type JobWaitReason,
  type FailureClass,
} from './jobs.repo.js';
export {
  createVideosRepo,
  VIDEO_STATUSES,
  type VideosRepo,
  type VideoRow,
  type VideoStatus,
  type VideoEventRow,
  type VideoFilter,
  type VideoResult,
} from './videos.repo.js';
export {
  createQueueRepo,
  type QueueRepo,
  type QueueSummary,
  type WaitingFor,
  type WaitingJob,
  type WaitingPage,
} from './queue.repo.js';
export {
  createExportsRepo,
  EXPORT_STATES,
  type ExportsRepo,
  type ExportRow,
  type ExportState,
  type ExportResult,
  type MissingStretch,
} from './exports.repo.js';
export {
  createPurchasesRepo,
  PURCHASE_STATES,
  type PurchasesRepo,
  type PurchaseRow,
  type PurchaseState,
  type PurchaseEventRow,
  type PurchaseFilter,
  type PurchaseInput,
} from './purchases.repo.js';
