import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { tempDir } from './fixtures/helpers.js';
import { startRtspCamera, type RtspCamera } from './fixtures/rtsp-camera.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';

let ayo: FakeAyo;
let s3: FakeS3;
let camera: RtspCamera;
const tmp = tempDir();
beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  s3 = await startFakeS3();
  camera = await startRtspCamera();
});
afterAll(async () => {
  await camera.stop();
  await s3.close();
  await ayo.close();
  tmp.cleanup();
});

function goodEnv(): Record<string, string> {
  return {
    DATA_DIR: path.join(tmp.dir, 'data'),
    MIN_FREE_DISK_MB: '0',
    AYO_API_BASE_URL: ayo.baseUrl,
    AYO_API_TOKEN: TEST_AYO.token,
    AYO_VENUE_CODE: TEST_AYO.venueCode,
    AYO_VENUE_SECRET: TEST_AYO.secret,
    S3_ENDPOINT: s3.config.endpoint,
    S3_BUCKET: 'videos',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_PUBLIC_BASE_URL: s3.config.publicBaseUrl,
    BUCKET_RETENTION_DAYS: '30',
    CAMERAS: JSON.stringify([
      { name: 'CAM_RTSP', fieldId: 50, url: camera.url.replace('rtsp://', 'rtsp://admin:camSecret99@'), enabled: true },
      { name: 'CAM_TEST', fieldId: 51, url: 'testsrc', enabled: true },
    ]),
  };
}

async function runDoctor(env: Record<string, string>) {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'doctor'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, out };
}

describe('venue-recorder doctor', () => {
  it('passes on a good installation: binaries, data directory, AYO, bucket and each camera', async () => {
    const { code, out } = await runDoctor(goodEnv());
    expect(out).toMatch(/ffmpeg\s+✅ ok\s+ffmpeg version/);
    expect(out).toMatch(/ffprobe\s+✅ ok/);
    expect(out).toMatch(/data directory\s+✅ ok\s+.* writable, \d+ MB free/);
    expect(out).toMatch(/AYO credentials\s+✅ ok\s+signed health-check accepted/);
    expect(out).toMatch(/object store\s+✅ ok\s+bucket videos: write, read back and delete ok; public URL serves it/);
    // s3rver has no lifecycle rules: the service's durable job deletes.
    expect(out).toMatch(
      /bucket retention\s+✅ ok\s+the service deletes a video's objects 30 days after its last upload \(durable job\): the store's lifecycle rules cannot be read \(.*NotImplemented/,
    );
    expect(out).toMatch(
      /camera CAM_RTSP\s+✅ ok\s+rtsp:\/\/admin:\*\*\*@127\.0\.0\.1:\d+\/stream: h264 320x180 @ 10 fps/,
    );
    expect(out).toMatch(/camera CAM_TEST\s+✅ ok\s+synthetic/);
    expect(out).toMatch(/all checks passed/);
    expect(code).toBe(0);
    expect(ayo.calls.some((c) => c.endpoint === 'health-check' && c.signatureValid)).toBe(true);
    for (const secret of [TEST_AYO.token, TEST_AYO.secret, 'camSecret99']) expect(out).not.toContain(secret);
  });

  it('fails with a fix hint per problem on a broken installation', async () => {
    const env = {
      ...goodEnv(),
      AYO_VENUE_SECRET: 'not-the-secret',
      S3_BUCKET: 'no-such-bucket',
      FFPROBE_PATH: '/nowhere/ffprobe',
      CAMERAS: JSON.stringify([{ name: 'CAM_DEAD', fieldId: 50, url: 'rtsp://127.0.0.1:1/stream', enabled: true }]),
    };
    const { code, out } = await runDoctor(env);
    expect(code).toBe(1);
    expect(out).toMatch(
      /ffprobe\s+❌ FAIL[^\n]*\n\s+→ fix: install it \(apt-get install ffmpeg\) or point FFPROBE_PATH at it/,
    );
    expect(out).toMatch(
      /AYO credentials\s+❌ FAIL\s+AYO health-check answered HTTP 403: Invalid Signature\n\s+→ fix: AYO rejects the signature: check AYO_VENUE_SECRET/,
    );
    expect(out).toMatch(/object store\s+❌ FAIL[^\n]*\n\s+→ fix: check S3_ENDPOINT, S3_BUCKET and the keys/);
    expect(out).toMatch(
      /camera CAM_DEAD\s+❌ FAIL[^\n]*\n\s+→ fix: check the camera's power, network address, port, path and password/,
    );
    expect(out).toMatch(/\d check\(s\) failed/);
    expect(out).not.toContain('not-the-secret');
  });

  it('names the bad variables when the configuration itself is wrong', async () => {
    const { code, out } = await runDoctor({ DATA_DIR: tmp.dir, SEGMENT_SECONDS: 'ten', HOST: '0.0.0.0' });
    expect(code).toBe(1);
    expect(out).toMatch(/configuration\s+❌ FAIL\s/);
    expect(out).toMatch(/SEGMENT_SECONDS must be a whole number/);
    expect(out).toMatch(/HOST is 0\.0\.0\.0, reachable from the network, but API_KEY is not set/);
    expect(out).toMatch(/→ fix: fix the variables named/);
    // What needs no valid configuration is still checked.
    expect(out).toMatch(/ffmpeg\s+✅ ok\s+ffmpeg version/);
    expect(out).toMatch(/ffprobe\s+✅ ok/);
  });

  it('says what is skipped or missing when AYO, the bucket and the cameras are not configured', async () => {
    const { code, out } = await runDoctor({ DATA_DIR: tmp.dir });
    expect(code).toBe(0);
    expect(out).toMatch(
      /cameras\s+⚠️ {2}warn\s+none configured: nothing is recorded and no booking gets a video\n\s+→ fix: set CAMERAS or CAMERAS_FILE/,
    );
    expect(out).toMatch(/AYO credentials\s+➖ skip\s+not configured/);
    expect(out).toMatch(/all checks passed, 1 warning\(s\), 2 skipped \(not configured\)$/m);
  });
});
