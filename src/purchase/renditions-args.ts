// The rendition ladder of a purchase and the one ffmpeg command that makes it (pure, unit-testable): which heights
// are made and how (stream copy or encode, never upscaled), and the arguments that decode the source once, scale
// and watermark each encoded height, and write every rendition as a keyframe-fragmented MP4 with a global index.

import type { VideoEncoderName } from '../config/video-settings-env.js';
import { deviceArgs } from '../settings/index.js';
import type { WatermarkOverlay } from '../watermark/index.js';

/** HLS segment length aimed at, seconds: fragments start at the first keyframe at least this far into the last. */
const SEGMENT_SEC = 4;

/** What the renditions need to know of the source. */
export interface SourceInfo {
  width: number;
  height: number;
  fps: number | undefined;
  durationSec: number;
  /** The source's audio codec, when it has audio. */
  audio: string | undefined;
}

/** One rung of the ladder: a height, its width, and whether it is a stream copy of the source. */
export interface Rung {
  height: number;
  width: number;
  copied: boolean;
}

/** The ladder for `qualities` over `source`: rungs lowest first, and the heights skipped with why. */
export function planLadder(
  qualities: readonly number[],
  source: SourceInfo,
  watermarked: boolean,
  frameRateCap?: number,
): { rungs: Rung[]; skipped: { height: number; reason: string }[] } {
  // AYO's frame_rate caps every rendition: a source above it cannot be copied at its own height either.
  const overCap = !!frameRateCap && frameRateCap > 0 && source.fps !== undefined && source.fps > frameRateCap + 0.01;
  const wanted = [...new Set(qualities.filter((q) => Number.isInteger(q) && q > 0))].sort((a, b) => a - b);
  const skipped = wanted
    .filter((q) => q > source.height)
    .map((height) => ({ height, reason: `above the source's ${source.height} lines (never upscaled)` }));
  let heights = wanted.filter((q) => q <= source.height);
  // Nothing at or below the source: the buyer still gets the video, at the source's own height.
  if (heights.length === 0) heights = [source.height];
  const rungs = heights.map((height) => {
    if (height === source.height) return { height, width: source.width, copied: !watermarked && !overCap };
    // Encoders want even sizes; the width keeps the source's aspect.
    const h = Math.max(2, Math.floor(height / 2) * 2);
    return { height: h, width: Math.max(2, Math.round((source.width * h) / source.height / 2) * 2), copied: false };
  });
  return { rungs, skipped };
}

/** Quality options of `encoder` for a rendition (constant quality; BANDWIDTH is measured from what comes out). */
export function encoderOptions(encoder: VideoEncoderName): string[] {
  switch (encoder) {
    case 'libx264':
      return ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-profile:v', 'high'];
    case 'h264_nvenc':
      return ['-c:v', 'h264_nvenc', '-preset', 'p4', '-rc', 'vbr', '-cq', '23', '-profile:v', 'high'];
    case 'h264_qsv':
      return ['-c:v', 'h264_qsv', '-global_quality', '23', '-profile:v', 'high'];
    case 'h264_vaapi':
      return ['-c:v', 'h264_vaapi', '-qp', '23', '-profile:v', 'high'];
  }
}

/**
 * Muxer options of every rendition: an MP4 fragmented at keyframes into ≥ SEGMENT_SEC pieces, its moov (empty of
 * samples) first, and one sidx per track up front (players read the duration and seek from it; the playlist
 * takes each fragment's duration from it).
 */
function fragmentOptions(): string[] {
  return [
    '-movflags',
    '+frag_keyframe+empty_moov+default_base_moof+global_sidx',
    '-min_frag_duration',
    String(SEGMENT_SEC * 1_000_000),
    '-f',
    'mp4',
  ];
}

/** Audio options: AAC is copied; anything else (G.711 from a camera) becomes AAC, which every HLS player plays. */
function audioOptions(source: SourceInfo): string[] {
  if (!source.audio) return [];
  return source.audio === 'aac' ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '96k'];
}

/** What {@link renditionArgs} needs. */
export interface RenditionArgsInput {
  source: string;
  info: SourceInfo;
  rungs: readonly { rung: Rung; out: string }[];
  encoder: VideoEncoderName;
  /** The watermark overlay for a height, or undefined when none is drawn. */
  overlay: (height: number) => WatermarkOverlay | undefined;
  /** Renditions' frame rate cap (frames/s); planLadder encodes the source's height too when it is over the cap. */
  frameRateCap?: number;
}

/**
 * One ffmpeg command writing every rung: the copied one by stream copy, the others decoded once, split, scaled,
 * watermarked and encoded with keyframes every SEGMENT_SEC seconds (so fragments of every rendition line up).
 */
export function renditionArgs(input: RenditionArgsInput): string[] {
  const { info } = input;
  const encoded = input.rungs.filter((r) => !r.rung.copied);
  const device = deviceArgs(input.encoder);
  const extraInputs: string[] = [];
  const graph: string[] = [];
  if (encoded.length > 0) {
    const cap = input.frameRateCap;
    const fps = cap && cap > 0 && (info.fps === undefined || info.fps > cap + 0.01) ? `fps=${cap},` : '';
    graph.push(`[0:v]${fps}split=${encoded.length}${encoded.map((_, i) => `[s${i}]`).join('')}`);
    encoded.forEach(({ rung }, i) => {
      const scale = rung.height === info.height ? 'null' : `scale=${rung.width}:${rung.height}`;
      const overlay = input.overlay(rung.height);
      if (overlay) {
        const index = 1 + extraInputs.filter((a) => a === '-i').length;
        extraInputs.push(...overlay.inputs);
        graph.push(`[s${i}]${scale}[z${i}]`, overlay.filter(`[z${i}]`, `[w${i}]`, index));
        graph.push(`[w${i}]${device.filter}[v${i}]`);
      } else graph.push(`[s${i}]${scale},${device.filter}[v${i}]`);
    });
  }
  const outputs = input.rungs.flatMap(({ rung, out }) => {
    const audio = info.audio ? ['-map', '0:a:0', ...audioOptions(info)] : [];
    if (rung.copied) return ['-map', '0:v:0', '-c:v', 'copy', ...audio, ...fragmentOptions(), out];
    const i = encoded.findIndex((e) => e.rung === rung);
    return [
      '-map',
      `[v${i}]`,
      ...encoderOptions(input.encoder),
      '-force_key_frames',
      `expr:gte(t,n_forced*${SEGMENT_SEC})`,
      ...audio,
      ...fragmentOptions(),
      out,
    ];
  });
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    ...(encoded.length > 0 ? device.before : []),
    '-i',
    input.source,
    ...extraInputs,
    ...(graph.length > 0 ? ['-filter_complex', graph.join(';')] : []),
    ...outputs,
  ];
}
