// The watermark (issue 11 point 2): AYO's images fetched through the fake AYO (signed) from a local asset host,
// checked to be whole PNGs, the last good copy kept when AYO or the host fails, and drawn at the configured corner of
// the preview made by the real clip task; absent with WATERMARK=off.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createSettingsProvider, createVenueRefresh, settingsFile } from '../src/settings/index.js';
import { processClip } from '../src/video/clip.task.js';
import {
  assetUrl,
  nearestImage,
  parseWatermarkList,
  pngSize,
  readWatermarkIndex,
  readWatermarkInForce,
  watermarkPaths,
} from '../src/watermark/index.js';
import { makePng, startAssetServer, type AssetServer } from './fixtures/asset-server.js';
import { partnerEnv } from './fixtures/env.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { makeFootage, type FootageSegment } from './fixtures/footage.js';
import { boxDiff } from './fixtures/frame-diff.js';
import { captureLogger, tempDir } from './fixtures/helpers.js';

describe('watermark pieces', () => {
  it('a PNG is whole only with its signature, IHDR and IEND', () => {
    const png = makePng('magenta', 30, 10);
    expect(pngSize(png)).toEqual({ width: 30, height: 10 });
    expect(pngSize(png.subarray(0, png.length - 5))).toBeUndefined();
    expect(pngSize(Buffer.from('<html>not found</html>'.repeat(5)))).toBeUndefined();
  });

  it("reads AYO's list leniently: resolution as text or with p, a path without its scheme", () => {
    const r = parseWatermarkList([
      { resolution: '720', path: 'cdn.example.com/wm/720.png' },
      { resolution: '1080p', path: '//cdn.example.com/wm/1080.png' },
      { resolution: 480, path: 'https://cdn.example.com/wm/480.png' },
      { resolution: 'big', path: 'x.png' },
      { resolution: 360 },
    ]);
    expect(r.items).toEqual([
      { resolution: 720, url: 'https://cdn.example.com/wm/720.png' },
      { resolution: 1080, url: 'https://cdn.example.com/wm/1080.png' },
      { resolution: 480, url: 'https://cdn.example.com/wm/480.png' },
    ]);
    expect(r.warnings).toHaveLength(2);
    expect(parseWatermarkList({ nope: 1 }).warnings).toEqual(['watermark: the answer is not a list']);
    expect(assetUrl('127.0.0.1:9/a.png', 'http:')).toBe('http://127.0.0.1:9/a.png');
  });

  it('picks the image of the nearest resolution', () => {
    const imgs = [720, 1080, 480].map((resolution) => ({ resolution, file: `${resolution}.png` }));
    expect(nearestImage(imgs, 480)?.resolution).toBe(480);
    expect(nearestImage(imgs, 600)?.resolution).toBe(720);
    expect(nearestImage(imgs, 900)?.resolution).toBe(1080);
    expect(nearestImage([], 900)).toBeUndefined();
  });
});

