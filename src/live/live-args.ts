// Pure builder of the ffmpeg command of a camera's live view: the camera's stream copied (never decoded nor
// encoded) into ~1 s HLS segments, a short playlist whose old segments are deleted. Unit-tested; no I/O here.

import { holdsCredentials, listInput, withStdin } from '../media/input-list.js';

/** What one live run needs. */
export interface LiveArgsInput {
  /** rtsp(s)://, http(s)://, file:// or `testsrc`. */
  url: string;
  /** The live directory of this camera: `index.m3u8` and `seg_NNNNNN.ts` go there. */
  dir: string;
  /** Size and rate of the synthetic `testsrc` camera (the only input that is encoded: it has no stream to copy). */
  testsrc?: { width: number; height: number; fps: number };
}

/** The playlist's file name inside the live directory. */
export const LIVE_PLAYLIST = 'index.m3u8';
/** A live segment's file name; nothing else in the directory is ever served. */
export const LIVE_SEGMENT_RE = /^seg_\d{6}\.ts$/;

const NETWORK_TIMEOUT_US = '10000000';

/** How ffmpeg reads the camera (TCP for RTSP, a socket timeout so that a dead camera ends the run), and the list it
 * reads on stdin when the URL holds a password (kept off the command line, /proc/<pid>/cmdline). */
function inputOf(url: string, testsrc = { width: 640, height: 360, fps: 15 }): { args: string[]; list?: string } {
  if (url === 'testsrc') {
    const { width, height, fps } = testsrc;
    return { args: ['-re', '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=${fps}`] };
  }
  const u = new URL(url);
  if (u.protocol === 'file:') return { args: ['-re', '-stream_loop', '-1', '-i', decodeURIComponent(u.pathname)] };
  const options: [string, string][] =
    u.protocol === 'rtsp:' || u.protocol === 'rtsps:'
      ? [
          ['rtsp_transport', 'tcp'],
          ['timeout', NETWORK_TIMEOUT_US],
        ]
      : [['rw_timeout', NETWORK_TIMEOUT_US]];
  if (holdsCredentials(url)) return listInput(url, options);
  return { args: options.flatMap(([k, v]) => [`-${k}`, v]).concat('-i', url) };
}

/** The codec side: video only (a camera's G.711 audio would not play in a browser), copied. */
function codecArgs(url: string, fps = 15): string[] {
  if (url !== 'testsrc') return ['-map', '0:v:0', '-an', '-c:v', 'copy'];
  // testsrc is a picture generator, not a camera: it has no stream to copy, so it is encoded, a keyframe a second.
  return [
    ...['-map', '0:v:0', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p'],
    ...['-g', String(fps), '-keyint_min', String(fps), '-sc_threshold', '0'],
  ];
}

/**
 * The whole command. HLS cuts at keyframes, so a segment lasts one GOP (1–2 s on most cameras) even though 1 s is
 * asked; the playlist lists the newest 4 and ffmpeg deletes older ones (the directory stays a few MB).
 * Example: `liveArgs({ url: 'rtsp://cam/stream', dir: '/data/live/CAM_1' })`.
 */
export function liveArgs(input: LiveArgsInput): string[] {
  const camera = inputOf(input.url, input.testsrc);
  const args = [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
    // A short probe: ffmpeg's default (5 MB or 5 s of a low-rate stream) would delay the first segment by ~15 s.
    ...['-probesize', '1000000', '-analyzeduration', '1000000'],
    ...camera.args,
    ...codecArgs(input.url, input.testsrc?.fps),
    ...['-f', 'hls', '-hls_time', '1', '-hls_list_size', '4', '-hls_delete_threshold', '2', '-hls_allow_cache', '0'],
    ...['-hls_flags', 'delete_segments+temp_file+independent_segments+omit_endlist'],
    ...['-hls_segment_filename', `${input.dir}/seg_%06d.ts`, `${input.dir}/${LIVE_PLAYLIST}`],
  ];
  return camera.list === undefined ? args : withStdin(args, camera.list);
}
