// The life of a booking video as data: every status, the sets other modules ask about, and the one table of
// transitions (event × current status → new status, with the jobs each transition enqueues, restarts or cancels).
// `applyVideoEvent` (apply.ts) is the only writer of `videos.status` and `video_events`.

import type { VideoStatus } from '../db/index.js';
import type { JobKind } from './job-kinds.js';

export type { VideoStatus };

/** Every video job kind, in the order a video meets them. */
export const VIDEO_JOB_KINDS = ['cut', 'upload', 'notify'] as const satisfies readonly JobKind[];

/** Statuses of a video not cut yet: its footage must stay, and a changed booking window redoes it. */
export const UNCUT: readonly VideoStatus[] = ['pending', 'processing', 'failed'];
/** Statuses that say the cut finished and delivery took the video over (its history tells a `failed` apart). */
export const HANDED_TO_DELIVERY: readonly VideoStatus[] = ['uploading', 'notifying', 'ready'];

/** One row of the table: which statuses it leaves, where it goes, and what it does to the video's jobs. */
export interface Transition {
  /** The statuses this event may move a video out of; any other status refuses it. */
  from: readonly VideoStatus[];
  to: VideoStatus;
  /** Jobs created due now (kept as they are if they exist: the dedupe key makes a second enqueue harmless). */
  enqueue?: readonly JobKind[];
  /** Jobs put back in the queue due now with all their attempts (new work under an old key), created if missing. */
  restart?: readonly JobKind[];
  /** Jobs that stop: waiting, running or dead ones become `cancelled`. */
  cancel?: readonly JobKind[];
  /** The local files are deleted once the transition is committed. */
  dropFiles?: true;
  /** The video's unique_id is reported to this AYO id list endpoint, durably, in the transition's transaction. */
  report?: 'video-unavailable';
  /** The default reason written into the history. */
  reason?: string;
}

/**
 * The video lifecycle. To answer "what can move a video to X", read the rows whose `to` is X.
 * `cut:*` rows come from the cut job, `upload:*` and `notify:*` from theirs, `booking:*` and `window:*` from the
 * scanner, `operator:*` from the REST API.
 */
export const VIDEO_TRANSITIONS = {
  /** A cut job starts (again, after a crash or a backoff). */
  'cut:start': { from: UNCUT, to: 'processing' },
  /** The clip, preview and thumbnail exist: hand the video to upload. */
  'cut:done': { from: ['processing'], to: 'uploading', enqueue: ['upload'] },
  /** The cut failed; its job waits out a backoff (or is a dead letter) and the video shows why. */
  'cut:failed': { from: ['processing'], to: 'failed' },
  /** A shutdown interrupted the cut: not a failure, the next start runs it again. */
  'cut:interrupted': { from: ['processing'], to: 'pending', reason: 'interrupted by shutdown' },
  /** The cut found its booking gone, cancelled or no longer listed: nothing is made. */
  'cut:void': {
    from: UNCUT,
    to: 'cancelled',
    cancel: ['cut', 'upload', 'notify', 'upload-full'],
    dropFiles: true,
  },
  /** What the announcement shows (preview, thumbnail) is in the store, verified: queue the announcement. */
  'upload:done': { from: ['uploading'], to: 'notifying', enqueue: ['notify'] },
  /** An upload attempt failed; its job retries later. */
  'upload:retry': { from: ['uploading', 'failed'], to: 'uploading' },
  /** The upload failed for good (permanent error or out of attempts). */
  'upload:failed': { from: ['uploading', 'failed'], to: 'failed' },
  /** AYO acknowledged save-video-available. */
  'notify:done': { from: ['notifying'], to: 'ready' },
  /** AYO acknowledged it, and FULL_VIDEO_UPLOAD=always: the full MP4 goes up after the announcement, at low priority. */
  'notify:done-upload-full': { from: ['notifying'], to: 'ready', enqueue: ['upload-full'] },
  /** A notification attempt failed; its job retries later. */
  'notify:retry': { from: ['notifying', 'failed'], to: 'notifying' },
  /** The notification failed for good. */
  'notify:failed': { from: ['notifying', 'failed'], to: 'failed' },
  /**
   * Retention removed the video's local files and its footage, and its full video is not in the bucket: a purchase can
   * no longer be fulfilled, and AYO is told (`video-unavailable`, in batches of at most 10 ids).
   */
  'retention:unavailable': {
    from: ['ready'],
    to: 'unavailable',
    report: 'video-unavailable',
    reason: 'its local files and footage were removed by retention, and its full video is not in the bucket',
  },
  /**
   * The booking was cancelled: every unfinished job stops and the video's local files go; its objects in the bucket,
   * if any went up, follow within a minute (UploadActor's sweep queues `bucket-delete` for a cancelled video with
   * objects, src/delivery/bucket-retention.ts).
   */
  'booking:cancelled': {
    from: ['pending', 'processing', 'uploading', 'notifying', 'ready', 'failed', 'unavailable'],
    to: 'cancelled',
    cancel: ['cut', 'upload', 'notify', 'upload-full'],
    dropFiles: true,
    reason: 'Booking cancelled via API',
  },
  /** The booking's start moved: the video of the old window is superseded by a new one. */
  'window:superseded': {
    from: UNCUT,
    to: 'cancelled',
    cancel: ['cut', 'upload', 'notify', 'upload-full'],
    dropFiles: true,
    reason: 'booking window changed',
  },
  /** The booking's end moved before the cut was handed on: cut again for the new window. */
  'window:changed': {
    from: UNCUT,
    to: 'pending',
    restart: ['cut'],
    reason: 'booking window changed',
  },
  /** A cancelled video whose booking is eligible again (reinstated, window moved back). */
  'booking:eligible': { from: ['cancelled'], to: 'pending', restart: ['cut'], reason: 'booking eligible again' },
  /** An operator retries a dead or backing-off cut. */
  'operator:retry-cut': {
    from: ['failed', 'pending'],
    to: 'pending',
    restart: ['cut'],
    reason: 'retried by an operator',
  },
  /** An operator retries a dead or backing-off upload. */
  'operator:retry-upload': {
    from: ['failed', 'uploading'],
    to: 'uploading',
    restart: ['upload'],
    reason: 'retried by an operator',
  },
  /** An operator retries a dead or backing-off notification. */
  'operator:retry-notify': {
    from: ['failed', 'notifying'],
    to: 'notifying',
    restart: ['notify'],
    reason: 'retried by an operator',
  },
} as const satisfies Record<string, Transition>;

/** An event of the video lifecycle. */
export type VideoLifecycleEvent = keyof typeof VIDEO_TRANSITIONS;

/** The operator's retry event for a job of `kind`: it takes the video back to that job's stage (none for a kind of no video). */
export function operatorRetryEvent(kind: JobKind): VideoLifecycleEvent | undefined {
  const videoKind = VIDEO_JOB_KINDS.find((k) => k === kind);
  return videoKind && `operator:retry-${videoKind}`;
}
