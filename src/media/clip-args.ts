// Pure builders of ffmpeg argument arrays for clips, previews and thumbnails (unit-tested; no I/O here).

/** The concat demuxer's list of segment files (absolute paths), quoted as ffconcat requires. */
export function concatList(files: readonly string[]): string {
  return ['ffconcat version 1.0', ...files.map((f) => `file '${f.replace(/'/g, "'\\''")}'`)].join('\n') + '\n';
}

/**
 * Cuts [startSec, startSec + durationSec] out of the concatenated segments by stream copy into a faststart MP4.
 * `startSec` must sit on a keyframe (just before it): output-side seeking with stream copy keeps packets from
 * there on, so the clip starts exactly at that keyframe. (Input-side seeking in concatenated MPEG-TS is not
 * accurate: it can start seconds early.)
 */
export function cutArgs(listFile: string, startSec: number, durationSec: number, out: string): string[] {
  return [
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
    listFile,
    '-ss',
    startSec.toFixed(3),
    '-t',
    durationSec.toFixed(3),
    '-map',
    '0:v',
    '-map',
    '0:a?',
    '-c',
    'copy',
    '-avoid_negative_ts',
    'make_zero',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    out,
  ];
}

/** Lists the keyframe times of a file's first video stream (ffprobe reads only keyframes). */
export function keyframeArgs(file: string): string[] {
  return [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-skip_frame',
    'nokey',
    '-show_entries',
    'frame=pts_time:format=start_time',
    '-of',
    'json',
    file,
  ];
}

/** The largest 16:9 frame of at most 480 lines that does not upscale a source of `height`. */
export function previewSize(height: number | undefined): { width: number; height: number } {
  const h = Math.min(480, Math.max(90, Math.floor((height ?? 480) / 2) * 2));
  return { width: Math.round((h * 16) / 9 / 2) * 2, height: h };
}

/** Scale to fit, pad to exactly 16:9. */
function fit(size: { width: number; height: number }): string {
  const { width: w, height: h } = size;
  return `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1`;
}

/** Where the preview's excerpts start: `count` spread evenly over the video, each `length` long. */
export function excerptStarts(durationSec: number, count: number, length: number): number[] {
  if (durationSec <= count * length) return [0];
  const step = (durationSec - length) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * step * 1000) / 1000);
}

/** Something drawn over the preview (the watermark, src/watermark): its inputs and its filter graph text. */
export interface PreviewOverlay {
  inputs: string[];
  filter(from: string, to: string, inputIndex: number): string;
}

/**
 * A preview: short excerpts spread across the video, each read with input-side seeking (so the cost does not grow
 * with the video's length), scaled into one 16:9 frame of at most 480 lines, concatenated, without sound.
 */
export function previewArgs(
  input: string,
  starts: readonly number[],
  excerptSec: number,
  size: { width: number; height: number },
  out: string,
  overlay?: PreviewOverlay,
): string[] {
  const inputs = starts.flatMap((s) => ['-ss', s.toFixed(3), '-t', excerptSec.toFixed(3), '-i', input]);
  const chains = starts.map((_, i) => `[${i}:v]${fit(size)},fps=15,format=yuv420p[v${i}]`);
  const joined = `${starts.map((_, i) => `[v${i}]`).join('')}concat=n=${starts.length}:v=1:a=0`;
  // The watermark, when there is one, is drawn once on the joined excerpts (one extra input, after the clip's).
  const graph = overlay
    ? [...chains, `${joined}[cat]`, overlay.filter('[cat]', '[out]', starts.length)]
    : [...chains, `${joined}[out]`];
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    ...inputs,
    ...(overlay?.inputs ?? []),
    '-filter_complex',
    graph.join(';'),
    '-map',
    '[out]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '28',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    out,
  ];
}

/** The same excerpts cut with output-side seeking (`-i in -ss t`): the usual approach, kept as the benchmark's baseline. */
export function previewArgsOutputSeek(
  input: string,
  starts: readonly number[],
  excerptSec: number,
  size: { width: number; height: number },
  out: string,
): string[] {
  const trims = starts.map(
    (s, i) =>
      `[0:v]trim=start=${s}:duration=${excerptSec},setpts=PTS-STARTPTS,${fit(size)},fps=15,format=yuv420p[v${i}]`,
  );
  const concat = `${starts.map((_, i) => `[v${i}]`).join('')}concat=n=${starts.length}:v=1:a=0[out]`;
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-i',
    input,
    '-filter_complex',
    [...trims, concat].join(';'),
    '-map',
    '[out]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '28',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    out,
  ];
}

/** A 16:9 JPEG thumbnail of the frame at `atSec`, read with input-side seeking. */
export function thumbnailArgs(
  input: string,
  atSec: number,
  size: { width: number; height: number },
  out: string,
): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-ss',
    atSec.toFixed(3),
    '-i',
    input,
    '-frames:v',
    '1',
    '-vf',
    fit(size),
    '-q:v',
    '3',
    '-f',
    'image2',
    out,
  ];
}
