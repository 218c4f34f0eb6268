// What the video pipeline's pieces share: its dependencies and its events.

import type { Db } from '../db/index.js';
import type { Logger } from '../log.js';
import type { JobDelays, VideoStatusChange } from '../pipeline/index.js';
import type { CameraConfig } from '../recording/cameras.js';
import type { ClipTaskInput, ClipTaskResult } from './clip.task.js';

/** Events of the video pipeline (metrics and logs subscribe on the main thread). */
export type VideoEvent =
  VideoStatusChange | { type: 'clip:done'; uniqueId: string; camera: string; seconds: number; coverage: number };

/** Dependencies of the scanner and the cut worker. */
export interface VideoPipelineDeps {
  db: Db;
  cameras: readonly CameraConfig[];
  timeZone: string;
  /** `$DATA_DIR/media/recordings`. */
  recordingsDir: string;
  /** `$DATA_DIR/media/videos`. */
  videosDir: string;
  segmentSeconds: number;
  ffmpeg: string;
  ffprobe: string;
  /** The watermark in force, drawn on previews (src/watermark's in-force.json); absent: no watermark. */
  watermarkFile?: string;
  clipGraceMs: number;
  clipSeconds: number;
  /** The venue settings in force (src/settings's in-force.json): the manual clip's length comes from there. */
  settingsFile?: string;
  /** Bookings that ended longer ago than this have no footage left to look for. */
  retentionHours: number;
  /** Delays between the quick processing attempts (the seed's 3 s, 6 s, 12 s). */
  processingDelaysMs: readonly number[];
  /** Delays of the durable retries of every job kind (a cut's: 5, 15, 30, 60, 120 min). */
  jobDelays: JobDelays;
  /** Cuts at once (at most one per camera); default 1. */
  clipConcurrency?: number;
  /** Runs one clip task (on the piscina pool in the actor; directly in tests). */
  runClip(input: Omit<ClipTaskInput, 'cancelPort'>, signal: AbortSignal): Promise<ClipTaskResult>;
  logger: Logger;
  onEvent?: (e: VideoEvent) => void;
  now?: () => number;
}
