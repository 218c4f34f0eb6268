// Cuts a booking's window out of the recorded segments by stream copy, and makes its preview and thumbnail.
// Plain functions over files and ffmpeg; the clip task (piscina) and VideoActor call them.

import fs from 'node:fs';
import path from 'node:path';
import type { SegmentsRepo } from '../db/index.js';
import { PermanentError } from '../errors.js';
import {
  concatList,
  cutArgs,
  excerptStarts,
  keyframeArgs,
  previewArgs,
  previewSize,
  probeMedia,
  runMediaToEnd,
  thumbnailArgs,
  type PreviewOverlay,
} from '../media/index.js';
import { coverageOf, coveredIntervals, missingIntervals, type Interval } from './coverage.js';
import { workFile } from './file-names.js';

/** A recorded segment as the cut needs it: its absolute file and wall-clock interval. */
export interface ClipSegment {
  file: string;
  startMs: number;
  endMs: number;
}

/** The indexed footage of `camera` overlapping a window, as a cut reads it (index paths are under `recordingsDir`). */
export function footageOf(
  segments: SegmentsRepo,
  recordingsDir: string,
  camera: string,
  startMs: number,
  endMs: number,
): ClipSegment[] {
  return segments
    .overlapping(camera, startMs, endMs)
    .map((s) => ({ file: path.join(recordingsDir, s.file), startMs: s.start_ms, endMs: s.end_ms }));
}

/** What one cut needs. */
export interface CutInput {
  segments: readonly ClipSegment[];
  windowStartMs: number;
  windowEndMs: number;
  /** The MP4 to write (written to a temporary name first, renamed when complete). */
  out: string;
  ffmpeg: string;
  ffprobe: string;
  signal?: AbortSignal;
}

/** What a cut produced. */
export interface CutResult {
  file: string;
  durationSec: number;
  sizeBytes: number;
  width: number | undefined;
  height: number | undefined;
  covered: Interval[];
  missing: Interval[];
  coverage: number;
}

/** Past the window's end the cut keeps this much, so that the last frame reaches the end. */
const TAIL_MARGIN_SEC = 0.25;

/** Position of wall-clock `ms` on the concatenated timeline of `segments` (gaps between files collapse). */
function concatPosition(segments: readonly ClipSegment[], ms: number): number {
  let pos = 0;
  for (const s of segments) {
    if (ms <= s.startMs) return pos / 1000;
    if (ms < s.endMs) return (pos + ms - s.startMs) / 1000;
    pos += s.endMs - s.startMs;
  }
  return pos / 1000;
}

/** Keyframe times of `file`, in seconds from its start. */
async function keyframeOffsets(ffprobe: string, file: string, signal?: AbortSignal): Promise<number[]> {
  const json = JSON.parse(await runMediaToEnd(ffprobe, keyframeArgs(file), 60_000, signal)) as {
    frames?: { pts_time?: string }[];
    format?: { start_time?: string };
  };
  const start = Number(json.format?.start_time ?? 0);
  return (json.frames ?? [])
    .map((f) => Number(f.pts_time) - start)
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
}

/** Cuts the window. Throws a permanent "no footage" error when no segment overlaps it. */
export async function cutClip(input: CutInput): Promise<CutResult> {
  const segments = input.segments
    .filter((s) => s.endMs > input.windowStartMs && s.startMs < input.windowEndMs)
    .sort((a, b) => a.startMs - b.startMs);
  const covered = coveredIntervals(segments, input.windowStartMs, input.windowEndMs);
  if (covered.length === 0) throw new PermanentError('no footage', { code: 'no-footage' });
  const missing = missingIntervals(covered, input.windowStartMs, input.windowEndMs);
  fs.mkdirSync(path.dirname(input.out), { recursive: true });
  const tmp = workFile(input.out, 'part');
  const list = workFile(input.out, 'list');
  fs.writeFileSync(list, concatList(segments.map((s) => s.file)));
  try {
    // Start on the last keyframe at or before the window's start (in the first segment), so the clip never
    // starts late and starts early by less than one keyframe interval.
    const offset = concatPosition(segments, input.windowStartMs);
    const keyframes = await keyframeOffsets(input.ffprobe, segments[0]!.file, input.signal);
    const start = keyframes.filter((k) => k <= offset + 0.001).at(-1) ?? 0;
    const end = concatPosition(segments, input.windowEndMs);
    await runMediaToEnd(
      input.ffmpeg,
      cutArgs(list, Math.max(0, start - 0.001), end - start + TAIL_MARGIN_SEC, tmp),
      600_000,
      input.signal,
    );
    const probed = await probeMedia(input.ffprobe, tmp);
    const video = probed.streams.find((s) => s.type === 'video');
    if (!video || probed.durationSec <= 0) throw new PermanentError('the cut has no video', { code: 'ffmpeg-failed' });
    fs.renameSync(tmp, input.out);
    return {
      file: input.out,
      durationSec: probed.durationSec,
      sizeBytes: fs.statSync(input.out).size,
      width: video.width,
      height: video.height,
      covered,
      missing,
      coverage: coverageOf(covered, input.windowStartMs, input.windowEndMs),
    };
  } finally {
    fs.rmSync(list, { force: true });
    fs.rmSync(tmp, { force: true });
  }
}

/** Excerpts in a preview and their length. */
export const PREVIEW = { excerpts: 6, excerptSec: 2 };

/**
 * A 16:9 preview of at most 480 lines made of short excerpts spread over the clip, with the overlay `watermark`
 * gives for the preview's height drawn on it (src/watermark's watermarkOverlay; none when absent).
 */
export async function makePreview(opts: {
  clip: string;
  durationSec: number;
  height?: number;
  out: string;
  ffmpeg: string;
  signal?: AbortSignal;
  watermark?: (height: number) => PreviewOverlay | undefined;
}): Promise<string> {
  const starts = excerptStarts(opts.durationSec, PREVIEW.excerpts, PREVIEW.excerptSec);
  const len = Math.min(PREVIEW.excerptSec, opts.durationSec);
  const size = previewSize(opts.height);
  const overlay = opts.watermark?.(size.height);
  return renderTo(opts.out, 'part', (tmp) =>
    runMediaToEnd(opts.ffmpeg, previewArgs(opts.clip, starts, len, size, tmp, overlay), 300_000, opts.signal),
  );
}

/** A 16:9 JPEG of the frame in the middle of the clip. */
export async function makeThumbnail(opts: {
  clip: string;
  durationSec: number;
  height?: number;
  out: string;
  ffmpeg: string;
  signal?: AbortSignal;
}): Promise<string> {
  return renderTo(opts.out, 'image', (tmp) =>
    runMediaToEnd(
      opts.ffmpeg,
      thumbnailArgs(opts.clip, opts.durationSec / 2, previewSize(opts.height), tmp),
      60_000,
      opts.signal,
    ),
  );
}

/** Has `make` write a work file, then moves it to `out`; the work file never outlives a failure. */
async function renderTo(out: string, work: 'part' | 'image', make: (tmp: string) => Promise<unknown>): Promise<string> {
  const tmp = workFile(out, work);
  try {
    await make(tmp);
    fs.renameSync(tmp, out);
    return out;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
