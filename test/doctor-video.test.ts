// The doctor's venue video checks (issue 11 point 7): the encoder's one-second encode (and the fallback from a
// hardware encoder this machine does not have), AYO's video-configuration parsing, and AYO's watermark images.

import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makePng, startAssetServer, type AssetServer } from './fixtures/asset-server.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { tempDir } from './fixtures/helpers.js';

let ayo: FakeAyo;
let assets: AssetServer;
const tmp = tempDir();
beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  assets = await startAssetServer();
  assets.set('/wm/720.png', makePng('magenta', 120, 40));
});
afterAll(async () => {
  await assets.close();
  await ayo.close();
  tmp.cleanup();
});
beforeEach(() => {
  assets.setMode('up');
  ayo.setAnswer('video-configuration', {
    clip_duration: 30,
    video_quality: '[720,1080]',
    frame_rate: 25,
    auto_delete: 7,
  });
  ayo.setAnswer('watermark', [{ resolution: '720', path: `${assets.host}/wm/720.png` }]);
});

const env = (over: Record<string, string> = {}) => ({
  DATA_DIR: path.join(tmp.dir, 'data'),
  MIN_FREE_DISK_MB: '0',
  AYO_API_BASE_URL: ayo.baseUrl,
  AYO_API_TOKEN: TEST_AYO.token,
  AYO_VENUE_CODE: TEST_AYO.venueCode,
  AYO_VENUE_SECRET: TEST_AYO.secret,
  ...over,
});

async function runDoctor(e: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'doctor'], {
    env: { PATH: process.env.PATH ?? '', ...e },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, out };
}

describe('venue-recorder doctor: venue video', () => {
  it('passes: libx264 encodes, the settings parse, the watermark downloads as a PNG', async () => {
    const { code, out } = await runDoctor(env());
    expect(out).toMatch(/video encoder\s+✅ ok\s+libx264: a one-second encode works/);
    expect(out).toMatch(
      /AYO video settings\s+✅ ok\s+video-configuration parses: qualities 720,1080, clipSeconds 30, frameRate 25, autoDeleteDays 7/,
    );
    expect(out).toMatch(/watermark\s+✅ ok\s+AYO's images download as PNGs: 720; none kept yet/);
    expect(code).toBe(0);
    expect(ayo.answeredCalls('watermark').length).toBeGreaterThan(0);
  }, 60_000);

  it('a hardware encoder this machine lacks falls back to libx264, with a warning', async () => {
    const { code, out } = await runDoctor(env({ VIDEO_ENCODER: 'h264_nvenc' }));
    expect(out).toMatch(
      /video encoder\s+⚠️ {2}warn\s+(this ffmpeg has no h264_nvenc encoder|a test encode with h264_nvenc failed)/,
    );
    expect(out).toMatch(/libx264 is used instead/);
    expect(code).toBe(0);
  }, 60_000);

  it('names a field of video-configuration that does not parse, and fails an answer with none', async () => {
    ayo.setAnswer('video-configuration', { clip_duration: 30, video_quality: 'HD' });
    const partly = await runDoctor(env());
    expect(partly.out).toMatch(
      /AYO video settings\s+⚠️ {2}warn\s+video-configuration: video_quality must list heights/,
    );
    ayo.setAnswer('video-configuration', 'nonsense');
    const none = await runDoctor(env());
    expect(none.out).toMatch(/AYO video settings\s+❌ FAIL\s+video-configuration: the answer is not a settings object/);
    expect(none.code).toBe(1);
  }, 60_000);

  it('fails a watermark that is not a PNG, and a WATERMARK file that is missing', async () => {
    assets.setMode('garbage');
    const bad = await runDoctor(env());
    expect(bad.out).toMatch(
      /watermark\s+❌ FAIL\s+watermark 720: download from 127\.0\.0\.1:\d+ failed \(not a whole PNG\)/,
    );
    const missing = await runDoctor(env({ WATERMARK: path.join(tmp.dir, 'nope.png') }));
    expect(missing.out).toMatch(/watermark\s+❌ FAIL\s+.*nope\.png is missing or not a PNG/);
    const off = await runDoctor(env({ WATERMARK: 'off' }));
    expect(off.out).toMatch(/watermark\s+✅ ok\s+off \(WATERMARK=off\)/);
  }, 90_000);
});
