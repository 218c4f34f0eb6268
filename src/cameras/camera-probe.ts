// The editor's "test" of a camera URL: ffprobe with a timeout reads its video stream (codec, resolution, frame rate)
// before the camera is saved. The URL's credentials stay off the command line (probeMedia reads them from stdin).

import { fileURLToPath } from 'node:url';
import { PermanentError } from '../errors.js';
import { probeMedia, type ProbedMedia } from '../media/index.js';
import { redactUrl } from '../recording/cameras.js';

/** What a camera's test answers. */
export interface CameraProbe {
  codec: string;
  width: number | null;
  height: number | null;
  fps: number | null;
  /** The audio codec, when the camera sends sound. */
  audio: string | null;
}

/** The synthetic camera as the recorder reads it (record-args.ts: 640x360 at 15 fps). */
const TESTSRC_FPS = 15;
const TESTSRC = `testsrc=size=640x360:rate=${TESTSRC_FPS}`;

/**
 * ffprobe of a camera URL as the recorder reads it: `testsrc` through lavfi, `file://` as its path, RTSP over TCP.
 * Shared by the editor's test and the doctor's camera check.
 */
export function probeCameraMedia(ffprobe: string, url: string, timeoutMs: number): Promise<ProbedMedia> {
  if (url === 'testsrc') return probeMedia(ffprobe, TESTSRC, timeoutMs, ['-f', 'lavfi']);
  if (url.startsWith('file:')) return probeMedia(ffprobe, fileURLToPath(url), timeoutMs);
  if (/^rtsps?:/.test(url)) return probeMedia(ffprobe, url, timeoutMs, ['-rtsp_transport', 'tcp']);
  return probeMedia(ffprobe, url, timeoutMs);
}

/** Probes a camera URL (validated already) within `timeoutMs`; rejects with a `PermanentError` naming the cause. */
export async function probeCamera(ffprobe: string, url: string, timeoutMs: number): Promise<CameraProbe> {
  let media: ProbedMedia;
  const startedAt = Date.now();
  try {
    media = await probeCameraMedia(ffprobe, url, timeoutMs);
  } catch (e) {
    const why = Date.now() - startedAt >= timeoutMs ? `no answer within ${timeoutMs / 1000}s` : 'ffprobe failed';
    throw new PermanentError(`${redactUrl(url)}: ${why} (${firstLine(e)})`, { code: 'invalid', cause: e });
  }
  const video = media.streams.find((s) => s.type === 'video');
  if (!video) throw new PermanentError(`${redactUrl(url)} has no video stream`, { code: 'invalid' });
  return {
    codec: video.codec,
    width: video.width ?? null,
    height: video.height ?? null,
    // lavfi reports no average rate for a generated stream: the synthetic camera's is the one it is generated at.
    fps: video.fps === undefined ? (url === 'testsrc' ? TESTSRC_FPS : null) : Math.round(video.fps * 100) / 100,
    audio: media.streams.find((s) => s.type === 'audio')?.codec ?? null,
  };
}

const firstLine = (e: unknown) => ((e as Error).message ?? String(e)).split('\n')[0]!.slice(0, 200);
