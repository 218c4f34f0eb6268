// Each actor's slice of configuration, as the actor receives it through workerData, and the check the actor runs
// on its own thread: the slice crossed a thread boundary as plain data, so its types are a claim, not a proof.
// Fields name the variable they come from and are held to its rule. Keep in step with src/actors/*.messages.ts.

import path from 'node:path';
import { addSecrets } from '../redact.js';
import { ConfigError } from './errors.js';
import { secretsInField } from './slice-secrets.js';
import { checkField, must, optional, type Check, type Shape } from './slice-rules.js';
import { variableNamed } from './variables.js';

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';
const absolutePath = must('must be an absolute path', (v) => isText(v) && path.isAbsolute(v));
const positiveMs = must(
  'must be a positive number of milliseconds',
  (v) => typeof v === 'number' && Number.isFinite(v) && v > 0,
);
const concurrency = must(
  'must be a whole number from 1 to 64',
  (v) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 64,
);
const httpUrl = must('must be an http(s) URL', (v) => isText(v) && /^https?:\/\//.test(v) && URL.canParse(v));
const cameraNames = must(
  'must be a list of camera names',
  (v) => Array.isArray(v) && v.every((n) => isText(n) && /^[A-Za-z0-9_-]{1,64}$/.test(n)),
);
/** One camera, held to the rules of an entry of CAMERAS. */
const camera: Check = (v) => variableNamed('CAMERAS').parse.check([v]);
const probeTargets = must(
  'must be a list of probe targets {name, label, url}',
  (v) =>
    Array.isArray(v) &&
    v.every(
      (t: unknown) =>
        typeof t === 'object' &&
        t !== null &&
        isText((t as { name?: unknown }).name) &&
        isText((t as { label?: unknown }).label) &&
        httpUrl((t as { url?: unknown }).url) === undefined,
    ),
);

const ayo: Shape = {
  baseUrl: 'AYO_API_BASE_URL',
  token: 'AYO_API_TOKEN',
  venueCode: 'AYO_VENUE_CODE',
  secret: 'AYO_VENUE_SECRET',
  timeoutMs: 'AYO_API_TIMEOUT',
  retryBaseDelayMs: 'AYO_RETRY_BASE_DELAY',
  breakAfter: 'AYO_CIRCUIT_BREAK_AFTER',
  halfOpenAfterMs: 'AYO_CIRCUIT_HALF_OPEN_AFTER',
  maxResponseBytes: 'AYO_MAX_RESPONSE_BYTES',
  maxBookingsPerDate: 'AYO_MAX_BOOKINGS_PER_DATE',
};
const s3: Shape = {
  endpoint: 'S3_ENDPOINT',
  region: 'S3_REGION',
  bucket: 'S3_BUCKET',
  accessKeyId: 'S3_ACCESS_KEY_ID',
  secretAccessKey: 'S3_SECRET_ACCESS_KEY',
  publicBaseUrl: 'S3_PUBLIC_BASE_URL',
  forcePathStyle: 'S3_FORCE_PATH_STYLE',
  keyPrefix: 'S3_KEY_PREFIX',
};
// Every job kind's durable retry delays: actors enqueue the next stage's jobs too, so each gets them all.
const jobDelays: Shape = {
  cut: 'VIDEO_JOB_RETRY_DELAYS',
  upload: 'DELIVERY_JOB_RETRY_DELAYS',
  notify: 'DELIVERY_JOB_RETRY_DELAYS',
  'upload-full': 'DELIVERY_JOB_RETRY_DELAYS',
  'bucket-delete': 'DELIVERY_JOB_RETRY_DELAYS',
};
const delivery = (quickDelaysMs: Shape[string], concurrencyRule: Shape[string]): Shape => ({
  dbPath: absolutePath,
  timeZone: 'VENUE_TIMEZONE',
  s3: optional(s3),
  localStore: optional({ dir: absolutePath, publicBaseUrl: httpUrl }),
  ayo: optional(ayo),
  concurrency: concurrencyRule,
  quickDelaysMs,
  jobDelays,
  breaker: { threshold: 'DELIVERY_CIRCUIT_BREAK_AFTER', halfOpenAfterMs: 'DELIVERY_CIRCUIT_HALF_OPEN_AFTER' },
  pollMs: optional(positiveMs),
  fullVideoUpload: 'FULL_VIDEO_UPLOAD',
  uploadMaxMbps: 'UPLOAD_MAX_MBPS',
  bucketRetentionDays: 'BUCKET_RETENTION_DAYS',
  purchase: optional({
    concurrency: 'PURCHASE_CONCURRENCY',
    encoder: 'VIDEO_ENCODER',
    recordingsDir: absolutePath,
    ffmpeg: 'FFMPEG_PATH',
    ffprobe: 'FFPROBE_PATH',
  }),
});

/** Every actor's slice: the fields of its `*ActorData`, each with the rule it meets. */
export const SLICES = {
  connectivity: { targets: probeTargets, intervalMs: 'CONNECTIVITY_INTERVAL', timeoutMs: 'CONNECTIVITY_TIMEOUT' },
  sync: {
    dbPath: absolutePath,
    timeZone: 'VENUE_TIMEZONE',
    ayo: optional(ayo),
    intervalMs: 'BOOKING_SYNC_INTERVAL',
    daysBack: 'BOOKING_SYNC_DAYS_BACK',
    daysAhead: 'BOOKING_SYNC_DAYS_AHEAD',
    retentionDays: 'BOOKING_RETENTION_DAYS',
    cameras: cameraNames,
    segmentSeconds: 'SEGMENT_SECONDS',
    healthIntervalMs: 'AYO_HEALTH_CHECK_INTERVAL',
    cameraStatusIntervalMs: 'CAMERA_STATUS_INTERVAL',
  },
  recorder: {
    camera,
    dbPath: absolutePath,
    recordingsDir: absolutePath,
    segmentSeconds: 'SEGMENT_SECONDS',
    ffmpegPath: 'FFMPEG_PATH',
    timeZone: 'VENUE_TIMEZONE',
    retentionHours: 'RECORDING_RETENTION_HOURS',
    minFreeDiskMb: 'MIN_FREE_DISK_MB',
    retentionIntervalMs: optional(positiveMs),
  },
  video: {
    dbPath: absolutePath,
    cameras: 'CAMERAS',
    timeZone: 'VENUE_TIMEZONE',
    recordingsDir: absolutePath,
    videosDir: absolutePath,
    segmentSeconds: 'SEGMENT_SECONDS',
    ffmpeg: 'FFMPEG_PATH',
    ffprobe: 'FFPROBE_PATH',
    watermarkFile: optional(absolutePath),
    settingsFile: optional(absolutePath),
    clipGraceMs: 'CLIP_GRACE',
    clipSeconds: 'CLIP_SECONDS',
    clipConcurrency: 'CLIP_CONCURRENCY',
    retentionHours: 'RECORDING_RETENTION_HOURS',
    scanIntervalMs: 'VIDEO_SCAN_INTERVAL',
    processingDelaysMs: 'VIDEO_RETRY_DELAYS',
    jobDelays,
  },
  upload: delivery('UPLOAD_RETRY_DELAYS', 'UPLOAD_CONCURRENCY'),
  // NotifyActor's concurrency is fixed by the service, not by a variable.
  notify: delivery('NOTIFY_RETRY_DELAYS', concurrency),
  button: {
    path: 'BUTTON_SERIAL_PORT',
    baudRate: 'BUTTON_BAUD_RATE',
    retryMinMs: optional(positiveMs),
    retryMaxMs: optional(positiveMs),
  },
} as const satisfies Record<string, Shape>;

/** An actor with a configuration slice: its child id, or the part before `:` (`recorder:CAM_1` → `recorder`). */
export type ActorName = keyof typeof SLICES;

/**
 * Re-checks the slice an actor received through workerData; returns it unchanged, or throws {@link ConfigError}
 * naming every bad field and the variable it came from. Call it first thing in the actor's init:
 * `const d = checkSlice('sync', ctx.data);`
 */
export function checkSlice<T>(actor: ActorName, data: T): T {
  const problems: string[] = [];
  if (typeof data !== 'object' || data === null) {
    problems.push(`${actor} slice must be an object`);
  } else {
    for (const [field, rule] of Object.entries(SLICES[actor])) {
      checkField(rule, (data as Record<string, unknown>)[field], `${actor} slice: ${field}`, problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // The actor's thread redacts its slice's secrets from its logs and error texts from here on.
  addSecrets(secretsInField(SLICES[actor], data));
  return data;
}
