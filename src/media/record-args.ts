// Pure builders of ffmpeg argument arrays for recording a camera into segments (unit-tested; no I/O here).
// A camera URL with credentials is read from a list on stdin, never from the command line (input-list.ts).

import { holdsCredentials, listInput, withStdin } from './input-list.js';

/** What one recording run needs. */
export interface RecordArgsInput {
  /** rtsp(s)://, http(s)://, file:// or `testsrc`. */
  url: string;
  segmentSeconds: number;
  /** Output pattern with a counter, e.g. `/data/media/recordings/CAM/.incoming/1712345678901_%06d.ts`. */
  outputPattern: string;
  /** Size and rate of the synthetic `testsrc` camera. */
  testsrc?: { width: number; height: number; fps: number };
}

const COMMON = ['-hide_banner', '-nostdin', '-loglevel', 'error'];

/** The input side: how ffmpeg reads the camera. */
function inputArgs(url: string, testsrc = { width: 640, height: 360, fps: 15 }): string[] {
  if (url === 'testsrc') {
    // A synthetic pattern with a running seconds counter and a tone, paced at real time.
    return [
      '-re',
      '-f',
      'lavfi',
      '-i',
      `testsrc=size=${testsrc.width}x${testsrc.height}:rate=${testsrc.fps}`,
      '-re',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=16000',
    ];
  }
  const u = new URL(url);
  if (u.protocol === 'file:') return ['-re', '-stream_loop', '-1', '-i', decodeURIComponent(u.pathname)];
  // TCP: no lost UDP packets on a busy venue network; the socket timeout (µs) turns a dead camera into an exit.
  const options: [string, string][] =
    u.protocol === 'rtsp:' || u.protocol === 'rtsps:'
      ? [
          ['rtsp_transport', 'tcp'],
          ['timeout', '10000000'],
        ]
      : [['rw_timeout', '10000000']];
  return options.flatMap(([k, v]) => [`-${k}`, v]).concat('-i', url);
}

/**
 * The input side of a camera whose URL holds credentials: read through a list on stdin (src/media/input-list.ts),
 * so the password is not on ffmpeg's command line; undefined for any other input.
 */
function hiddenInput(url: string): { args: string[]; list: string } | undefined {
  if (url === 'testsrc' || !holdsCredentials(url)) return undefined;
  const u = new URL(url);
  if (u.protocol === 'file:') return undefined;
  const direct = inputArgs(url);
  const options: [string, string][] = [];
  for (let i = 0; i + 1 < direct.length - 2; i += 2) options.push([direct[i]!.slice(1), direct[i + 1]!]);
  return listInput(url, options);
}

/** The codec side: stream copy from cameras; a cheap H.264 encode (keyframe every second) for testsrc. */
function codecArgs(url: string, segmentSeconds: number, fps = 15): string[] {
  if (url === 'testsrc') {
    return [
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-pix_fmt',
      'yuv420p',
      '-g',
      String(fps),
      '-force_key_frames',
      `expr:gte(t,n_forced*${segmentSeconds})`,
      '-c:a',
      'aac',
      '-b:a',
      '32k',
    ];
  }
  return ['-map', '0:v', '-map', '0:a?', '-c', 'copy'];
}

/**
 * The whole command: segments in MPEG-TS (a killed ffmpeg leaves a playable file), and the list of closed
 * segments as CSV lines (`file,start,end` in seconds of the run's timeline) on stdout, between ffmpeg's progress
 * reports (`out_time_us=...`, twice a second): how far the run is written, which places the run on the wall clock
 * (src/recording/run-clock.ts). For a camera URL with credentials the array carries the input list that runMedia
 * feeds on stdin (`stdinOf(args)`).
 */
export function recordArgs(input: RecordArgsInput): string[] {
  const hidden = hiddenInput(input.url);
  const args = [
    ...COMMON,
    ...(hidden ? hidden.args : inputArgs(input.url, input.testsrc)),
    ...codecArgs(input.url, input.segmentSeconds, input.testsrc?.fps),
    // Twice a second (ffmpeg's default period; -stats_period would need ffmpeg 4.4).
    '-progress',
    'pipe:1',
    '-f',
    'segment',
    '-segment_time',
    String(input.segmentSeconds),
    '-segment_format',
    'mpegts',
    '-reset_timestamps',
    '0',
    '-segment_list',
    'pipe:1',
    '-segment_list_type',
    'csv',
    input.outputPattern,
  ];
  return hidden ? withStdin(args, hidden.list) : args;
}

/** One line of the segment list: the file and its start and end on the run's timeline, in seconds. */
export interface SegmentListEntry {
  file: string;
  start: number;
  end: number;
}

/** Parses `run_000001.ts,2.064000,4.064000`; undefined for anything else. */
export function parseSegmentListLine(line: string): SegmentListEntry | undefined {
  const m = /^(.+),(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(line.trim());
  if (!m) return undefined;
  const start = Number(m[2]);
  const end = Number(m[3]);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return undefined;
  return { file: m[1]!, start, end };
}

/** Parses ffmpeg's progress report line `out_time_us=4700011` into seconds of the run; undefined for any other. */
export function parseProgressLine(line: string): number | undefined {
  const m = /^out_time_us=(\d+)$/.exec(line.trim());
  return m ? Number(m[1]) / 1e6 : undefined;
}

/** Parses the progress report line `frame=57` (video frames written so far); undefined for any other. */
export function parseProgressFrames(line: string): number | undefined {
  const m = /^frame=(\d+)$/.exec(line.trim());
  return m ? Number(m[1]) : undefined;
}
