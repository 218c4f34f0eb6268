// Public names of the booking sync.
export {
  createBookingSync,
  type BookingSource,
  type BookingSync,
  type BookingSyncDeps,
  type SyncEvent,
} from './booking-sync.js';
export { createAyoBookingSource } from './ayo-source.js';
export { applyBookingRetention } from './retention.js';
export { createSyncScheduler, type SyncScheduler, type SyncSchedulerDeps } from './scheduler.js';
export { createPartnerCalls, type PartnerCallEvent, type PartnerCallsDeps } from './partner-calls.js';
export {
  createCameraActivity,
  RECORDING_WITHIN_SEGMENTS,
  type CameraActivity,
  type CameraActivityDeps,
} from './camera-activity.js';
