// The schema of all configuration and its only reader of process.env. A bad value stops the service
// with a message naming the variable; every problem is reported at once.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import { parseCameras, passwordOf, type CameraConfig } from './recording/cameras.js';
import { parseDuration } from './util/duration.js';
import { isValidTimeZone } from './util/venue-time.js';
import type { LogFormat, LogLevel } from './log.js';

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
  log: { level: LogLevel; format: LogFormat };
  connectivity: { intervalMs: number; timeoutMs: number };
  /** Object store endpoint (R2/S3); ConnectivityActor probes it when set. */
  s3Endpoint: string | undefined;
  /** The object store; absent until S3_ENDPOINT, S3_BUCKET and the keys are set. */
  s3: S3Config | undefined;
  delivery: {
    uploadRetryDelaysMs: number[]; notifyRetryDelaysMs: number[]; jobRetryDelaysMs: number[]; uploadConcurrency: number;
    breakAfter: number; halfOpenAfterMs: number;
  };
  supervisor: { maxRestarts: number; windowMs: number; shutdownTimeoutMs: number };
  cameras: CameraConfig[];
  recording: {
    segmentSeconds: number;
    retentionHours: number;
    minFreeDiskMb: number;
    ffmpegPath: string;
    ffprobePath: string;
  };
  video: {
    scanIntervalMs: number;
    clipGraceMs: number;
    clipConcurrency: number;
    clipSeconds: number;
    retryDelaysMs: number[];
    jobRetryDelaysMs: number[];
  };
}

/** Thrown by {@link loadConfig}; `problems` holds one line per bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** One documented variable: README's configuration table is this list. */
export interface VariableDoc { name: string; default: string; meaning: string }

