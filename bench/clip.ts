// Benchmark of the clip cut: a 60-minute booking window cut out of 10-second MPEG-TS segments by cutClip (keyframe
// probe, concat demuxer with output-side seek, faststart MP4, final probe), against a baseline measured in the same
// run: the bare `ffmpeg -f concat -safe 0 -i list -c copy out.mp4` over exactly the segments overlapping the window.
//
// Run: npm run bench:clip

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { concatList, probeMedia, runMediaToEnd } from '../src/media/index.js';
import { cutClip } from '../src/video/clip.js';
import { makeFootage } from '../test/fixtures/footage.js';
import { fmt, median, verdict } from './stats.js';

const T0_MS = Date.UTC(2025, 3, 10, 8, 0, 0);
const FOOTAGE_SEC = 3_700;
const SEGMENT_SEC = 10;
const WINDOW_START_MS = T0_MS + 12_300;
const WINDOW_END_MS = WINDOW_START_MS + 3_600_000;
const REPEATS = 3;
const TARGET_RATIO = 1.25;

const runs = (xs: number[]) => `[runs: ${xs.map((x) => fmt(x / 1000, 2)).join(', ')} s]`;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-clip-'));
  try {
    const g0 = performance.now();
    const segments = await makeFootage(path.join(dir, 'footage'), {
      t0Ms: T0_MS,
      seconds: FOOTAGE_SEC,
      segmentSeconds: SEGMENT_SEC,
      fps: 10,
      width: 160,
      height: 90,
    });
    const genMs = performance.now() - g0;
    const overlapping = segments
      .filter((s) => s.endMs > WINDOW_START_MS && s.startMs < WINDOW_END_MS)
      .sort((a, b) => a.startMs - b.startMs);
    const footageBytes = segments.reduce((sum, s) => sum + fs.statSync(s.file).size, 0);
    console.log(
      `footage: ${segments.length} segments of ${SEGMENT_SEC} s (160x90, 10 fps, keyframe every 1 s, AAC), ` +
        `${fmt(FOOTAGE_SEC)} s, ${fmt(footageBytes / 1e6, 1)} MB, generated in ${fmt(genMs / 1000, 1)} s`,
    );
    console.log(
      `window: t0+12.3 s to t0+3,612.3 s (60 min, starting and ending mid-segment), ${overlapping.length} segments overlap it`,
    );

    const list = path.join(dir, 'baseline.ffconcat');
    fs.writeFileSync(list, concatList(overlapping.map((s) => s.file)));
    const baselineOut = path.join(dir, 'baseline.mp4');
    const baselineArgs = [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      list,
      '-c',
      'copy',
      baselineOut,
    ];

    const real: number[] = [];
    const bare: number[] = [];
    let clipOut = '';
    for (let r = 0; r < REPEATS; r++) {
      const out = path.join(dir, `clip-${r}.mp4`);
      const t0 = performance.now();
      await cutClip({
        segments,
        windowStartMs: WINDOW_START_MS,
        windowEndMs: WINDOW_END_MS,
        out,
        ffmpeg: 'ffmpeg',
        ffprobe: 'ffprobe',
      });
      real.push(performance.now() - t0);
      if (clipOut) fs.rmSync(clipOut, { force: true });
      clipOut = out;

      const t1 = performance.now();
      await runMediaToEnd('ffmpeg', baselineArgs, 900_000);
      bare.push(performance.now() - t1);
    }

    const clip = await probeMedia('ffprobe', clipOut);
    const base = await probeMedia('ffprobe', baselineOut);
    const mReal = median(real);
    const mBare = median(bare);
    const ratio = mReal / mBare;
    console.log(`median of ${REPEATS} runs, alternating`);
    console.log(`cutClip (60-min window):          ${fmt(mReal / 1000, 2)} s ${runs(real)}`);
    console.log(`baseline bare concat -c copy:     ${fmt(mBare / 1000, 2)} s ${runs(bare)}`);
    console.log(`ratio: ${fmt(ratio, 2)}×   (target ≤ ${TARGET_RATIO}×: ${verdict(ratio <= TARGET_RATIO)})`);
    console.log(
      `sanity: clip ${fmt(clip.durationSec, 3)} s, ${fmt(clip.sizeBytes / 1e6, 1)} MB; ` +
        `baseline ${fmt(base.durationSec, 3)} s, ${fmt(base.sizeBytes / 1e6, 1)} MB`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
