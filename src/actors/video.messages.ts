// Messages of VideoActor (type-only; both threads import it).

import type { CameraConfig } from '../recording/cameras.js';
import type { VideoEvent } from '../video/types.js';

/** Requests VideoActor answers. */
export type VideoRequest =
  | { type: 'video:scan' }
  | { type: 'video:request-clip'; fieldId: number; cameraName?: string };

/** Replies, by request. */
export type VideoReply =
  | { created: number; cancelled: number }
  | { bookingId: string; windowStart: string; windowEnd: string; videos: string[] };

/** What VideoActor reports. */
export type VideoActorEvent = VideoEvent;

/** The actor's configuration slice. */
export interface VideoActorData {
  dbPath: string;
  cameras: CameraConfig[];
  timeZone: string;
  recordingsDir: string;
  videosDir: string;
  segmentSeconds: number;
  ffmpeg: string;
  ffprobe: string;
  clipGraceMs: number;
  clipSeconds: number;
  clipConcurrency: number;
  retentionHours: number;
  scanIntervalMs: number;
  processingDelaysMs: number[];
  jobDelaysMs: number[];
}