/** Every variable the service reads, with its default and meaning. */
export const VARIABLES: readonly VariableDoc[] = [
  { name: 'PORT', default: '8080', meaning: 'HTTP port of the REST API (0 picks a free one)' },
  { name: 'HOST', default: '127.0.0.1', meaning: 'address to bind; a non-loopback address requires API_KEY' },
  { name: 'DATA_DIR', default: './data', meaning: 'data directory; the database is $DATA_DIR/venue-recorder.db' },
  { name: 'VENUE_TIMEZONE', default: 'Asia/Jakarta', meaning: "IANA time zone of the venue (never the host's)" },
  { name: 'AYO_API_BASE_URL', default: '', meaning: 'AYO partner API base URL, with or without /api/v1' },
  { name: 'AYO_API_TOKEN', default: '', meaning: 'AYO API token (secret)' },
  { name: 'AYO_VENUE_CODE', default: '', meaning: 'AYO venue code' },
  { name: 'AYO_VENUE_SECRET', default: '', meaning: 'AYO venue secret key, signs every request (secret)' },
  { name: 'AYO_API_TIMEOUT', default: '30s', meaning: 'timeout of one AYO request' },
  { name: 'AYO_RETRY_BASE_DELAY', default: '1s', meaning: 'first retry delay of an AYO call (doubles per attempt)' },
  { name: 'AYO_CIRCUIT_BREAK_AFTER', default: '5', meaning: 'consecutive failed AYO calls that open the circuit' },
  { name: 'AYO_CIRCUIT_HALF_OPEN_AFTER', default: '30s', meaning: 'how long an open AYO circuit refuses calls before trying one' },
  { name: 'BOOKING_SYNC_INTERVAL', default: '5m', meaning: 'time between booking syncs (500ms, 30s, 2m, 1h)' },
  { name: 'BOOKING_SYNC_DAYS_BACK', default: '1', meaning: 'venue-local days before today that each sync fetches' },
  { name: 'BOOKING_SYNC_DAYS_AHEAD', default: '1', meaning: 'venue-local days after today that each sync fetches' },
  { name: 'BOOKING_RETENTION_DAYS', default: '90', meaning: 'bookings whose date is older are deleted daily' },
  { name: 'API_KEY', default: '', meaning: 'when set, /api/... requires Authorization: Bearer <key> (secret, 16+ chars)' },
  { name: 'CONNECTIVITY_INTERVAL', default: '30s', meaning: 'how often ConnectivityActor probes the AYO host and the object store' },
  { name: 'CONNECTIVITY_TIMEOUT', default: '5s', meaning: 'timeout of one connectivity probe' },
  { name: 'S3_ENDPOINT', default: '', meaning: 'object store endpoint (e.g. https://<account>.r2.cloudflarestorage.com)' },
  { name: 'S3_REGION', default: 'auto', meaning: 'object store region' },
  { name: 'S3_BUCKET', default: '', meaning: 'bucket the videos go to' },
  { name: 'S3_ACCESS_KEY_ID', default: '', meaning: 'object store access key id (secret)' },
  { name: 'S3_SECRET_ACCESS_KEY', default: '', meaning: 'object store secret key (secret)' },
  { name: 'S3_PUBLIC_BASE_URL', default: '', meaning: 'public URL prefix of the bucket, e.g. https://videos.example.com' },
  { name: 'S3_FORCE_PATH_STYLE', default: 'true', meaning: 'path-style object URLs on the S3 API' },
  { name: 'S3_KEY_PREFIX', default: '', meaning: 'prefix of every object key' },
  { name: 'UPLOAD_RETRY_DELAYS', default: '3s,6s,9s,12s,15s', meaning: 'delays of the quick upload retries' },
  { name: 'NOTIFY_RETRY_DELAYS', default: '3s,6s,12s', meaning: 'delays of the quick AYO notification retries' },
  { name: 'DELIVERY_JOB_RETRY_DELAYS', default: '5m,20m,45m,2h,5h', meaning: 'delays of the queued retries of uploads and notifications' },
  { name: 'DELIVERY_CIRCUIT_BREAK_AFTER', default: '5', meaning: 'consecutive failed uploads (or notifications) that open that circuit' },
  { name: 'DELIVERY_CIRCUIT_HALF_OPEN_AFTER', default: '30s', meaning: 'how long an open delivery circuit waits before trying again' },
  { name: 'UPLOAD_CONCURRENCY', default: '2', meaning: 'videos uploaded at once (each with up to 4 multipart parts in flight)' },
  { name: 'ACTOR_MAX_RESTARTS', default: '5', meaning: 'restart intensity: restarts allowed within ACTOR_RESTART_WINDOW before the service gives up' },
  { name: 'ACTOR_RESTART_WINDOW', default: '60s', meaning: 'the window of ACTOR_MAX_RESTARTS' },
  { name: 'SHUTDOWN_TIMEOUT', default: '30s', meaning: 'overall deadline of a graceful shutdown; past it the process exits 1' },
  { name: 'CAMERAS', default: '[]', meaning: 'JSON array of cameras: [{"name","fieldId","url","enabled"}]' },
  { name: 'CAMERAS_FILE', default: '', meaning: 'path to a JSON file with the same array (instead of CAMERAS)' },
  { name: 'SEGMENT_SECONDS', default: '10', meaning: 'length of one recorded segment' },
  { name: 'RECORDING_RETENTION_HOURS', default: '72', meaning: 'segments older than this are deleted' },
  { name: 'MIN_FREE_DISK_MB', default: '2048', meaning: 'below this free space the oldest segments go first' },
  { name: 'FFMPEG_PATH', default: 'ffmpeg', meaning: 'ffmpeg binary (from PATH by default)' },
  { name: 'FFPROBE_PATH', default: 'ffprobe', meaning: 'ffprobe binary (from PATH by default)' },
  { name: 'VIDEO_SCAN_INTERVAL', default: '2m', meaning: 'how often finished bookings are turned into videos (also at once on booking changes)' },
  { name: 'CLIP_GRACE', default: '30s', meaning: 'time after a booking ends before its video is made' },
  { name: 'CLIP_CONCURRENCY', default: 'cores', meaning: 'clip tasks at once (one per camera at a time)' },
  { name: 'CLIP_SECONDS', default: '60', meaning: 'length of a manual clip (POST /api/request-booking-video)' },
  { name: 'VIDEO_RETRY_DELAYS', default: '3s,6s,12s', meaning: 'delays of the quick processing retries' },
  { name: 'VIDEO_JOB_RETRY_DELAYS', default: '5m,15m,30m,60m,120m', meaning: 'delays of the later retries of a failed video' },
  { name: 'LOG_LEVEL', default: 'info', meaning: 'debug, info, warn or error' },
  { name: 'LOG_FORMAT', default: 'pretty', meaning: 'pretty (one human line per event) or json' },
];

type Env = Record<string, string | undefined>;

