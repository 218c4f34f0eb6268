// Messages of VideoActor (type-only; both threads import it).

import type { CameraConfig } from '../recording/cameras.js';
import type { VideoEvent, VideoPipelineDeps } from '../video/types.js';

/** Requests VideoActor answers. */
export type VideoRequest =
  { type: 'video:scan' } | { type: 'video:request-clip'; fieldId: number; cameraName?: string };

/** The reply to `video:scan`. */
export type ScanReply = { created: number; cancelled: number };
/** The reply to `video:request-clip`. */
export type ClipRequestReply = { bookingId: string; windowStart: string; windowEnd: string; videos: string[] };

/** Replies, by request (see ActorProtocols in protocols.ts). */
export type VideoReply = ScanReply | ClipRequestReply;

/** What VideoActor reports. */
export type VideoActorEvent = VideoEvent;

/** The actor's configuration slice: the pipeline's settings (its dependencies minus what the actor builds). */
export type VideoActorData = Omit<VideoPipelineDeps, 'db' | 'runClip' | 'logger' | 'onEvent' | 'now' | 'cameras'> & {
  dbPath: string;
  cameras: CameraConfig[];
  clipConcurrency: number;
  scanIntervalMs: number;
};
