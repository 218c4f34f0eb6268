// Builds the Config from the variables: the rules between them (HOST needs API_KEY, DEMO excludes AYO) and the
// shape the rest of the service reads. Values come only through the reader, so each variable is parsed once.

import path from 'node:path';
import { isIP } from 'node:net';
import { ConfigError } from './errors.js';
import type { Reader } from './reader.js';
import { camerasFilePath, loadAyo, loadCameras, loadS3 } from './sections.js';
import type { Config } from './types.js';
import { loadVideoSettingsEnv } from './video-settings-env.js';

/** Whether binding `host` keeps the API on this machine. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Builds the Config from `r`; throws {@link ConfigError} listing every problem `r` met. */
export function buildConfig(r: Reader): Config {
  const { problems } = r;
  const port = r.get('PORT');
  const host = r.get('HOST');
  const dataDir = r.get('DATA_DIR');
  const venueTimezone = r.get('VENUE_TIMEZONE');
  const apiKey = r.get('API_KEY');
  const allowedHosts = r.get('ALLOWED_HOSTS') ?? [];
  if (!r.isSet('API_KEY') && !isLoopbackHost(host)) {
    problems.push(
      `HOST is ${host}, reachable from the network, but API_KEY is not set: bookings carry players' names and phone numbers`,
    );
  }
  const ayo = loadAyo(r);
  const isDemo = r.get('DEMO');
  if (isDemo && ayo) {
    problems.push(
      'DEMO=true runs a simulated AYO: unset AYO_API_BASE_URL, AYO_API_TOKEN, AYO_VENUE_CODE and AYO_VENUE_SECRET',
    );
  }
  const demo = isDemo
    ? {
        bookingMs: r.get('DEMO_BOOKING_LENGTH'),
        intervalMs: r.get('DEMO_BOOKING_INTERVAL'),
        firstAfterMs: r.get('DEMO_FIRST_BOOKING_AFTER'),
      }
    : undefined;
  const sync = {
    intervalMs: r.get('BOOKING_SYNC_INTERVAL'),
    daysBack: r.get('BOOKING_SYNC_DAYS_BACK'),
    daysAhead: r.get('BOOKING_SYNC_DAYS_AHEAD'),
    retentionDays: r.get('BOOKING_RETENTION_DAYS'),
  };
  const log = { level: r.get('LOG_LEVEL'), format: r.get('LOG_FORMAT') };
  const connectivity = { intervalMs: r.get('CONNECTIVITY_INTERVAL'), timeoutMs: r.get('CONNECTIVITY_TIMEOUT') };
  const s3Endpoint = r.get('S3_ENDPOINT');
  const supervisor = {
    maxRestarts: r.get('ACTOR_MAX_RESTARTS'),
    windowMs: r.get('ACTOR_RESTART_WINDOW'),
    shutdownTimeoutMs: r.get('SHUTDOWN_TIMEOUT'),
  };
  const cameras = loadCameras(r, isDemo);
  const recording = {
    segmentSeconds: r.get('SEGMENT_SECONDS'),
    retentionHours: r.get('RECORDING_RETENTION_HOURS'),
    minFreeDiskMb: r.get('MIN_FREE_DISK_MB'),
    dirs: r.get('RECORDING_DIRS') ?? [path.join(dataDir, 'media', 'recordings')],
    ffmpegPath: r.get('FFMPEG_PATH'),
    ffprobePath: r.get('FFPROBE_PATH'),
  };
  const video = {
    scanIntervalMs: r.get('VIDEO_SCAN_INTERVAL'),
    clipGraceMs: r.get('CLIP_GRACE'),
    clipConcurrency: r.get('CLIP_CONCURRENCY'),
    clipSeconds: r.get('CLIP_SECONDS'),
    retryDelaysMs: r.get('VIDEO_RETRY_DELAYS'),
    jobRetryDelaysMs: r.get('VIDEO_JOB_RETRY_DELAYS'),
  };
  const serialPort = r.get('BUTTON_SERIAL_PORT');
  const baudRate = r.get('BUTTON_BAUD_RATE');
  const buttons = serialPort === undefined ? undefined : { serialPort, baudRate };
  const s3 = loadS3(r);
  const delivery = {
    uploadRetryDelaysMs: r.get('UPLOAD_RETRY_DELAYS'),
    notifyRetryDelaysMs: r.get('NOTIFY_RETRY_DELAYS'),
    jobRetryDelaysMs: r.get('DELIVERY_JOB_RETRY_DELAYS'),
    uploadConcurrency: r.get('UPLOAD_CONCURRENCY'),
    breakAfter: r.get('DELIVERY_CIRCUIT_BREAK_AFTER'),
    halfOpenAfterMs: r.get('DELIVERY_CIRCUIT_HALF_OPEN_AFTER'),
    fullVideoUpload: r.get('FULL_VIDEO_UPLOAD'),
    uploadMaxMbps: r.get('UPLOAD_MAX_MBPS'),
    bucketRetentionDays: r.get('BUCKET_RETENTION_DAYS'),
  };
  const ayoCalls = {
    healthIntervalMs: r.get('AYO_HEALTH_CHECK_INTERVAL'),
    cameraStatusIntervalMs: r.get('CAMERA_STATUS_INTERVAL'),
  };
  const videoSettings = loadVideoSettingsEnv(r);
  const purchase = {
    requestIntervalMs: r.get('VIDEO_REQUEST_INTERVAL'),
    concurrency: r.get('PURCHASE_CONCURRENCY'),
    minCoverage: r.get('PURCHASE_MIN_COVERAGE'),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    dataDir,
    dbPath: path.join(dataDir, 'venue-recorder.db'),
    venueTimezone,
    ayo,
    sync,
    apiKey,
    allowedHosts,
    log,
    connectivity,
    s3Endpoint,
    s3,
    delivery,
    supervisor,
    cameras,
    camerasFile: camerasFilePath(r),
    demo,
    recording,
    live: { idleMs: r.get('LIVE_IDLE_TIMEOUT') },
    video,
    buttons,
    ayoCalls,
    videoSettings,
    purchase,
  };
}
