// ffprobe: duration, size and streams of a media file, as the tests and the clip pipeline read them.

import { holdsCredentials, listInput, withStdin } from './input-list.js';
import { runMediaToEnd } from './process.js';

/** `['-rtsp_transport', 'tcp']` → `[['rtsp_transport', 'tcp']]`. */
function optionPairs(args: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < args.length; i += 2) pairs.push([args[i]!.replace(/^-/, ''), args[i + 1]!]);
  return pairs;
}

/** One stream as ffprobe reports it. */
export interface ProbedStream {
  type: string;
  codec: string;
  width?: number;
  height?: number;
  fps?: number;
}

/** What ffprobe says of a file. */
export interface ProbedMedia {
  durationSec: number;
  sizeBytes: number;
  startSec: number;
  streams: ProbedStream[];
}

/** Probes `file` (or a URL, with `inputArgs` such as `-rtsp_transport tcp`) with a timeout. */
export async function probeMedia(
  ffprobe: string,
  file: string,
  timeoutMs = 20_000,
  inputArgs: readonly string[] = [],
): Promise<ProbedMedia> {
  const output = ['-print_format', 'json', '-show_format', '-show_streams'];
  // A camera URL with credentials is read from a list on stdin, off the command line (input-list.ts).
  const hidden = holdsCredentials(file) ? listInput(file, optionPairs(inputArgs)) : undefined;
  const args = hidden
    ? withStdin(['-v', 'error', ...hidden.args, ...output], hidden.list)
    : ['-v', 'error', ...inputArgs, ...output, file];
  const out = await runMediaToEnd(ffprobe, args, timeoutMs);
  const json = JSON.parse(out) as {
    format?: { duration?: string; size?: string; start_time?: string };
    streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; avg_frame_rate?: string }[];
  };
  const fps = (rate?: string) => {
    const [n, d] = (rate ?? '').split('/').map(Number);
    return n && d ? n / d : undefined;
  };
  return {
    durationSec: Number(json.format?.duration ?? 0),
    sizeBytes: Number(json.format?.size ?? 0),
    startSec: Number(json.format?.start_time ?? 0),
    streams: (json.streams ?? []).map((s) => ({
      type: s.codec_type ?? 'unknown',
      codec: s.codec_name ?? 'unknown',
      width: s.width,
      height: s.height,
      fps: fps(s.avg_frame_rate),
    })),
  };
}
