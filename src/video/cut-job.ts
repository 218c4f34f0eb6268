// The `cut` job kind: waits until the camera's recording has passed the window's end, then cuts the clip, its
// preview and thumbnail on the clip pool. The lifecycle moves the video; this module only decides and does I/O.

import fs from 'node:fs';
import path from 'node:path';
import { createBookingsRepo, createSegmentsRepo, createVideosRepo, type VideoRow } from '../db/index.js';
import { describeError, hasCode, PermanentError, RemoteError } from '../errors.js';
import type { JobContext, JobKindSpec, VideoLifecycle } from '../pipeline/index.js';
import { UNCUT } from '../pipeline/index.js';
import { localDateOf } from '../util/venue-time.js';
import { footageOf } from './clip.js';
import type { ClipTaskOutput } from './clip.task.js';
import type { VideoPipelineDeps } from './types.js';

/** Why a video's booking no longer wants it, or undefined while it does. */
function voidReason(
  booking: ReturnType<ReturnType<typeof createBookingsRepo>['getById']>,
  v: VideoRow,
): string | undefined {
  if (!booking) return 'booking deleted';
  if (booking.status === 'cancelled') return 'Booking cancelled via API';
  if (booking.status !== 'success') return `booking is ${booking.status}`;
  if (v.type === 'full' && booking.vanished_at) return 'booking no longer listed by AYO';
  return undefined;
}

/** The cut kind over the pipeline's dependencies and its lifecycle. */
export function cutJobSpec(deps: VideoPipelineDeps, lifecycle: VideoLifecycle): JobKindSpec<'cut', ClipTaskOutput> {
  const videos = createVideosRepo(deps.db);
  const bookings = createBookingsRepo(deps.db);
  const segments = createSegmentsRepo(deps.db);
  const now = deps.now ?? Date.now;
  const segmentMs = deps.segmentSeconds * 1000;
  // The video each running job cuts, as it was when the cut started.
  const subject = new WeakMap<JobContext<'cut'>, VideoRow>();
  const videoOf = (ctx: JobContext<'cut'>) => subject.get(ctx) ?? videos.get(ctx.payload.uniqueId);

  /** Whether the footage of the window is closed, or will not come (the camera is not recording). */
  function footageReady(v: VideoRow): boolean {
    const last = segments.last(v.camera);
    if (last && last.end_ms >= v.window_end_ms) return true;
    const cam = deps.cameras.find((c) => c.name === v.camera);
    const recording = !!cam?.enabled && !!last && now() - last.end_ms < 3 * segmentMs;
    return !recording;
  }

  return {
    kind: 'cut',
    delaysMs: deps.jobDelays.cut,
    quickDelaysMs: deps.processingDelaysMs,
    policyName: 'video processing',
    concurrency: deps.clipConcurrency ?? 1,
    label: (ctx) => {
      const v = videoOf(ctx);
      return `Video Processing for ${v?.booking_id ?? '?'}-${v?.camera ?? '?'}`;
    },
    admit(ctx) {
      const v = videos.get(ctx.payload.uniqueId);
      if (!v || !UNCUT.includes(v.status)) return { skip: 'nothing to cut' };
      const why = voidReason(bookings.getById(v.booking_id), v);
      if (why) {
        lifecycle.apply(v, 'cut:void', { reason: why });
        return { skip: why };
      }
      // Footage not recorded yet: look again in half a segment, without spending the attempt.
      if (!footageReady(v)) return { wait: Math.max(500, segmentMs / 2), why: 'footage not recorded yet' };
      const started = lifecycle.apply(v, 'cut:start', { reason: null });
      if (!started.moved) return { skip: 'moved meanwhile' };
      subject.set(ctx, started.video);
      return { run: true };
    },
    async run(ctx, signal) {
      const v = videoOf(ctx)!;
      const segs = footageOf(segments, deps.recordingsDir, v.camera, v.window_start_ms, v.window_end_ms);
      const outDir = path.join(deps.videosDir, localDateOf(new Date(v.window_start_ms), deps.timeZone));
      const r = await deps.runClip(
        {
          uniqueId: v.unique_id,
          segments: segs,
          windowStartMs: v.window_start_ms,
          windowEndMs: v.window_end_ms,
          outDir,
          ffmpeg: deps.ffmpeg,
          ffprobe: deps.ffprobe,
          watermarkFile: deps.watermarkFile,
        },
        signal,
      );
      if (r.ok) return r.value;
      // The seed retries every error; only missing footage and a cancellation are final.
      const final = hasCode(r.error, 'no-footage') || hasCode(r.error, 'cancelled') || signal.aborted;
      if (final) throw new PermanentError(r.error.message, { code: r.error.code });
      throw new RemoteError({ ...r.error, retryable: true });
    },
    failureReason: (_ctx, e) =>
      hasCode(e, 'no-footage') ? 'no footage' : `Video processing failed: ${describeError(e)}`,
    // A cut moves its video only out of `processing`. Anything else means the video was taken from it while it ran
    // (cancelled, or put back to `pending` for a changed window): the lifecycle refuses, and the cut's files go.
    onDone(ctx, out, ms) {
      const v = videoOf(ctx)!;
      const { moved, video } = lifecycle.apply(v, 'cut:done', { reason: null, result: { ...out } });
      if (!moved) {
        for (const f of [out.file, out.previewFile, out.thumbnailFile]) fs.rmSync(f, { force: true });
        deps.logger.info(
          `🎬 VIDEO: ${v.unique_id} cut dropped: the video became ${video?.status ?? 'deleted'} while it was cut`,
        );
        return;
      }
      const missing = out.coverage < 1 ? `, ${Math.round((1 - out.coverage) * 100)}% of the window has no footage` : '';
      deps.logger.info(
        `🎬 VIDEO: ${v.unique_id} cut: ${out.durationSec.toFixed(1)}s, coverage ${(out.coverage * 100).toFixed(1)}%${missing}`,
      );
      deps.onEvent?.({
        type: 'clip:done',
        uniqueId: v.unique_id,
        camera: v.camera,
        seconds: ms / 1000,
        coverage: out.coverage,
      });
    },
    onFailed(ctx, reason, _final, e) {
      const v = videoOf(ctx)!;
      if (!hasCode(e, 'no-footage')) deps.logger.error(`❌ ERROR: ${v.unique_id}: ${reason}`);
      lifecycle.apply(v, 'cut:failed', { reason });
    },
    onInterrupted: (ctx) => void lifecycle.apply(videoOf(ctx)!, 'cut:interrupted'),
  };
}
