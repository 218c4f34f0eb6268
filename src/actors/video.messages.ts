// Messages of VideoActor (type-only; both threads import it).

import type { CameraConfig } from '../recording/cameras.js';
import type { VideoEvent, VideoPipelineDeps } from '../video/types.js';

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

/** The actor's configuration slice: the pipeline's settings (its dependencies minus what the actor builds). */
export type VideoActorData = Omit<VideoPipelineDeps, 'db' | 'runClip' | 'logger' | 'onEvent' | 'now' | 'cameras'> & {
  dbPath: string;
  cameras: CameraConfig[];
  clipConcurrency: number;
  scanIntervalMs: number;
};