/** Whether binding `host` keeps the API on this machine. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Parses and validates the environment. Throws {@link ConfigError} listing every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const str = (name: string, def: string) => get(name) ?? def;
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return def;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return def;
    }
    return Number(raw);
  };
  const duration = (name: string, def: string, minMs = 1): number => {
    const raw = get(name) ?? def;
    const ms = parseDuration(raw);
    if (ms === undefined || ms < minMs) {
      problems.push(`${name} must be a duration like 500ms, 30s, 2m or 1h${minMs > 1 ? ` of at least ${minMs}ms` : ''} (got "${raw}")`);
      return parseDuration(def) ?? 1000;
    }
    return ms;
  };
  const oneOf = <T extends string>(name: string, def: T, allowed: readonly T[]): T => {
    const raw = get(name) ?? def;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return def;
    }
    return raw as T;
  };

  const port = int('PORT', 8080, 0, 65535);
  const host = str('HOST', '127.0.0.1');
  if (host !== 'localhost' && isIP(host) === 0) problems.push(`HOST must be an IP address or localhost (got "${host}")`);
  const dataDir = path.resolve(str('DATA_DIR', './data'));
  const venueTimezone = str('VENUE_TIMEZONE', 'Asia/Jakarta');
  if (!isValidTimeZone(venueTimezone)) problems.push(`VENUE_TIMEZONE must be an IANA time zone like Asia/Jakarta (got "${venueTimezone}")`);

  const apiKey = get('API_KEY');
  if (apiKey !== undefined && apiKey.length < 16) problems.push('API_KEY must be at least 16 characters long');
  if (!apiKey && !isLoopbackHost(host)) {
    problems.push(`HOST is ${host}, reachable from the network, but API_KEY is not set: bookings carry players' names and phone numbers`);
  }

  const ayo = loadAyo(get, duration, int, problems);
  const sync = {
    intervalMs: duration('BOOKING_SYNC_INTERVAL', '5m', 100),
    daysBack: int('BOOKING_SYNC_DAYS_BACK', 1, 0, 30),
    daysAhead: int('BOOKING_SYNC_DAYS_AHEAD', 1, 0, 30),
    retentionDays: int('BOOKING_RETENTION_DAYS', 90, 1, 3650),
  };
  const log = {
    level: oneOf<LogLevel>('LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error']),
    format: oneOf<LogFormat>('LOG_FORMAT', 'pretty', ['pretty', 'json']),
  };
  const connectivity = { intervalMs: duration('CONNECTIVITY_INTERVAL', '30s', 100), timeoutMs: duration('CONNECTIVITY_TIMEOUT', '5s', 50) };
  const s3Endpoint = get('S3_ENDPOINT');
  if (s3Endpoint !== undefined && !isHttpUrl(s3Endpoint)) problems.push(`S3_ENDPOINT must be an http(s) URL (got "${s3Endpoint}")`);
  const supervisor = {
    maxRestarts: int('ACTOR_MAX_RESTARTS', 5, 1, 1000),
    windowMs: duration('ACTOR_RESTART_WINDOW', '60s', 1000),
    shutdownTimeoutMs: duration('SHUTDOWN_TIMEOUT', '30s', 1000),
  };
  const cameras = loadCameras(get, problems);
  const recording = {
    segmentSeconds: int('SEGMENT_SECONDS', 10, 1, 600),
    retentionHours: int('RECORDING_RETENTION_HOURS', 72, 1, 24 * 365),
    minFreeDiskMb: int('MIN_FREE_DISK_MB', 2048, 0, 10_000_000),
    ffmpegPath: str('FFMPEG_PATH', 'ffmpeg'),
    ffprobePath: str('FFPROBE_PATH', 'ffprobe'),
  };
  const durations = (name: string, def: string): number[] => {
    const raw = get(name) ?? def;
    const list = raw.split(',').map((x) => parseDuration(x.trim()));
    if (list.length === 0 || list.some((x) => x === undefined)) {
      problems.push(`${name} must be a comma-separated list of durations like 3s,6s,12s (got "${raw}")`);
      return def.split(',').map((x) => parseDuration(x)!);
    }
    return list as number[];
  };
  const video = {
    scanIntervalMs: duration('VIDEO_SCAN_INTERVAL', '2m', 100),
    clipGraceMs: duration('CLIP_GRACE', '30s', 0),
    clipConcurrency: int('CLIP_CONCURRENCY', Math.max(1, os.availableParallelism()), 1, 64),
    clipSeconds: int('CLIP_SECONDS', 60, 5, 3600),
    retryDelaysMs: durations('VIDEO_RETRY_DELAYS', '3s,6s,12s'),
    jobRetryDelaysMs: durations('VIDEO_JOB_RETRY_DELAYS', '5m,15m,30m,60m,120m'),
  };
  const s3 = loadS3(get, problems);
  const delivery = {
    uploadRetryDelaysMs: durations('UPLOAD_RETRY_DELAYS', '3s,6s,9s,12s,15s'),
    notifyRetryDelaysMs: durations('NOTIFY_RETRY_DELAYS', '3s,6s,12s'),
    jobRetryDelaysMs: durations('DELIVERY_JOB_RETRY_DELAYS', '5m,20m,45m,2h,5h'),
    uploadConcurrency: int('UPLOAD_CONCURRENCY', 2, 1, 32),
    breakAfter: int('DELIVERY_CIRCUIT_BREAK_AFTER', 5, 1, 1000),
    halfOpenAfterMs: duration('DELIVERY_CIRCUIT_HALF_OPEN_AFTER', '30s', 100),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port, host, dataDir, dbPath: path.join(dataDir, 'venue-recorder.db'), venueTimezone, ayo, sync, apiKey, log,
    connectivity, s3Endpoint, s3, delivery, supervisor, cameras, recording, video,
  };
}

function loadAyo(
  get: (name: string) => string | undefined,
  duration: (name: string, def: string, minMs?: number) => number,
  int: (name: string, def: number, min: number, max: number) => number,
  problems: string[],
): AyoConfig | undefined {
  const names = ['AYO_API_BASE_URL', 'AYO_API_TOKEN', 'AYO_VENUE_CODE', 'AYO_VENUE_SECRET'] as const;
  const values = names.map((n) => get(n));
  const timeoutMs = duration('AYO_API_TIMEOUT', '30s', 100);
  const retryBaseDelayMs = duration('AYO_RETRY_BASE_DELAY', '1s');
  const breakAfter = int('AYO_CIRCUIT_BREAK_AFTER', 5, 1, 1000);
  const halfOpenAfterMs = duration('AYO_CIRCUIT_HALF_OPEN_AFTER', '30s', 100);
  if (values.every((v) => v === undefined)) return undefined;
  const missing = names.filter((_, i) => values[i] === undefined);
  if (missing.length > 0) {
    problems.push(`${missing.join(', ')} must be set too: the AYO credentials come as a set of four`);
    return undefined;
  }
  const [baseUrl, token, venueCode, secret] = values as [string, string, string, string];
  if (!isHttpUrl(baseUrl)) {
    problems.push(`AYO_API_BASE_URL must be an http(s) URL like https://iot-api.ayo.co.id/api/v1 (got "${baseUrl}")`);
  }
  if (/\s/.test(venueCode)) problems.push('AYO_VENUE_CODE must not contain spaces');
  return { baseUrl, token, venueCode, secret, timeoutMs, retryBaseDelayMs, breakAfter, halfOpenAfterMs };
}

function loadCameras(get: (name: string) => string | undefined, problems: string[]): CameraConfig[] {
  const inline = get('CAMERAS');
  const file = get('CAMERAS_FILE');
  if (inline !== undefined && file !== undefined) {
    problems.push('CAMERAS and CAMERAS_FILE are both set: use one');
    return [];
  }
  let text = inline ?? '[]';
  let source = 'CAMERAS';
  if (file !== undefined) {
    source = 'CAMERAS_FILE';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      problems.push(`CAMERAS_FILE cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}: ${file})`);
      return [];
    }
  }
  const parsed = parseCameras(text, source);
  problems.push(...parsed.problems);
  return parsed.cameras;
}

function loadS3(get: (name: string) => string | undefined, problems: string[]): S3Config | undefined {
  const required = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_PUBLIC_BASE_URL'] as const;
  const values = required.map((n) => get(n));
  if (values.every((v) => v === undefined)) return undefined;
  // S3_ENDPOINT alone only turns on the connectivity probe.
  if (values.slice(1).every((v) => v === undefined)) return undefined;
  const missing = required.filter((_, i) => values[i] === undefined);
  if (missing.length > 0) {
    problems.push(`${missing.join(', ')} must be set too: the object store needs its endpoint, bucket, keys and public URL`);
    return undefined;
  }
  const [endpoint, bucket, accessKeyId, secretAccessKey, publicBaseUrl] = values as string[];
  if (!isHttpUrl(publicBaseUrl!)) problems.push(`S3_PUBLIC_BASE_URL must be an http(s) URL (got "${publicBaseUrl}")`);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket!)) problems.push(`S3_BUCKET must be a bucket name: 3-63 lower-case letters, digits, dots and hyphens (got "${bucket}")`);
  const pathStyle = get('S3_FORCE_PATH_STYLE') ?? 'true';
  if (pathStyle !== 'true' && pathStyle !== 'false') problems.push(`S3_FORCE_PATH_STYLE must be true or false (got "${pathStyle}")`);
  const keyPrefix = get('S3_KEY_PREFIX') ?? '';
  if (!/^[A-Za-z0-9/_.-]*$/.test(keyPrefix)) problems.push('S3_KEY_PREFIX may hold only letters, digits and / _ . -');
  return {
    endpoint: endpoint!, region: get('S3_REGION') ?? 'auto', bucket: bucket!, accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!,
    publicBaseUrl: publicBaseUrl!.replace(/\/+$/, ''), forcePathStyle: pathStyle !== 'false', keyPrefix,
  };
}

function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** The secret values of a configuration, for the log scrubber. */
export function secretsOf(config: Config): string[] {
  return [config.apiKey, config.ayo?.token, config.ayo?.secret, config.s3?.accessKeyId, config.s3?.secretAccessKey, ...config.cameras.map((c) => passwordOf(c.url))]
    .filter((s): s is string => !!s);
}
