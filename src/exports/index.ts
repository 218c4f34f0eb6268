// Public names of the exports and the recording timeline.
//
// Terminology:
// - export: an operator's MP4 of any window (at most 4 h) of one camera, cut like a booking clip; never a video.
// - timeline: a camera's covered intervals over a window and the gaps between them, each with its reason.
export { createExportRunner, type ExportJobDeps } from './export-job.js';
export { expireExports } from './expiry.js';
export { exportsDirOf, MAX_EXPORT_MS } from './names.js';
export { queueExport, type ExportRequest } from './requests.js';
export {
  buildTimeline,
  explainMissing,
  IN_PROGRESS,
  NO_FOOTAGE,
  type Timeline,
  type TimelineInput,
} from './timeline.js';
