// Benchmark of a purchase's renditions (issue 11 point 5): buildRenditions over a 60-minute booking (a 720p camera
// at ~4 Mbit/s, stream-copied out of 10-second segments as the cut makes it), each beside a baseline run in the same
// process: the stream-copy path against a bare `ffmpeg -c copy -f hls` of the same file, and the watermarked encode
// against the bare ffmpeg command with the same filter and encoder writing HLS. Then the bytes a purchase uploads
// (every object of a 480p + 720p ladder) against the naive separate files (MPEG-TS segments per rendition plus the
// download MP4), the naive renditions being ours remuxed, packet for packet.
//
// Run: npm run bench:purchase   (BENCH_MINUTES=10 for a shorter booking, BENCH_PARTS=copy,encode,bytes to pick,
// BENCH_ENCODE_RUNS=1 for one encode of each kind instead of two; the source is cached under /tmp)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { VideoEncoderName } from '../src/config/video-settings-env.js';
import { concatList, probeMedia, runMediaToEnd } from '../src/media/index.js';
import { buildRenditions, type RenditionResult, type WatermarkSpec } from '../src/purchase/renditions.js';
import { encoderOptions } from '../src/purchase/renditions-args.js';
import { watermarkOverlay } from '../src/watermark/index.js';
import { makePng } from '../test/fixtures/asset-server.js';
import { fmt, median, verdict } from './stats.js';

const MINUTES = Number(process.env.BENCH_MINUTES ?? 60);
const COPY_REPEATS = 3;
/** Encodes of each kind (BENCH_ENCODE_RUNS=1 for one each: a 60-minute pair took 22 minutes here). */
const ENCODE_RUNS = Math.max(1, Number(process.env.BENCH_ENCODE_RUNS ?? 2));
/** Parts to run (BENCH_PARTS=copy for the stream copy alone). */
const PARTS = (process.env.BENCH_PARTS ?? 'copy,encode,bytes').split(',');
const SEGMENT_SEC = 10;
const TARGET_COPY = 1.25;
const TARGET_ENCODE = 1.1;
const ENCODER: VideoEncoderName = 'libx264';
const CACHE = path.join(os.tmpdir(), 'vr-bench-purchase');

