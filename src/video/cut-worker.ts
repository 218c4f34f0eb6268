// Runs cut jobs: waits until the camera's recording has passed the window's end, cuts with the seed's quick
// retries, then hands the video to the upload queue; failures go back to the durable queue with long delays.

import fs from 'node:fs';
import path from 'node:path';
import { createBookingsRepo, createJobsRepo, createSegmentsRepo, createVideosRepo, type JobRow, type VideoRow } from '../db/index.js';
import { DELIVERY_JOB_ATTEMPTS, type DeliveryJobPayload } from '../delivery/upload.js';
import { describeError } from '../errors.js';
import { createResilience } from '../util/resilience.js';
import { localDateOf } from '../util/venue-time.js';
import type { ClipTaskOutput } from './clip.task.js';
import type { CutJobPayload } from './scanner.js';
import type { VideoEvent, VideoPipelineDeps } from './types.js';

class ClipFailure extends Error {
  constructor(message: string, readonly retryable: boolean, override readonly name: string) {
    super(message);
  }
}

/** Options of the worker besides the pipeline's dependencies. */
export interface CutWorkerOptions { concurrency: number; owner: string; leaseMs?: number }

/** Creates the worker; call `pump()` whenever work may be due. */
export function createCutWorker(deps: VideoPipelineDeps, opts: CutWorkerOptions) {
  const videos = createVideosRepo(deps.db);
  const jobs = createJobsRepo(deps.db);
  const bookings = createBookingsRepo(deps.db);
  const segments = createSegmentsRepo(deps.db);
  const now = deps.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();
  const segmentMs = deps.segmentSeconds * 1000;
  const running = new Map<string, { camera: string; abort: AbortController; why: 'cancel' | 'stop' | undefined; done: Promise<void> }>();
  const retry = createResilience({ name: 'video processing', maxAttempts: deps.processingDelaysMs.length + 1, delaysMs: deps.processingDelaysMs }, deps.logger);
  const emit = (e: VideoEvent) => { try { deps.onEvent?.(e); } catch { /* listeners cannot break the pipeline */ } };
  const setStatus = (v: VideoRow, status: VideoRow['status'], reason: string | null) => {
    videos.setStatus(v.id, status, reason, iso());
    emit({ type: 'video:status', uniqueId: v.unique_id, bookingId: v.booking_id, camera: v.camera, videoType: v.type, status, reason });
  };

  /** Whether the footage of the window is closed, or will not come (the camera is not recording). */
  function footageReady(v: VideoRow): boolean {
    const last = segments.last(v.camera);
    if (last && last.end_ms >= v.window_end_ms) return true;
    const cam = deps.cameras.find((c) => c.name === v.camera);
    const recording = !!cam?.enabled && !!last && now() - last.end_ms < 3 * segmentMs;
    return !recording;
  }

  async function run(job: JobRow, slot: { abort: AbortController; why: 'cancel' | 'stop' | undefined }): Promise<void> {
    const { uniqueId } = JSON.parse(job.payload) as CutJobPayload;
    const v = videos.get(uniqueId);
    if (!v || !['pending', 'processing', 'failed'].includes(v.status)) return jobs.complete(job.id, now());
    const booking = bookings.getById(v.booking_id);
    if (!booking || booking.status !== 'success' || (v.type === 'full' && booking.vanished_at)) {
      const reason = !booking ? 'booking deleted' : booking.status === 'cancelled' ? 'Booking cancelled via API'
        : booking.status !== 'success' ? `booking is ${booking.status}` : 'booking no longer listed by AYO';
      setStatus(v, 'cancelled', reason);
      return jobs.complete(job.id, now());
    }
    if (!footageReady(v)) return jobs.retryAt(job.id, now() + Math.max(500, segmentMs / 2), null, now(), true);

    const segs = segments.overlapping(v.camera, v.window_start_ms, v.window_end_ms)
      .map((s) => ({ file: path.join(deps.recordingsDir, s.file), startMs: s.start_ms, endMs: s.end_ms }));
    setStatus(v, 'processing', null);
    const outDir = path.join(deps.videosDir, localDateOf(new Date(v.window_start_ms), deps.timeZone));
    const started = now();
    try {
      const out = await retry.execute(`Video Processing for ${v.booking_id}-${v.camera}`, async (signal) => {
        const stop = () => slot.abort.abort();
        signal.addEventListener('abort', stop, { once: true });
        const r = await deps.runClip({ uniqueId, segments: segs, windowStartMs: v.window_start_ms, windowEndMs: v.window_end_ms, outDir, ffmpeg: deps.ffmpeg, ffprobe: deps.ffprobe }, slot.abort.signal);
        signal.removeEventListener('abort', stop);
        if (r.ok) return r.value;
        // The seed retries every error; only a missing footage and a cancellation are final.
        const final = r.error.name === 'MediaCancelledError' || r.error.message === 'no footage' || slot.abort.signal.aborted;
        throw new ClipFailure(r.error.message, !final, r.error.name);
      }, slot.abort.signal);
      done(job, v, out, now() - started);
    } catch (e) {
      failed(job, v, e, slot.why);
    }
  }

  // A cut moves its video only out of `processing`. Anything else means the video was taken from it while it ran
  // (cancelled, or put back to `pending` for a changed window): whoever did that owns the video and its cut job, so
  // the cut's result is dropped and the job is left as they set it.
  function done(job: JobRow, v: VideoRow, out: ClipTaskOutput, ms: number): void {
    const moved = deps.db.transaction(() => {
      if (!videos.setStatusIf(v.id, ['processing'], 'uploading', null, iso())) return false;
      videos.setResult(v.id, { ...out }, iso());
      jobs.enqueue({ kind: 'upload', payload: { uniqueId: v.unique_id } satisfies DeliveryJobPayload, dedupeKey: `upload:${v.unique_id}`, maxAttempts: DELIVERY_JOB_ATTEMPTS, runAtMs: now() }, iso());
      jobs.complete(job.id, now());
      return true;
    })();
    if (!moved) {
      for (const f of [out.file, out.previewFile, out.thumbnailFile]) fs.rmSync(f, { force: true });
      const cur = videos.get(v.unique_id);
      deps.logger.info(`🎬 VIDEO: ${v.unique_id} cut dropped: the video became ${cur?.status ?? 'deleted'} while it was cut`);
      return;
    }
    emit({ type: 'video:status', uniqueId: v.unique_id, bookingId: v.booking_id, camera: v.camera, videoType: v.type, status: 'uploading', reason: null });
    const missing = out.coverage < 1 ? `, ${Math.round((1 - out.coverage) * 100)}% of the window has no footage` : '';
    deps.logger.info(`🎬 VIDEO: ${v.unique_id} cut: ${out.durationSec.toFixed(1)}s, coverage ${(out.coverage * 100).toFixed(1)}%${missing}`);
    emit({ type: 'clip:done', uniqueId: v.unique_id, camera: v.camera, seconds: ms / 1000, coverage: out.coverage });
  }

  function failed(job: JobRow, v: VideoRow, e: unknown, why: 'cancel' | 'stop' | undefined): void {
    if (why === 'cancel') return; // the scanner already cancelled (or reopened) the video and its job
    if (videos.get(v.unique_id)?.status !== 'processing') return; // taken from this cut meanwhile (see done)
    if (why === 'stop') {
      // Interrupted by a shutdown: not a failure, the next start runs it again.
      setStatus(v, 'pending', 'interrupted by shutdown');
      return jobs.retryAt(job.id, now(), 'interrupted by shutdown', now(), true);
    }
    const message = describeError(e);
    if (message === 'no footage') {
      setStatus(v, 'failed', 'no footage');
      return jobs.deadLetter(job.id, 'no footage', now());
    }
    const reason = `Video processing failed: ${message}`;
    deps.logger.error(`❌ ERROR: ${v.unique_id}: ${reason}`);
    setStatus(v, 'failed', reason);
    const delay = deps.jobDelaysMs[job.attempts - 1];
    if (job.attempts < job.max_attempts && delay !== undefined) jobs.retryAt(job.id, now() + delay, reason, now());
    else jobs.deadLetter(job.id, reason, now());
  }

  let stopped = false;
  const self = {
    /** Starts due jobs up to the concurrency, one per camera at a time. */
    pump(): number {
      let started = 0;
      while (running.size < opts.concurrency) {
        const busy = [...new Set([...running.values()].map((r) => r.camera))];
        const job = jobs.claim('cut', opts.owner, opts.leaseMs ?? 3_600_000, now(), busy);
        if (!job) break;
        const camera = job.group_key ?? '';
        const slot = { camera, abort: new AbortController(), why: undefined as 'cancel' | 'stop' | undefined, done: Promise.resolve() };
        const key = (JSON.parse(job.payload) as CutJobPayload).uniqueId;
        running.set(key, slot);
        slot.done = run(job, slot)
          .catch((e) => deps.logger.error(`🎬 VIDEO: cut job ${job.id} crashed: ${describeError(e)}`))
          .finally(() => {
            running.delete(key);
            // A free slot takes the next due cut at once rather than at the next poll.
            if (slot.why !== 'stop' && !stopped) setImmediate(() => { try { self.pump(); } catch { /* closed meanwhile: the next poll retries */ } });
          });
        started++;
      }
      return started;
    },
    /** Stops a running cut (its booking was cancelled). */
    abort(uniqueId: string): void {
      const r = running.get(uniqueId);
      if (!r) return;
      r.why = 'cancel';
      r.abort.abort();
    },
    /** How many cuts run now. */
    get active(): number {
      return running.size;
    },
    /** Resolves when every running cut has finished. */
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.all([...running.values()].map((r) => r.done));
    },
    /** Interrupts every running cut; their jobs go back to the queue. */
    async stop(): Promise<void> {
      stopped = true;
      for (const r of running.values()) { r.why = 'stop'; r.abort.abort(); }
      await this.idle();
    },
  };
  return self;
}

/** The worker's interface. */
export type CutWorker = ReturnType<typeof createCutWorker>;