describe("AYO's watermark on the preview", () => {
  let ayo: FakeAyo;
  let assets: AssetServer;
  let footageDir: ReturnType<typeof tempDir>;
  let footage: FootageSegment[];
  let tmp: ReturnType<typeof tempDir>;
  const T0 = Date.UTC(2025, 3, 10, 3, 0, 0);

  beforeAll(async () => {
    ayo = await startFakeAyo(TEST_AYO);
    assets = await startAssetServer();
    assets.set('/wm/720.png', makePng('magenta', 120, 40));
    assets.set('/wm/1080.png', makePng('magenta', 180, 60));
    footageDir = tempDir();
    footage = await makeFootage(footageDir.dir, { t0Ms: T0, seconds: 6, segmentSeconds: 2, width: 1280, height: 720 });
  }, 120_000);
  afterAll(async () => {
    await ayo.close();
    await assets.close();
    footageDir.cleanup();
  });
  beforeEach(() => {
    tmp = tempDir();
    assets.setMode('up');
    ayo.setAnswer('watermark', [
      { resolution: '720', path: `${assets.host}/wm/720.png` },
      { resolution: 1080, path: `http://${assets.host}/wm/1080.png` },
    ]);
    return () => tmp.cleanup();
  });

  /** The refresher over the fake AYO with `env`, after one refresh. */
  async function refreshed(env: Record<string, string> = {}, dataDir = tmp.dir) {
    const config = loadConfig({ DATA_DIR: dataDir, AYO_RETRY_BASE_DELAY: '10ms', ...partnerEnv(ayo), ...env });
    const log = captureLogger();
    const provider = createSettingsProvider({
      env: config.videoSettings,
      file: settingsFile(dataDir),
      logger: log.logger,
    });
    const refresh = createVenueRefresh({
      ayo: config.ayo,
      env: config.videoSettings,
      dataDir,
      ffmpeg: 'ffmpeg',
      provider,
      logger: log.logger,
    });
    refresh.start();
    await refresh.refresh();
    await refresh.stop();
    return { refresh, log };
  }

  /** Cuts the footage with the real clip task, reading the watermark in force of `dataDir`; the preview's file. */
  async function preview(dataDir: string, name: string): Promise<string> {
    const r = await processClip({
      uniqueId: name,
      segments: footage,
      windowStartMs: T0,
      windowEndMs: T0 + 6000,
      outDir: path.join(dataDir, 'videos'),
      ffmpeg: 'ffmpeg',
      ffprobe: 'ffprobe',
      watermarkFile: watermarkPaths(dataDir).inForce,
    });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.previewFile;
  }

  /** The RGB frame at 1 s of `file`, with its size. */
  function frameAt(file: string): { rgb: Buffer; width: number; height: number } {
    const probe = JSON.parse(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'json', file],
        {
          encoding: 'utf8',
        },
      ),
    ) as { streams: { width: number; height: number }[] };
    const { width, height } = probe.streams[0]!;
    const rgb = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-ss', '1', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    return { rgb, width, height };
  }

  it('is fetched by a signed call, checked, kept, and drawn top-right; WATERMARK=off draws nothing', async () => {
    const before = ayo.answeredCalls('watermark').length;
    const on = await refreshed();
    expect(ayo.answeredCalls('watermark').length).toBe(before + 1);
    expect(on.refresh.watermark()).toMatchObject({ mode: 'on', source: 'ayo', position: 'top-right', margin: 24 });
    expect(readWatermarkIndex(tmp.dir).images.map((i) => i.resolution)).toEqual([720, 1080]);
    const withMark = frameAt(await preview(tmp.dir, 'with'));

    const offDir = path.join(tmp.dir, 'off');
    fs.mkdirSync(offDir);
    const off = await refreshed({ WATERMARK: 'off' }, offDir);
    expect(off.refresh.watermark()).toEqual({ mode: 'off', why: 'WATERMARK=off' });
    const without = frameAt(await preview(offDir, 'without'));

    // The preview is 854x480: the 720 image (120x40) scaled by 480/720 is 80x26, 24 px in from the top-right corner.
    expect([withMark.width, withMark.height]).toEqual([854, 480]);
    const w = withMark.width;
    const h = withMark.height;
    const topRight: [number, number, number, number] = [w - 24 - 70, 30, w - 34, 44];
    const bottomLeft: [number, number, number, number] = [34, h - 44, 104, h - 30];
    expect(boxDiff(withMark, without, topRight)).toBeGreaterThan(40);
    expect(boxDiff(withMark, without, bottomLeft)).toBeLessThan(4);
  }, 180_000);

  it('AYO or the asset host failing keeps the last good copy, never a placeholder', async () => {
    await refreshed();
    const kept = fs.readFileSync(path.join(watermarkPaths(tmp.dir).dir, '720.png'));
    assets.setMode('garbage');
    const garbage = await refreshed();
    expect(garbage.log.lines.some((l) => l.includes('not a whole PNG') && l.includes('last good copy stays'))).toBe(
      true,
    );
    assets.setMode('down');
    const down = await refreshed();
    expect(down.log.lines.some((l) => l.includes('HTTP 503'))).toBe(true);
    ayo.fault({ kind: '500', endpoint: 'watermark', times: 100 });
    const ayoDown = await refreshed();
    ayo.clearFaults();
    expect(ayoDown.refresh.reads().watermark.ok).toBe(false);
    expect(fs.readFileSync(path.join(watermarkPaths(tmp.dir).dir, '720.png')).equals(kept)).toBe(true);
    expect(readWatermarkInForce(watermarkPaths(tmp.dir).inForce)).toMatchObject({ mode: 'on', source: 'ayo' });
  });

  it('a PNG path overrides AYO, at the configured corner; a missing one turns it off and says why', async () => {
    const png = path.join(tmp.dir, 'mine.png');
    fs.writeFileSync(png, makePng('yellow', 90, 30));
    const r = await refreshed({ WATERMARK: png, WATERMARK_POSITION: 'bottom-left', WATERMARK_MARGIN: '10' });
    expect(r.refresh.watermark()).toMatchObject({
      mode: 'on',
      source: 'file',
      images: [{ resolution: 1080, file: png }],
      position: 'bottom-left',
      margin: 10,
    });
    const gone = await refreshed({ WATERMARK: path.join(tmp.dir, 'gone.png') }, path.join(tmp.dir, 'x'));
    expect(gone.refresh.watermark()).toMatchObject({ mode: 'off' });
  });
});