const ff = (args: string[]) =>
  runMediaToEnd('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], 6 * 3_600_000);

/** The booking's MP4 (cached): a 4 Mbit/s CBR 720p segment with light noise, listed for the booking's length. */
async function source(): Promise<string> {
  const file = path.join(CACHE, `booking-${MINUTES}m.mp4`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(CACHE, { recursive: true });
  const segment = path.join(CACHE, 'segment.ts');
  if (!fs.existsSync(segment))
    await ff([
      ...['-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=25:duration=${SEGMENT_SEC},noise=alls=8:allf=t`],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${SEGMENT_SEC}`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '3900k', '-minrate', '3900k', '-maxrate', '3900k'],
      ...['-bufsize', '2M', '-x264-params', 'nal-hrd=cbr:force-cfr=1', '-g', '50', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-b:a', '96k', '-f', 'mpegts', segment],
    ]);
  const list = path.join(CACHE, `booking-${MINUTES}m.ffconcat`);
  fs.writeFileSync(list, concatList(Array.from({ length: (MINUTES * 60) / SEGMENT_SEC }, () => segment)));
  const tmp = `${file}.part`;
  await ff(['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', tmp]);
  fs.renameSync(tmp, file);
  return file;
}

/** Bytes of every file under `dir`. */
function bytesUnder(dir: string): number {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((s, e) => s + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
}

/**
 * CPU seconds of the children this process has waited for (ffmpeg, ffprobe: /proc/self/stat's cutime + cstime, in
 * clock ticks of 1/100 s). On a busy machine it is steadier than the wall clock: what the work costs, not its wait.
 */
function childCpuSec(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Milliseconds (and child CPU seconds) `run` takes, in a fresh folder removed after (unless `keep`). */
async function timed(work: string, name: string, run: (dir: string) => Promise<unknown>, keep = false) {
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  const c0 = childCpuSec();
  const t0 = performance.now();
  const value = await run(dir);
  const ms = performance.now() - t0;
  const cpu = childCpuSec() - c0;
  const bytes = bytesUnder(dir);
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  return { ms, cpu, bytes, value, dir };
}

/** A bare `ffmpeg ... -f hls` of `src` with `middle` (codec and filter options) in 4-second MPEG-TS segments. */
const bareHls = (src: string, inputs: string[], middle: string[], dir: string) =>
  ff([
    ...['-i', src, ...inputs, ...middle],
    ...['-f', 'hls', '-hls_time', '4', '-hls_playlist_type', 'vod', path.join(dir, 'playlist.m3u8')],
  ]);

const runs = (xs: number[]) => `[runs: ${xs.map((x) => fmt(x / 1000, 1)).join(', ')} s]`;

/** What the parts of the benchmark share. */
interface Ctx {
  src: string;
  height: number;
  realSec: number;
  sizeBytes: number;
  work: string;
  mark: WatermarkSpec;
  base: { uniqueId: string; source: string; encoder: VideoEncoderName };
}

/** 1. The stream-copy path (the source's height, no watermark) against a bare copy into HLS. */
async function copyPart({ src, height, sizeBytes, work, base }: Ctx): Promise<void> {
  await timed(work, 'warm', (d) => bareHls(src, [], ['-c', 'copy'], d)); // page cache, not timed
  const ours: number[] = [];
  const bare: number[] = [];
  const copyCpu = { ours: 0, bare: 0 };
  let copyBytes = { ours: 0, bare: 0 };
  for (let i = 0; i < COPY_REPEATS; i++) {
    const b = await timed(work, 'bare-copy', (d) => bareHls(src, [], ['-c', 'copy'], d));
    const o = await timed(work, 'ours-copy', (d) =>
      buildRenditions({ ...base, outDir: d, qualities: [height], watermark: null }),
    );
    bare.push(b.ms);
    ours.push(o.ms);
    copyCpu.ours += o.cpu / COPY_REPEATS;
    copyCpu.bare += b.cpu / COPY_REPEATS;
    copyBytes = { ours: o.bytes, bare: b.bytes };
  }
  const copyRatio = median(ours) / median(bare);
  console.log(`\nstream copy (${height}p, no watermark), median of ${COPY_REPEATS}:`);
  console.log(`  buildRenditions:           ${fmt(median(ours) / 1000, 1)} s ${runs(ours)}`);
  console.log(`  bare ffmpeg -c copy -f hls: ${fmt(median(bare) / 1000, 1)} s ${runs(bare)}`);
  console.log(`  CPU per run: ours ${fmt(copyCpu.ours, 2)} s, bare ${fmt(copyCpu.bare, 2)} s`);
  console.log(`  ratio ${fmt(copyRatio, 2)}×   (target ≤ ${TARGET_COPY}×: ${verdict(copyRatio <= TARGET_COPY)})`);
  console.log(
    `  bytes: ours ${fmt(copyBytes.ours / 1e6, 1)} MB (HLS and download in one file), ` +
      `bare HLS ${fmt(copyBytes.bare / 1e6, 1)} MB + download MP4 ${fmt(sizeBytes / 1e6, 1)} MB`,
  );
}

/** 2. The watermarked encode (one rendition at the source's height) against the same filter and encoder, bare. */
async function encodePart({ src, height, realSec, work, mark, base }: Ctx): Promise<void> {
  const overlay = watermarkOverlay(mark, height)!;
  const bareEncode = (d: string) =>
    bareHls(
      src,
      overlay.inputs,
      [
        ...['-filter_complex', overlay.filter('[0:v]', '[v]', 1), '-map', '[v]', '-map', '0:a:0'],
        ...encoderOptions(ENCODER),
        ...['-force_key_frames', 'expr:gte(t,n_forced*4)', '-c:a', 'copy'],
      ],
      d,
    );
  const ourEncode = (d: string) => buildRenditions({ ...base, outDir: d, qualities: [height], watermark: mark });
  // Alternated (bare, ours, ours, bare, ...) so that a neighbour's load falls on both alike.
  const enc = { ours: [] as { ms: number; cpu: number }[], bare: [] as { ms: number; cpu: number }[] };
  const order = Array.from({ length: ENCODE_RUNS }, (_, i) =>
    i % 2 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const),
  );
  for (const which of order.flat())
    enc[which].push(await timed(work, `${which}-encode`, which === 'ours' ? ourEncode : bareEncode));
  const mean = (xs: { ms: number; cpu: number }[], k: 'ms' | 'cpu') => xs.reduce((s, x) => s + x[k], 0) / xs.length;
  const wall = { ours: mean(enc.ours, 'ms') / 1000, bare: mean(enc.bare, 'ms') / 1000 };
  const cpu = { ours: mean(enc.ours, 'cpu'), bare: mean(enc.bare, 'cpu') };
  const encodeRatio = wall.ours / wall.bare;
  const line = (w: number, c: number, xs: { ms: number }[]) =>
    `${fmt(w, 1)} s = ${fmt(realSec / w, 2)}× real time ${runs(xs.map((x) => x.ms))}, ` + `CPU ${fmt(c, 1)} s`;
  console.log(
    `\nwatermarked encode (${height}p, ${ENCODER}, same overlay filter), mean of ${ENCODE_RUNS} run(s) each:`,
  );
  console.log(`  buildRenditions: ${line(wall.ours, cpu.ours, enc.ours)}`);
  console.log(`  bare ffmpeg:     ${line(wall.bare, cpu.bare, enc.bare)}`);
  console.log(
    `  ratio ${fmt(encodeRatio, 2)}× wall, ${fmt(cpu.ours / cpu.bare, 2)}× CPU   ` +
      `(target ≤ ${TARGET_ENCODE}×: ${verdict(encodeRatio <= TARGET_ENCODE)})`,
  );
}

/** 3. Bytes of a purchase (480p encoded + 720p copied + the download) against naive separate files. */
async function bytesPart({ height, realSec, work, base }: Ctx): Promise<void> {
  const ladder = await timed(
    work,
    'ladder',
    (d) => buildRenditions({ ...base, outDir: d, qualities: [480, height, 1080], watermark: null }),
    true,
  );
  const r = ladder.value as RenditionResult;
  let naive = fs.statSync(path.join(ladder.dir, ...r.mp4Key.split('/'))).size;
  for (const rendition of r.renditions) {
    const ts = await timed(work, `naive-${rendition.height}`, (d) =>
      bareHls(path.join(ladder.dir, ...rendition.playlistKey.split('/')), [], ['-c', 'copy'], d),
    );
    naive += ts.bytes;
  }
  naive += fs.statSync(path.join(ladder.dir, ...r.masterKey!.split('/'))).size;
  console.log(
    `\npurchase of [480, ${height}, 1080] (1080 skipped), no watermark: made in ${fmt(ladder.ms / 1000, 1)} s ` +
      `(${fmt(realSec / (ladder.ms / 1000), 2)}× real time), ${r.objects.length} objects`,
  );
  console.log(
    `  uploaded: ${fmt(r.bytes! / 1e6, 1)} MB; naive separate files (TS segments per rendition + MP4): ` +
      `${fmt(naive / 1e6, 1)} MB; saved ${fmt((1 - r.bytes! / naive) * 100, 1)}%`,
  );
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const src = await source();
  const probed = await probeMedia('ffprobe', src);
  const height = probed.streams.find((s) => s.type === 'video')!.height!;
  const realSec = probed.durationSec;
  console.log(
    `source: ${fmt(realSec / 60, 1)} min, ${height}p, ${fmt(probed.sizeBytes / 1e6)} MB ` +
      `(${fmt((probed.sizeBytes * 8) / realSec / 1e6, 2)} Mbit/s), ready in ${fmt((performance.now() - t0) / 1000, 1)} s`,
  );
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-purchase-'));
  try {
    const wmFile = path.join(work, 'wm.png');
    fs.writeFileSync(wmFile, makePng('magenta', 180, 60));
    const mark: WatermarkSpec = {
      mode: 'on',
      source: 'ayo',
      images: [{ resolution: 1080, file: wmFile }],
      position: 'top-right',
      margin: 24,
      opacity: 0.8,
    };
    const base = { uniqueId: 'BENCH_1', source: src, encoder: ENCODER };

    const ctx: Ctx = { src, height, realSec, sizeBytes: probed.sizeBytes, work, mark, base };
    if (PARTS.includes('copy')) await copyPart(ctx);
    if (PARTS.includes('encode')) await encodePart(ctx);
    if (PARTS.includes('bytes')) await bytesPart(ctx);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
