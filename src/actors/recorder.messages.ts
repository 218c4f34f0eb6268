// Messages of RecorderActor, one per enabled camera (type-only; both threads import it).

import type { CameraConfig } from '../recording/cameras.js';
import type { RecorderEvent, RecorderStatus } from '../recording/recorder.js';

/** Requests a RecorderActor answers. */
export type RecorderRequest = { type: 'recorder:status' };

/** The reply to `recorder:status`. */
export type RecorderReply = RecorderStatus;

/** What a RecorderActor reports: state changes, closed segments, ffmpeg restarts, closed gaps. */
export type RecorderActorEvent = RecorderEvent;

/** A camera's recording state changed (sent only on a change; the recording index is the lasting record). */
export type RecorderStateEvent = Extract<RecorderActorEvent, { type: 'recorder:state' }>;

/** The actor's configuration slice. */
export interface RecorderActorData {
  camera: CameraConfig;
  dbPath: string;
  recordingsDir: string;
  segmentSeconds: number;
  ffmpegPath: string;
  timeZone: string;
  retentionHours: number;
  minFreeDiskMb: number;
  /** How often retention runs (default 1 min). */
  retentionIntervalMs?: number;
}
