// Messages of UploadActor and NotifyActor (type-only; both threads import it).

import type { AyoConfig, S3Config } from '../config.js';
import type { VideoEncoderName } from '../config/video-settings-env.js';
import type { JobDelays } from '../pipeline/index.js';
import type { LocalStoreConfig } from '../storage/index.js';
import type { CircuitName } from '../util/resilience.js';

/** Requests both delivery actors answer: run due jobs now (after an operator's retry, say). */
export type DeliveryRequest = { type: 'delivery:pump' };

/** How many jobs started. */
export type DeliveryReply = { started: number };

/** What an upload sends, as `venue_recorder_upload_bytes_total{kind}` counts it. */
export type UploadedKind = 'preview' | 'thumbnail' | 'full' | 'hls';

/** What the delivery actors report. */
export type DeliveryEvent =
  | {
      type: 'delivery:done';
      kind: DeliveryKind;
      uniqueId: string;
      ms: number;
      bytes?: number;
      /** Bytes sent per object kind (`upload_bytes_total{kind}`). */
      bytesByKind?: Partial<Record<UploadedKind, number>>;
    }
  | {
      type: 'delivery:failed';
      kind: DeliveryKind;
      uniqueId: string;
      reason: string;
      final: boolean;
    }
  | { type: 'circuit:change'; dependency: 'object-store' | 'ayo'; state: CircuitName }
  /** A purchase finished: `seconds` from its request's first sight to AYO's acceptance of save-video (delivered). */
  | { type: 'purchase:outcome'; outcome: 'delivered' | 'invalid' | 'incompleted' | 'failed'; seconds?: number };

/** The job kinds of the delivery actors' threads. */
export type DeliveryKind = 'upload' | 'notify' | 'upload-full' | 'purchase' | 'save-video';

/** The configuration slice of both actors. */
export interface DeliveryActorData {
  dbPath: string;
  timeZone: string;
  s3: S3Config | undefined;
  /** The demo's local object store, when there is no S3. */
  localStore?: LocalStoreConfig;
  ayo: AyoConfig | undefined;
  concurrency: number;
  quickDelaysMs: number[];
  /** Durable retry delays of every job kind (this actor's own, and the next stage's it enqueues). */
  jobDelays: JobDelays;
  breaker: { threshold: number; halfOpenAfterMs: number };
  /** How often due jobs are looked for (besides wake-ups). */
  pollMs?: number;
  /** FULL_VIDEO_UPLOAD: whether the full MP4 goes up after the announcement (`always`) or waits for a purchase. */
  fullVideoUpload: 'on-purchase' | 'always';
  /** UPLOAD_MAX_MBPS: the cap on all uploads of UploadActor's thread (0: none). */
  uploadMaxMbps: number;
  /** BUCKET_RETENTION_DAYS: days a video's objects stay in the bucket after its last upload (0: forever). */
  bucketRetentionDays: number;
  /** The purchase flow (issue 11): PURCHASE_CONCURRENCY and VIDEO_ENCODER; absent, no purchase job runs here. */
  purchase?: {
    concurrency: number;
    encoder: VideoEncoderName;
    /** Where footage is and the binaries that cut it: a video whose local MP4 went is cut again for a purchase. */
    recordingsDir: string;
    ffmpeg: string;
    ffprobe: string;
  };
}
