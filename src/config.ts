// The schema of all configuration and its only reader of process.env. A bad value stops the service
// with a message naming the variable; every problem is reported at once.

import os from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import { isHttpUrl, loadAyo, loadCameras, loadS3 } from './config/sections.js';
import { passwordOf, type CameraConfig } from './recording/cameras.js';
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
  ayoCalls: { healthIntervalMs: number; cameraStatusIntervalMs: number };
  cameras: CameraConfig[];
  /** DEMO=true: a simulated AYO, synthetic cameras and a local object store, all through the real pipeline. */
  demo: { bookingMs: number; intervalMs: number; firstAfterMs: number } | undefined;
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

export { VARIABLES, type VariableDoc } from './config/variables.js';

/** Thrown by {@link loadConfig}; `problems` holds one line per bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}


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
  const demoRaw = get('DEMO') ?? 'false';
  if (demoRaw !== 'true' && demoRaw !== 'false') problems.push(`DEMO must be true or false (got "${demoRaw}")`);
  const isDemo = demoRaw === 'true';
  if (isDemo && ayo) problems.push('DEMO=true runs a simulated AYO: unset AYO_API_BASE_URL, AYO_API_TOKEN, AYO_VENUE_CODE and AYO_VENUE_SECRET');
  const demo = isDemo ? {
    bookingMs: duration('DEMO_BOOKING_LENGTH', '2m', 1000),
    intervalMs: duration('DEMO_BOOKING_INTERVAL', '3m', 1000),
    firstAfterMs: duration('DEMO_FIRST_BOOKING_AFTER', '30s', 1000),
  } : undefined;
  const sync = {
    intervalMs: duration('BOOKING_SYNC_INTERVAL', isDemo ? '15s' : '5m', 100),
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
  const cameras = loadCameras(get, problems, isDemo);
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
    scanIntervalMs: duration('VIDEO_SCAN_INTERVAL', isDemo ? '10s' : '2m', 100),
    clipGraceMs: duration('CLIP_GRACE', isDemo ? '5s' : '30s', 0),
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
  const ayoCalls = {
    healthIntervalMs: duration('AYO_HEALTH_CHECK_INTERVAL', '1m', 1000),
    cameraStatusIntervalMs: duration('CAMERA_STATUS_INTERVAL', '5m', 1000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port, host, dataDir, dbPath: path.join(dataDir, 'venue-recorder.db'), venueTimezone, ayo, sync, apiKey, log,
    connectivity, s3Endpoint, s3, delivery, supervisor, cameras, demo, recording, video, ayoCalls,
  };
}

/** The secret values of a configuration, for the log scrubber. */
export function secretsOf(config: Config): string[] {
  return [config.apiKey, config.ayo?.token, config.ayo?.secret, config.s3?.accessKeyId, config.s3?.secretAccessKey, ...config.cameras.map((c) => passwordOf(c.url))]
    .filter((s): s is string => !!s);
}
