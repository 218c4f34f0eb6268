// The shape of the validated configuration. Type-only, so that every module (the loader, the section builders,
// the actors' message types) can name it without importing the loader, and no import cycle can form.

import type { CameraConfig } from '../recording/cameras.js';
import type { LogFormat, LogLevel } from '../log.js';
import type { VideoSettingsEnv } from './video-settings-env.js';

/** AYO partner API credentials and client settings; absent when the venue has none configured. */
export interface AyoConfig {
  baseUrl: string;
  token: string;
  venueCode: string;
  secret: string;
  timeoutMs: number;
  retryBaseDelayMs: number;
  /** Consecutive retryable failures that open the circuit, and how long it stays open. */
  breakAfter: number;
  halfOpenAfterMs: number;
  /** Bounds on what AYO may send: bytes of one answer, bookings listed for one date. */
  maxResponseBytes: number;
  maxBookingsPerDate: number;
}

/** Cloudflare R2 (or any S3 API) settings. */
export interface S3Config {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Public URL prefix of the bucket (e.g. a custom domain); object URLs are `<base>/<key>`. */
  publicBaseUrl: string;
  forcePathStyle: boolean;
  keyPrefix: string;
}

/** The validated configuration of the whole service. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  dbPath: string;
  venueTimezone: string;
  ayo: AyoConfig | undefined;
  sync: { intervalMs: number; daysBack: number; daysAhead: number; retentionDays: number };
  apiKey: string | undefined;
  /** ALLOWED_HOSTS: names and addresses clients use for the HTTP API beside loopback ones and HOST. */
  allowedHosts: string[];
  log: { level: LogLevel; format: LogFormat };
  connectivity: { intervalMs: number; timeoutMs: number };
  /** Object store endpoint (R2/S3); ConnectivityActor probes it when set. */
  s3Endpoint: string | undefined;
  /** The object store; absent until S3_ENDPOINT, S3_BUCKET and the keys are set. */
  s3: S3Config | undefined;
  delivery: {
    uploadRetryDelaysMs: number[];
    notifyRetryDelaysMs: number[];
    jobRetryDelaysMs: number[];
    uploadConcurrency: number;
    breakAfter: number;
    halfOpenAfterMs: number;
    /** FULL_VIDEO_UPLOAD. */
    fullVideoUpload: 'on-purchase' | 'always';
    /** UPLOAD_MAX_MBPS (0: no cap). */
    uploadMaxMbps: number;
    /** BUCKET_RETENTION_DAYS (0: keep forever). */
    bucketRetentionDays: number;
  };
  supervisor: { maxRestarts: number; windowMs: number; shutdownTimeoutMs: number };
  ayoCalls: { healthIntervalMs: number; cameraStatusIntervalMs: number };
  cameras: CameraConfig[];
  /** CAMERAS_FILE's absolute path when the cameras come from it: watched, reloaded on SIGHUP, written by the editor. */
  camerasFile?: string;
  /** DEMO=true: a simulated AYO, synthetic cameras and a local object store, all through the real pipeline. */
  demo: { bookingMs: number; intervalMs: number; firstAfterMs: number } | undefined;
  recording: {
    segmentSeconds: number;
    retentionHours: number;
    minFreeDiskMb: number;
    /** RECORDING_DIRS: the recording disks (default `$DATA_DIR/media/recordings` alone). */
    dirs: string[];
    ffmpegPath: string;
    ffprobePath: string;
  };
  /** The live view: how long an unwatched camera's live ffmpeg keeps running. */
  live: { idleMs: number };
  /** The highlight buttons' serial line; absent when BUTTON_SERIAL_PORT is unset (no ButtonActor runs). */
  buttons: { serialPort: string; baudRate: number } | undefined;
  video: {
    scanIntervalMs: number;
    clipGraceMs: number;
    clipConcurrency: number;
    clipSeconds: number;
    retryDelaysMs: number[];
    jobRetryDelaysMs: number[];
  };
  /** Purchases (issue 11): VIDEO_REQUEST_INTERVAL, PURCHASE_CONCURRENCY, PURCHASE_MIN_COVERAGE. */
  purchase: { requestIntervalMs: number; concurrency: number; minCoverage: number };
  /** The venue video variables (issue 11): what the environment sets beside AYO's `video-configuration`. */
  videoSettings: VideoSettingsEnv;
}
