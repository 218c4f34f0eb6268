// VIDEO_ENCODER's check: whether ffmpeg lists the encoder, and whether a one-second test encode with it works (a
// hardware encoder also needs its device). When not, the service falls back to libx264 and says why.

import type { VideoEncoderName } from '../config/video-settings-env.js';
import { describeError } from '../errors.js';
import { runMediaToEnd } from '../media/index.js';

/** The encoder in force: the one asked for, the one used, and why they differ. */
export interface EncoderChoice {
  requested: VideoEncoderName;
  used: VideoEncoderName;
  /** Why the requested encoder is not used; absent when it is. */
  fallback?: string;
}

/** Input and filter arguments a hardware encoder needs beside its name (the device, the upload to it). */
export function deviceArgs(encoder: VideoEncoderName): { before: string[]; filter: string } {
  switch (encoder) {
    case 'h264_vaapi':
      return { before: ['-vaapi_device', '/dev/dri/renderD128'], filter: 'format=nv12,hwupload' };
    case 'h264_qsv':
      return { before: [], filter: 'format=nv12' };
    case 'h264_nvenc':
    case 'libx264':
      return { before: [], filter: 'format=yuv420p' };
  }
}

/** The ffmpeg arguments of a one-second encode of a test pattern with `encoder`, discarded. */
function testEncodeArgs(encoder: VideoEncoderName): string[] {
  const dev = deviceArgs(encoder);
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...dev.before,
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25:duration=1',
    '-vf',
    dev.filter,
    '-c:v',
    encoder,
    '-f',
    'null',
    '-',
  ];
}

/** Whether `ffmpeg -encoders` lists `encoder`. */
async function ffmpegHasEncoder(ffmpeg: string, encoder: string): Promise<boolean> {
  const out = await runMediaToEnd(ffmpeg, ['-hide_banner', '-encoders'], 15_000);
  return out.split('\n').some((line) => line.trim().split(/\s+/)[1] === encoder);
}

/** Runs the one-second test encode; resolves when it works, rejects with ffmpeg's reason when not. */
export async function testEncode(ffmpeg: string, encoder: VideoEncoderName): Promise<void> {
  await runMediaToEnd(ffmpeg, testEncodeArgs(encoder), 30_000);
}

/** Decides the encoder in force: `requested` when ffmpeg lists it and a test encode works, else libx264. */
export async function chooseEncoder(ffmpeg: string, requested: VideoEncoderName): Promise<EncoderChoice> {
  if (requested === 'libx264') return { requested, used: requested };
  try {
    if (!(await ffmpegHasEncoder(ffmpeg, requested)))
      return { requested, used: 'libx264', fallback: `this ffmpeg has no ${requested} encoder` };
    await testEncode(ffmpeg, requested);
    return { requested, used: requested };
  } catch (e) {
    return { requested, used: 'libx264', fallback: `a test encode with ${requested} failed: ${describeError(e)}` };
  }
}
