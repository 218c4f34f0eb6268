import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia, runMediaToEnd } from '../src/media/index.js';
import { cutClip, makePreview, makeThumbnail } from '../src/video/clip.js';
import { frameHashes, makeFootage, wallClockOfFrames, type FootageSegment } from './fixtures/footage.js';
import { tempDir } from './fixtures/helpers.js';

const T0 = Date.UTC(2025, 3, 10, 16, 59, 30); // 23:59:30 in Jakarta: the footage crosses venue midnight.
const FPS = 10;
const FRAME_MS = 1000 / FPS;
const GOP_MS = 1000;

const tmp = tempDir();
let footage: FootageSegment[];
let wall: Map<string, number>;
beforeAll(async () => {
  footage = await makeFootage(path.join(tmp.dir, 'rec'), { t0Ms: T0, seconds: 40, segmentSeconds: 2, fps: FPS });
  wall = await wallClockOfFrames(footage);
}, 120_000);
afterAll(() => tmp.cleanup());

/** The wall-clock span the clip really shows, read from its frames. */
async function shownSpan(file: string) {
  const frames = await frameHashes(file);
  const times = frames.map((f) => wall.get(f.md5));
  expect(times.every((t) => t !== undefined)).toBe(true);
  return { first: times[0]!, last: times.at(-1)!, count: frames.length, times: times as number[] };
}

describe('clip cutting', () => {
  it('covers the whole window across many segments, starting and ending within one keyframe interval', async () => {
    const ws = T0 + 5_370;
    const we = T0 + 31_610;
    const r = await cutClip({
      segments: footage,
      windowStartMs: ws,
      windowEndMs: we,
      out: path.join(tmp.dir, 'out', 'a.mp4'),
      ffmpeg: 'ffmpeg',
      ffprobe: 'ffprobe',
    });
    expect(r).toMatchObject({ coverage: 1, missing: [], covered: [[ws, we]] });
    const span = await shownSpan(r.file);
    expect(span.first).toBeLessThanOrEqual(ws);
    expect(ws - span.first).toBeLessThanOrEqual(GOP_MS);
    expect(span.last + FRAME_MS).toBeGreaterThanOrEqual(we);
    expect(span.last + FRAME_MS - we).toBeLessThanOrEqual(GOP_MS);
    // No frame lost inside: consecutive frames are one frame apart.
    for (let i = 1; i < span.times.length; i++) expect(span.times[i]! - span.times[i - 1]!).toBe(FRAME_MS);
    // The container's duration is the longer of video and audio (AAC packets are 64 ms here, plus the tail margin).
    expect(Math.abs(r.durationSec * 1000 - (span.last + FRAME_MS - span.first))).toBeLessThan(300);
    const probed = await probeMedia('ffprobe', r.file);
    expect(probed.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
  });

  it('records missing footage instead of silently shrinking: a gap in the middle and a head before the recording', async () => {
    const withGap = footage.filter((s) => s.endMs <= T0 + 10_500 || s.startMs >= T0 + 15_500);
    const gapStart = withGap.filter((s) => s.endMs <= T0 + 10_500).at(-1)!.endMs;
    const gapEnd = withGap.find((s) => s.startMs >= T0 + 15_500)!.startMs;
    const ws = T0 + 4_000;
    const we = T0 + 20_000;
    const r = await cutClip({
      segments: withGap,
      windowStartMs: ws,
      windowEndMs: we,
      out: path.join(tmp.dir, 'out', 'gap.mp4'),
      ffmpeg: 'ffmpeg',
      ffprobe: 'ffprobe',
    });
    expect(r.missing).toEqual([[gapStart, gapEnd]]);
    expect(r.coverage).toBeCloseTo(1 - (gapEnd - gapStart) / 16_000, 3);
    const span = await shownSpan(r.file);
    expect(span.times.some((t) => t >= gapStart && t < gapEnd)).toBe(false);
    expect(span.first).toBeLessThanOrEqual(ws);
    expect(span.last + FRAME_MS).toBeGreaterThanOrEqual(we);

    const early = await cutClip({
      segments: footage,
      windowStartMs: T0 - 5_000,
      windowEndMs: T0 + 5_000,
      out: path.join(tmp.dir, 'out', 'early.mp4'),
      ffmpeg: 'ffmpeg',
      ffprobe: 'ffprobe',
    });
    expect(early.missing).toEqual([[T0 - 5_000, T0]]);
    expect(early.coverage).toBeCloseTo(0.5, 3);
  });

  it('refuses a window without footage as a permanent "no footage" failure', async () => {
    await expect(
      cutClip({
        segments: footage,
        windowStartMs: T0 + 100_000,
        windowEndMs: T0 + 200_000,
        out: path.join(tmp.dir, 'out', 'none.mp4'),
        ffmpeg: 'ffmpeg',
        ffprobe: 'ffprobe',
      }),
    ).rejects.toMatchObject({ message: 'no footage', retryable: false });
  });

  it('a cancelled cut stops ffmpeg and leaves no file', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(
      cutClip({
        segments: footage,
        windowStartMs: T0,
        windowEndMs: T0 + 30_000,
        out: path.join(tmp.dir, 'out', 'cancel.mp4'),
        ffmpeg: 'ffmpeg',
        ffprobe: 'ffprobe',
        signal: abort.signal,
      }),
    ).rejects.toMatchObject({ name: 'MediaCancelledError' });
  });

  it('cancelling a running ffmpeg kills it at once', async () => {
    const abort = new AbortController();
    const run = runMediaToEnd(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-re', '-f', 'lavfi', '-i', 'testsrc=rate=10', '-t', '60', '-f', 'null', '-'],
      120_000,
      abort.signal,
    );
    setTimeout(() => abort.abort(), 300);
    // Without the kill this 60 s real-time run would outlast the test's own timeout.
    await expect(run).rejects.toMatchObject({ name: 'MediaCancelledError' });
  });

  it('makes a 16:9 preview of excerpts (at most 480 lines) and a 16:9 thumbnail', async () => {
    const r = await cutClip({
      segments: footage,
      windowStartMs: T0,
      windowEndMs: T0 + 38_000,
      out: path.join(tmp.dir, 'out', 'p.mp4'),
      ffmpeg: 'ffmpeg',
      ffprobe: 'ffprobe',
    });
    const preview = await makePreview({
      clip: r.file,
      durationSec: r.durationSec,
      height: r.height,
      out: path.join(tmp.dir, 'out', 'p_preview.mp4'),
      ffmpeg: 'ffmpeg',
    });
    const p = await probeMedia('ffprobe', preview);
    const v = p.streams.find((s) => s.type === 'video')!;
    expect(v.height).toBeLessThanOrEqual(480);
    expect(v.width! / v.height!).toBeCloseTo(16 / 9, 1);
    expect(p.durationSec).toBeGreaterThan(11);
    expect(p.durationSec).toBeLessThan(13);
    const thumb = await makeThumbnail({
      clip: r.file,
      durationSec: r.durationSec,
      height: r.height,
      out: path.join(tmp.dir, 'out', 'p_thumbnail.jpg'),
      ffmpeg: 'ffmpeg',
    });
    const t = (await probeMedia('ffprobe', thumb)).streams[0]!;
    expect(t.codec).toBe('mjpeg');
    expect(t.width! / t.height!).toBeCloseTo(16 / 9, 1);
  });
});
