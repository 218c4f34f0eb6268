// The rules that span several variables: AYO's four credentials and the object store's five settings come as
// sets, and the cameras come from CAMERAS or CAMERAS_FILE (or the demo's own). Values come only through the reader.

import path from 'node:path';
import type { CameraConfig } from '../recording/cameras.js';
import type { Reader } from './reader.js';
import type { AyoConfig, S3Config } from './types.js';

/** The four AYO credentials (all or none) and the client's settings. */
export function loadAyo(r: Reader): AyoConfig | undefined {
  // The client's settings are checked even when no credentials are set: a typo shows before the venue signs up.
  const timeoutMs = r.get('AYO_API_TIMEOUT');
  const retryBaseDelayMs = r.get('AYO_RETRY_BASE_DELAY');
  const breakAfter = r.get('AYO_CIRCUIT_BREAK_AFTER');
  const halfOpenAfterMs = r.get('AYO_CIRCUIT_HALF_OPEN_AFTER');
  const maxResponseBytes = r.get('AYO_MAX_RESPONSE_BYTES');
  const maxBookingsPerDate = r.get('AYO_MAX_BOOKINGS_PER_DATE');
  const names = ['AYO_API_BASE_URL', 'AYO_API_TOKEN', 'AYO_VENUE_CODE', 'AYO_VENUE_SECRET'] as const;
  if (names.every((n) => !r.isSet(n))) return undefined;
  const missing = names.filter((n) => !r.isSet(n));
  if (missing.length > 0) {
    r.problems.push(`${missing.join(', ')} must be set too: the AYO credentials come as a set of four`);
    return undefined;
  }
  const [baseUrl, token, venueCode, secret] = names.map((n) => r.get(n));
  if (baseUrl === undefined || token === undefined || venueCode === undefined || secret === undefined) return undefined;
  return {
    baseUrl,
    token,
    venueCode,
    secret,
    timeoutMs,
    retryBaseDelayMs,
    breakAfter,
    halfOpenAfterMs,
    maxResponseBytes,
    maxBookingsPerDate,
  };
}

// The demo's cameras when none are configured: two synthetic ones, on fields 1 and 2.
const DEMO_CAMERAS: CameraConfig[] = [
  { name: 'DEMO_CAM_1', fieldId: 1, url: 'testsrc', enabled: true },
  { name: 'DEMO_CAM_2', fieldId: 2, url: 'testsrc', enabled: true },
];

/** CAMERAS or CAMERAS_FILE, validated (the demo's two synthetic cameras when DEMO=true sets neither). */
export function loadCameras(r: Reader, demo = false): CameraConfig[] {
  const inline = r.isSet('CAMERAS');
  const file = r.isSet('CAMERAS_FILE');
  if (demo && !inline && !file) return DEMO_CAMERAS;
  if (inline && file) {
    r.problems.push('CAMERAS and CAMERAS_FILE are both set: use one');
    return [];
  }
  return file ? (r.get('CAMERAS_FILE') ?? []) : r.get('CAMERAS');
}

/** The absolute path of CAMERAS_FILE when the cameras come from it (the service watches it and may write it). */
export function camerasFilePath(r: Reader): string | undefined {
  const file = r.text('CAMERAS_FILE');
  return file === undefined || r.isSet('CAMERAS') ? undefined : path.resolve(file);
}

/** The object store: all of endpoint, bucket, keys and public URL, or none. */
export function loadS3(r: Reader): S3Config | undefined {
  const required = [
    'S3_ENDPOINT',
    'S3_BUCKET',
    'S3_ACCESS_KEY_ID',
    'S3_SECRET_ACCESS_KEY',
    'S3_PUBLIC_BASE_URL',
  ] as const;
  // S3_ENDPOINT alone only turns on the connectivity probe.
  if (required.slice(1).every((n) => !r.isSet(n))) return undefined;
  const missing = required.filter((n) => !r.isSet(n));
  if (missing.length > 0) {
    r.problems.push(
      `${missing.join(', ')} must be set too: the object store needs its endpoint, bucket, keys and public URL`,
    );
    return undefined;
  }
  const publicBaseUrl = r.get('S3_PUBLIC_BASE_URL');
  const bucket = r.get('S3_BUCKET');
  const forcePathStyle = r.get('S3_FORCE_PATH_STYLE');
  const keyPrefix = r.get('S3_KEY_PREFIX');
  const [endpoint, accessKeyId, secretAccessKey] = [
    r.get('S3_ENDPOINT'),
    r.get('S3_ACCESS_KEY_ID'),
    r.get('S3_SECRET_ACCESS_KEY'),
  ];
  if (!endpoint || !bucket || !accessKeyId || !secretAccessKey || !publicBaseUrl) return undefined;
  return {
    endpoint,
    region: r.get('S3_REGION'),
    bucket,
    accessKeyId,
    secretAccessKey,
    publicBaseUrl: publicBaseUrl.replace(/\/+$/, ''),
    forcePathStyle,
    keyPrefix,
  };
}
