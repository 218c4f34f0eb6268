// The clip task, run on the VideoActor's piscina pool: cut, preview and thumbnail of one video. ffmpeg runs as
// child processes; a cancel message on `cancelPort` kills them. The result crosses threads as data.

import fs from 'node:fs';
import path from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { toErrorData, type ErrorData } from '../errors.js';
import { cutClip, makePreview, makeThumbnail, type ClipSegment, type CutInput, type CutResult } from './clip.js';
import type { Interval } from './coverage.js';
import { clipFiles } from './file-names.js';
import { readWatermarkInForce, watermarkOverlay } from '../watermark/index.js';

/** What the task needs. */
export interface ClipTaskInput {
  uniqueId: string;
  segments: ClipSegment[];
  windowStartMs: number;
  windowEndMs: number;
  /** The directory the three files go to. */
  outDir: string;
  ffmpeg: string;
  ffprobe: string;
  /** The watermark in force ($DATA_DIR/watermark/in-force.json), read when the preview is made; absent: none. */
  watermarkFile?: string;
  /** Posting anything on it cancels the task. */
  cancelPort?: MessagePort;
}

/** What the task produced. */
export interface ClipTaskOutput {
  file: string;
  previewFile: string;
  thumbnailFile: string;
  durationSec: number;
  sizeBytes: number;
  covered: Interval[];
  missing: Interval[];
  coverage: number;
}

/** The task's answer as data. */
export type ClipTaskResult = { ok: true; value: ClipTaskOutput } | { ok: false; error: ErrorData };

/** Cuts the clip, then makes its preview and thumbnail. Never throws: failures come back as data. */
export async function processClip(input: ClipTaskInput): Promise<ClipTaskResult> {
  const abort = new AbortController();
  input.cancelPort?.once('message', () => abort.abort());
  const files = clipFiles(path.join(input.outDir, input.uniqueId));
  try {
    fs.mkdirSync(input.outDir, { recursive: true });
    const cut = await cutClip({
      segments: input.segments,
      windowStartMs: input.windowStartMs,
      windowEndMs: input.windowEndMs,
      out: files.mp4,
      ffmpeg: input.ffmpeg,
      ffprobe: input.ffprobe,
      signal: abort.signal,
    });
    const media = {
      clip: cut.file,
      durationSec: cut.durationSec,
      height: cut.height,
      ffmpeg: input.ffmpeg,
      signal: abort.signal,
    };
    // Read now, not at start-up: the main thread rewrites it when AYO's images or the variables change.
    const watermark = input.watermarkFile ? readWatermarkInForce(input.watermarkFile) : undefined;
    const previewFile = await makePreview({
      ...media,
      out: files.preview,
      watermark: watermark && ((h) => watermarkOverlay(watermark, h)),
    });
    const thumbnailFile = await makeThumbnail({ ...media, out: files.thumbnail });
    return {
      ok: true,
      value: {
        file: cut.file,
        previewFile,
        thumbnailFile,
        durationSec: cut.durationSec,
        sizeBytes: cut.sizeBytes,
        covered: cut.covered,
        missing: cut.missing,
        coverage: cut.coverage,
      },
    };
  } catch (e) {
    for (const f of Object.values(files)) fs.rmSync(f, { force: true });
    return { ok: false, error: toErrorData(e) };
  } finally {
    input.cancelPort?.close();
  }
}

/** What a cut of only the MP4 needs (an export): the window's segments and the file to write. */
export type CutTaskInput = Omit<CutInput, 'signal'> & { cancelPort?: MessagePort };

/** The answer of {@link cutWindow} as data. */
export type CutTaskResult = { ok: true; value: CutResult } | { ok: false; error: ErrorData };

/** Cuts the window into `out` with the booking clip's exactness and coverage, without preview or thumbnail. Never throws. */
export async function cutWindow(input: CutTaskInput): Promise<CutTaskResult> {
  const abort = new AbortController();
  const { cancelPort, ...cut } = input;
  cancelPort?.once('message', () => abort.abort());
  try {
    return { ok: true, value: await cutClip({ ...cut, signal: abort.signal }) };
  } catch (e) {
    return { ok: false, error: toErrorData(e) };
  } finally {
    cancelPort?.close();
  }
}
