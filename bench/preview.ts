// Benchmark of the preview: makePreview (six 2-second excerpts read with input-side seeking) on a 90-minute and a
// 5-minute video, whose times should be about equal, against a baseline measured in the same run: the same excerpts
// cut with output-side seeking (`-i in` + trim filters), which decodes the video up to the last excerpt. It also
// times the preview with the watermark drawn (issue 11: a PNG overlaid at a corner) beside the same preview without.
//
// Run: npm run bench:preview

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { excerptStarts, previewArgsOutputSeek, previewSize, probeMedia, runMediaToEnd } from '../src/media/index.js';
import { makePreview, PREVIEW } from '../src/video/clip.js';
import { watermarkOverlay, type WatermarkInForce } from '../src/watermark/index.js';
import { fmt, median, verdict } from './stats.js';

const WIDTH = 320;
const HEIGHT = 180;
const FPS = 15;
const REPEATS = 3;
const TARGET_LENGTH_RATIO = 2;

const runs = (xs: number[]) => `[runs: ${xs.map((x) => fmt(x, 0)).join(', ')} ms]`;

/** A single MP4 of `seconds`: testsrc2 + AAC sine, ultrafast x264 with a keyframe every 2 s. */
async function makeVideo(file: string, seconds: number): Promise<void> {
  await runMediaToEnd(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${WIDTH}x${HEIGHT}:rate=${FPS}:duration=${seconds}`,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:sample_rate=16000:duration=${seconds}`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-g',
      String(2 * FPS),
      '-keyint_min',
      String(2 * FPS),
      '-sc_threshold',
      '0',
      '-c:a',
      'aac',
      '-b:a',
      '32k',
      '-movflags',
      '+faststart',
      file,
    ],
    900_000,
  );
}

interface Video {
  label: string;
  file: string;
  durationSec: number;
  height: number | undefined;
}

async function prepare(dir: string, label: string, seconds: number): Promise<Video> {
  const file = path.join(dir, `${label}.mp4`);
  const t0 = performance.now();
  await makeVideo(file, seconds);
  const probed = await probeMedia('ffprobe', file);
  const height = probed.streams.find((s) => s.type === 'video')?.height;
  console.log(
    `${label} video: ${fmt(probed.durationSec, 1)} s, ${WIDTH}x${HEIGHT} at ${FPS} fps, ` +
      `${fmt(probed.sizeBytes / 1e6, 1)} MB, generated in ${fmt((performance.now() - t0) / 1000, 1)} s`,
  );
  return { label, file, durationSec: probed.durationSec, height };
}

async function timePreview(v: Video, out: string, mark?: WatermarkInForce): Promise<number> {
  const watermark = mark && ((h: number) => watermarkOverlay(mark, h));
  const t0 = performance.now();
  await makePreview({ clip: v.file, durationSec: v.durationSec, height: v.height, out, ffmpeg: 'ffmpeg', watermark });
  return performance.now() - t0;
}

/** A watermark as AYO's would be: a PNG made for 720 lines (180×60), drawn top-right at 0.8 opacity. */
async function makeWatermark(dir: string): Promise<WatermarkInForce> {
  const file = path.join(dir, 'wm.png');
  await runMediaToEnd(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'color=c=white:s=180x60',
      '-frames:v',
      '1',
      '-pix_fmt',
      'rgba',
      file,
    ],
    60_000,
  );
  return {
    mode: 'on',
    source: 'ayo',
    images: [{ resolution: 720, file }],
    position: 'top-right',
    margin: 24,
    opacity: 0.8,
  };
}

async function timeOutputSeek(v: Video, out: string): Promise<number> {
  const starts = excerptStarts(v.durationSec, PREVIEW.excerpts, PREVIEW.excerptSec);
  const len = Math.min(PREVIEW.excerptSec, v.durationSec);
  const t0 = performance.now();
  await runMediaToEnd('ffmpeg', previewArgsOutputSeek(v.file, starts, len, previewSize(v.height), out), 900_000);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-preview-'));
  try {
    const long = await prepare(dir, '90-min', 90 * 60);
    const short = await prepare(dir, '5-min', 5 * 60);
    const mark = await makeWatermark(dir);

    // Warm-up (page cache, ffmpeg's first start), not timed.
    await timePreview(short, path.join(dir, 'warm.mp4'));

    const pLong: number[] = [];
    const pShort: number[] = [];
    const oLong: number[] = [];
    const oShort: number[] = [];
    const wLong: number[] = [];
    const wShort: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      wLong.push(await timePreview(long, path.join(dir, 'marked-long.mp4'), mark));
      wShort.push(await timePreview(short, path.join(dir, 'marked-short.mp4'), mark));
      pLong.push(await timePreview(long, path.join(dir, 'preview-long.mp4')));
      pShort.push(await timePreview(short, path.join(dir, 'preview-short.mp4')));
      oLong.push(await timeOutputSeek(long, path.join(dir, 'outseek-long.mp4')));
      oShort.push(await timeOutputSeek(short, path.join(dir, 'outseek-short.mp4')));
    }

    const outputs = await Promise.all(
      ['preview-long', 'outseek-long'].map((n) => probeMedia('ffprobe', path.join(dir, `${n}.mp4`))),
    );
    const mpLong = median(pLong);
    const mpShort = median(pShort);
    const moLong = median(oLong);
    const moShort = median(oShort);
    const lengthRatio = mpLong / mpShort;
    const size = previewSize(long.height);
    console.log(
      `median of ${REPEATS} runs; ${PREVIEW.excerpts} excerpts of ${PREVIEW.excerptSec} s, ${size.width}x${size.height}`,
    );
    console.log(`preview (input-side seek), 90-min video: ${fmt(mpLong)} ms ${runs(pLong)}`);
    console.log(`preview (input-side seek), 5-min video:  ${fmt(mpShort)} ms ${runs(pShort)}`);
    console.log(
      `ratio 90 min / 5 min: ${fmt(lengthRatio, 2)}×   (target ≤ ${TARGET_LENGTH_RATIO}×: ${verdict(lengthRatio <= TARGET_LENGTH_RATIO)})`,
    );
    console.log(`baseline (output-side seek), 90-min video: ${fmt(moLong)} ms ${runs(oLong)}`);
    console.log(`baseline (output-side seek), 5-min video:  ${fmt(moShort)} ms ${runs(oShort)}`);
    console.log(
      `speed-up over the baseline: 90-min video ${fmt(moLong / mpLong, 1)}×, 5-min video ${fmt(moShort / mpShort, 1)}×`,
    );
    const mwLong = median(wLong);
    const mwShort = median(wShort);
    const extra = (w: number, p: number) => `${w >= p ? '+' : ''}${fmt(((w - p) / p) * 100, 1)}%`;
    console.log(
      `preview with the watermark, 90-min video: ${fmt(mwLong)} ms ${runs(wLong)}, ${extra(mwLong, mpLong)} over without`,
    );
    console.log(
      `preview with the watermark, 5-min video:  ${fmt(mwShort)} ms ${runs(wShort)}, ${extra(mwShort, mpShort)} over without`,
    );
    console.log(`sanity: preview ${fmt(outputs[0]!.durationSec, 2)} s, baseline ${fmt(outputs[1]!.durationSec, 2)} s`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
