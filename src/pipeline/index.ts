// The video pipeline's shape: the lifecycle table, the one function that applies its events, the job kinds and
// the one job runner. New stages are rows of the table and kinds of the runner.
//
// Terminology:
// - lifecycle event: something that happened to a video (`cut:done`, `booking:cancelled`, `operator:retry-upload`);
//   the table says from which statuses it may move the video, where to, and which jobs it enqueues or cancels.
// - job kind: a kind of durable work (`cut`, `upload`, `notify`) with its payload, delays, gate and group.
// - gate: asks whether a claimed job may run now; waiting spends no attempt.
// - group: at most one job of a group runs at a time (one cut per camera).

export {
  VIDEO_TRANSITIONS,
  VIDEO_JOB_KINDS,
  UNCUT,
  HANDED_TO_DELIVERY,
  type Transition,
  type VideoLifecycleEvent,
  type VideoStatus,
} from './video-lifecycle.js';
export {
  createVideoLifecycle,
  type VideoLifecycle,
  type LifecycleDeps,
  type ApplyOptions,
  type ApplyResult,
  type NewVideo,
  type VideoStatusChange,
} from './apply.js';
export {
  jobKey,
  attemptsOf,
  videoOfJob,
  JOB_KINDS,
  type JobKind,
  type JobPayloads,
  type JobDelays,
} from './job-kinds.js';
export { createJobRunner } from './job-runner.js';
export type { JobKindSpec, JobContext, Admission, JobDependency, JobRunnerOptions } from './job-spec.js';
export { retryJobByOperator, type OperatorRetry } from './operator.js';
export { sweepVideoFiles, type FileSweepOptions } from './files.js';
export { lifecycleTableMarkdown } from './lifecycle-table.js';
