// The checks of `venue-recorder doctor`: each answers ok, warn, fail or skip with a detail and, when something
// is wrong, a hint that says what to do. They touch the real things: binaries, disk, AYO, the bucket, cameras.

import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createAyoClient, isAyoError } from '../ayo/index.js';
import type { Config } from '../config.js';
import { describeError } from '../errors.js';
import { probeCameraMedia } from '../cameras/camera-probe.js';
import { runMediaToEnd } from '../media/index.js';
import { redactUrl, type CameraConfig } from '../recording/cameras.js';
import { freeDiskBytes } from '../recording/retention.js';
import { createS3Store } from '../storage/index.js';

/** The outcome of one check. */
export interface CheckResult {
  name: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
  hint?: string;
}

/** `ffmpeg -version` / `ffprobe -version`: present, and which version. */
export async function checkBinary(name: 'ffmpeg' | 'ffprobe', bin: string): Promise<CheckResult> {
  try {
    const out = await runMediaToEnd(bin, ['-hide_banner', '-version'], 10_000);
    return { name, status: 'ok', detail: (out.split('\n')[0] ?? '').replace(/ Copyright.*$/, '') };
  } catch (e) {
    const env = name === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH';
    return {
      name,
      status: 'fail',
      detail: describeError(e),
      hint: `install it (apt-get install ffmpeg) or point ${env} at it`,
    };
  }
}

/** The data directory: writable, and how much room it has. */
export function checkDataDir(config: Config): CheckResult {
  const name = 'data directory';
  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    const probe = path.join(config.dataDir, `.doctor-${randomUUID()}`);
    fs.writeFileSync(probe, 'ok');
    fs.rmSync(probe);
    const freeMb = Math.round(freeDiskBytes(config.dataDir) / 1048576);
    const detail = `${config.dataDir} writable, ${freeMb} MB free`;
    if (freeMb < config.recording.minFreeDiskMb / 4)
      return {
        name,
        status: 'fail',
        detail,
        hint: `free disk is critically low: add disk or lower RECORDING_RETENTION_HOURS (floor MIN_FREE_DISK_MB=${config.recording.minFreeDiskMb})`,
      };
    if (freeMb < config.recording.minFreeDiskMb)
      return {
        name,
        status: 'warn',
        detail,
        hint: `under MIN_FREE_DISK_MB=${config.recording.minFreeDiskMb}: retention will delete the oldest recordings`,
      };
    return { name, status: 'ok', detail };
  } catch (e) {
    return {
      name,
      status: 'fail',
      detail: describeError(e),
      hint: `make DATA_DIR (${config.dataDir}) a directory this user can write`,
    };
  }
}

/** A signed health-check call: proves the base URL, the token, the venue code and the secret. */
export async function checkAyo(config: Config): Promise<CheckResult> {
  const name = 'AYO credentials';
  if (!config.ayo)
    return {
      name,
      status: 'skip',
      detail: 'not configured: the booking sync is off',
      hint: 'set AYO_API_BASE_URL, AYO_API_TOKEN, AYO_VENUE_CODE and AYO_VENUE_SECRET',
    };
  try {
    await createAyoClient({ ...config.ayo, timeoutMs: Math.min(config.ayo.timeoutMs, 15_000) }).call(
      'POST',
      'health-check',
    );
    return { name, status: 'ok', detail: `signed health-check accepted by ${new URL(config.ayo.baseUrl).host}` };
  } catch (e) {
    const msg = describeError(e);
    let hint = "check the venue's internet connection and AYO_API_BASE_URL";
    if (isAyoError(e) && e.status === 403 && /signature/i.test(msg))
      hint = 'AYO rejects the signature: check AYO_VENUE_SECRET';
    else if (isAyoError(e) && e.status === 403) hint = 'AYO rejects the token: check AYO_API_TOKEN and AYO_VENUE_CODE';
    else if (isAyoError(e) && e.status === 404) hint = 'the endpoint does not exist there: check AYO_API_BASE_URL';
    return { name, status: 'fail', detail: msg, hint };
  }
}

/** Writes, reads back and deletes a probe object; also fetches it at its public URL. */
export async function checkBucket(config: Config): Promise<CheckResult> {
  const name = 'object store';
  if (!config.s3)
    return {
      name,
      status: 'skip',
      detail: 'not configured: videos wait in the upload queue',
      hint: 'set S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and S3_PUBLIC_BASE_URL',
    };
  const store = createS3Store(config.s3, { timeoutMs: 15_000 });
  const key = `${config.s3.keyPrefix}doctor/${randomUUID()}.txt`;
  const file = path.join(config.dataDir, `.doctor-${randomUUID()}.txt`);
  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, 'venue-recorder doctor probe\n');
    await store.put(key, file, 'text/plain');
    const size = await store.size(key);
    if (size !== fs.statSync(file).size) throw new Error(`read back ${size ?? 'nothing'} bytes`);
    let publicNote = 'public URL serves it';
    let status: CheckResult['status'] = 'ok';
    let hint: string | undefined;
    try {
      const res = await fetch(store.publicUrl(key), { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    } catch (e) {
      status = 'warn';
      publicNote = `public URL does not serve it (${describeError(e)})`;
      hint =
        'players reach videos through S3_PUBLIC_BASE_URL: check it points at this bucket (R2 custom domain or r2.dev URL)';
    }
    await store.remove(key);
    return { name, status, detail: `bucket ${config.s3.bucket}: write, read back and delete ok; ${publicNote}`, hint };
  } catch (e) {
    return {
      name,
      status: 'fail',
      detail: describeError(e),
      hint: 'check S3_ENDPOINT, S3_BUCKET and the keys (the key needs object read and write on the bucket)',
    };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** ffprobe of a camera's stream with a timeout: codec, resolution, frame rate. */
export async function checkCamera(config: Config, camera: CameraConfig): Promise<CheckResult> {
  const name = `camera ${camera.name}`;
  if (!camera.enabled) return { name, status: 'skip', detail: 'disabled' };
  if (camera.url === 'testsrc') return { name, status: 'ok', detail: 'synthetic test pattern (testsrc)' };
  try {
    const probed = await probeCameraMedia(config.recording.ffprobePath, camera.url, 15_000);
    const v = probed.streams.find((s) => s.type === 'video');
    if (!v)
      return {
        name,
        status: 'fail',
        detail: `${redactUrl(camera.url)}: no video stream`,
        hint: "point the URL at the camera's video stream (main or sub stream)",
      };
    return {
      name,
      status: 'ok',
      detail: `${redactUrl(camera.url)}: ${v.codec} ${v.width}x${v.height}${v.fps ? ` @ ${Math.round(v.fps * 100) / 100} fps` : ''}`,
    };
  } catch (e) {
    const msg = describeError(e).split(camera.url).join(redactUrl(camera.url));
    return {
      name,
      status: 'fail',
      detail: msg,
      hint: "check the camera's power, network address, port, path and password",
    };
  }
}
