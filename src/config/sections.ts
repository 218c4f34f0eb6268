// Loaders of the configuration's larger sections (AYO credentials, cameras, the object store). They read only
// through the `get` they are given: src/config.ts stays the one reader of process.env.

import fs from 'node:fs';
import { parseCameras, type CameraConfig } from '../recording/cameras.js';
import type { AyoConfig, S3Config } from '../config.js';

/** The four AYO credentials (all or none) and the client's settings. */
export function loadAyo(
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

/** The demo's cameras when none are configured: two synthetic ones, on fields 1 and 2. */
export const DEMO_CAMERAS: CameraConfig[] = [
  { name: 'DEMO_CAM_1', fieldId: 1, url: 'testsrc', enabled: true },
  { name: 'DEMO_CAM_2', fieldId: 2, url: 'testsrc', enabled: true },
];

/** CAMERAS or CAMERAS_FILE, validated (the demo's two synthetic cameras when DEMO=true sets neither). */
export function loadCameras(get: (name: string) => string | undefined, problems: string[], demo = false): CameraConfig[] {
  const inline = get('CAMERAS');
  const file = get('CAMERAS_FILE');
  if (demo && inline === undefined && file === undefined) return DEMO_CAMERAS;
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

/** The object store: all of endpoint, bucket, keys and public URL, or none. */
export function loadS3(get: (name: string) => string | undefined, problems: string[]): S3Config | undefined {
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

/** Whether `text` is an http(s) URL. */
export function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}

