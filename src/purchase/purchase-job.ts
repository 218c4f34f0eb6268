// The `purchase` job kind, run by UploadActor's thread (its store and its UPLOAD_MAX_MBPS cap): a purchase's
// renditions made once from the video's local MP4 (renditions.ts), then every object uploaded and verified as uploads
// are today. Its success moves the purchase to `saving` and queues `save-video` in the same transaction.
//
// Across kill -9: a purchase killed while rendering renders again (the render's output is kept only once complete);
// one killed while uploading keeps its renditions (result.json) and sends only what the store does not already hold
// with the right size.

import fs from 'node:fs';
import path from 'node:path';
import type { DeliveryActorData, DeliveryEvent } from '../actors/delivery.messages.js';
import {
  createJobsRepo,
  createPurchasesRepo,
  createSegmentsRepo,
  createVideosRepo,
  type Db,
  type PurchaseRow,
  type VideoRow,
} from '../db/index.js';
import { createStoredObjects } from '../delivery/stored-objects.js';
import type { UploadDeps } from '../delivery/upload.js';
import { PermanentError, RetryableError } from '../errors.js';
import { attemptsOf, jobKey, type JobKindSpec } from '../pipeline/index.js';
import type { ActorContext } from '../supervisor/index.js';
import { videoObjectKeys } from '../storage/index.js';
import { cutClip, footageOf } from '../video/clip.js';
import type { SavedRendition } from './ayo-calls.js';
import { reportRefused } from './outcomes.js';
import type { RenderFn, RenderResult } from './render.js';

/** What a purchase's run did: save-video's `video` array and the bytes sent. */
export interface PurchaseRunResult {
  video: SavedRendition[];
  sent: number;
}

/** The purchase's renditions: kept from an earlier run (a kill during upload), or made now. */
async function renditionsOf(
  render: RenderFn,
  outDir: string,
  sourceOf: () => Promise<string>,
  uniqueId: string,
  signal: AbortSignal,
): Promise<RenderResult> {
  const done = path.join(outDir, 'result.json');
  try {
    const kept = JSON.parse(fs.readFileSync(done, 'utf8')) as RenderResult;
    if (kept.objects.every((o) => fs.existsSync(o.path))) return kept;
  } catch {
    // Nothing complete there: made again from scratch.
  }
  const source = await sourceOf();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const result = await render({ uniqueId, source, outDir, signal });
  if (result.renditions.length === 0)
    throw new PermanentError(
      `no rendition could be made of ${uniqueId}: ${result.skipped.map((s) => s.reason).join('; ')}`,
      {
        code: 'permanent',
      },
    );
  fs.writeFileSync(`${done}.tmp`, JSON.stringify(result));
  fs.renameSync(`${done}.tmp`, done);
  return result;
}

/** Uploads every object of `r` (verified by size, as the announcement's uploads); returns the bytes sent. */
async function uploadAll(
  deps: UploadDeps,
  r: RenderResult,
  resend: ReadonlySet<string>,
  signal: AbortSignal,
): Promise<number> {
  let sent = 0;
  for (const o of r.objects) {
    const key = `${deps.keyPrefix}${o.key}`;
    const local = fs.statSync(o.path).size;
    if (!resend.has(o.key) && (await deps.store.size(key, signal)) === local) continue;
    const put = await deps.store.put(key, o.path, o.contentType, signal, { priority: 'high' });
    sent += put.size;
    const stored = put.verified ? local : await deps.store.size(key, signal);
    if (stored !== local)
      throw new RetryableError(`${key} holds ${stored ?? 'nothing'} bytes after upload, expected ${local}`, {
        code: 'store-failed',
      });
  }
  return sent;
}

/** save-video's `video` array: one entry per rendition, each with the download MP4. */
function savedRenditions(deps: Pick<UploadDeps, 'store' | 'keyPrefix'>, r: RenderResult): SavedRendition[] {
  const download = deps.store.publicUrl(`${deps.keyPrefix}${r.mp4Key}`);
  return [...r.renditions]
    .sort((a, b) => a.height - b.height)
    .map((x) => ({
      stream_path: deps.store.publicUrl(`${deps.keyPrefix}${x.playlistKey}`),
      download_path: download,
      resolution: String(x.height),
    }));
}

/** Dependencies of the `purchase` kind beside UploadActor's. */
export interface PurchaseJobDeps {
  render: RenderFn;
  /** Where a purchase's renditions are made: `<dir>/<unique_id>`. */
  workDir: string;
  concurrency: number;
  /** Where the footage is, to cut a video again whose local MP4 retention removed (VIDEO_RETENTION_DAYS). */
  footage?: { recordingsDir: string; ffmpeg: string; ffprobe: string };
}

/**
 * The video's MP4 made again into `out` when its local file went (VIDEO_RETENTION_DAYS): cut from its footage (kept
 * for RECORDING_RETENTION_HOURS), else downloaded from the bucket (FULL_VIDEO_UPLOAD=always). Throws `file-missing`
 * when neither is left.
 */
async function sourceAgain(
  db: Db,
  deps: UploadDeps,
  v: VideoRow,
  p: PurchaseJobDeps,
  out: string,
  signal: AbortSignal,
): Promise<string> {
  const segments = footageOf(
    createSegmentsRepo(db),
    p.footage!.recordingsDir,
    v.camera,
    v.window_start_ms,
    v.window_end_ms,
  );
  if (segments.length === 0) {
    if (!createStoredObjects(db).of(v.unique_id).includes('mp4'))
      throw new PermanentError(`the local video file and the footage of ${v.unique_id} are gone`, {
        code: 'file-missing',
      });
    await deps.store.download(videoObjectKeys(deps.keyPrefix, v.unique_id).mp4, out, signal);
    return out;
  }
  const r = await cutClip({
    segments,
    windowStartMs: v.window_start_ms,
    windowEndMs: v.window_end_ms,
    out,
    ffmpeg: p.footage!.ffmpeg,
    ffprobe: p.footage!.ffprobe,
    signal,
  });
  return r.file;
}

/** The `purchase` kind over UploadActor's store, rate cap and database. */
export function purchaseJobSpec(
  ctx: ActorContext<DeliveryEvent, DeliveryActorData>,
  db: Db,
  deps: UploadDeps,
  p: PurchaseJobDeps,
): JobKindSpec<'purchase', PurchaseRunResult> {
  const purchases = createPurchasesRepo(db);
  const videos = createVideosRepo(db);
  const jobs = createJobsRepo(db);
  const d = ctx.data;
  const delays = d.jobDelays.purchase ?? d.jobDelays.upload;
  const now = () => Date.now();
  const row = (id: string): PurchaseRow | undefined => purchases.get(id);
  return {
    kind: 'purchase',
    delaysMs: delays,
    quickDelaysMs: d.quickDelaysMs,
    concurrency: p.concurrency,
    dependency: { name: 'object store', key: 'object-store', breaker: d.breaker },
    label: (job) => `Purchase ${job.payload.videoRequestId} of ${job.payload.uniqueId}`,
    admit(job) {
      const state = row(job.payload.videoRequestId)?.state;
      if (state !== 'queued' && state !== 'rendering' && state !== 'uploading')
        return { skip: `the purchase is ${state ?? 'gone'}` };
      // FULL_VIDEO_UPLOAD=always puts the plain MP4 at the download's key: it goes first, or it would overwrite the
      // top rendition (the fragmented MP4 its playlist addresses by byte ranges).
      const full = jobs.byKey(jobKey('upload-full', job.payload.uniqueId))?.status;
      return full === 'pending' || full === 'running'
        ? { wait: 5_000, why: 'the full MP4 upload of this video (the same key) runs first' }
        : { run: true };
    },
    async run(job, signal) {
      const { videoRequestId: id, uniqueId } = job.payload;
      const v = videos.get(uniqueId);
      const local = v?.file && fs.existsSync(v.file) ? v.file : undefined;
      if (!v || (!local && !p.footage))
        throw new PermanentError(`the local video file of ${uniqueId} is gone`, { code: 'file-missing' });
      purchases.move(id, ['queued', 'uploading'], 'rendering', null, now());
      // Without its local MP4 the video is cut again from its footage, or fetched from the bucket, beside (not in) the
      // renditions' folder.
      const again = path.join(p.workDir, `${uniqueId}.source.mp4`);
      const sourceOf = async () => local ?? (await sourceAgain(db, deps, v, p, again, signal));
      const r = await renditionsOf(p.render, path.join(p.workDir, uniqueId), sourceOf, uniqueId, signal).finally(() =>
        fs.rmSync(again, { force: true }),
      );
      purchases.move(id, ['rendering'], 'uploading', `${r.objects.length} objects`, now());
      // The download's key may hold the plain MP4 of FULL_VIDEO_UPLOAD=always, whatever its size: sent again.
      const full = jobs.byKey(jobKey('upload-full', uniqueId))?.status === 'done';
      const sent = await uploadAll(deps, r, new Set(full ? [r.mp4Key] : []), signal);
      return { video: savedRenditions(deps, r), sent };
    },
    onDone(job, r, ms) {
      const { videoRequestId: id, uniqueId } = job.payload;
      const moved = purchases.move(id, ['uploading', 'rendering', 'queued'], 'saving', null, now(), { video: r.video });
      // Its renditions are in the bucket now: BUCKET_RETENTION_DAYS counts from here.
      createStoredObjects(db).uploaded(uniqueId, now());
      if (moved)
        jobs.enqueue(
          {
            kind: 'save-video',
            payload: { uniqueId, videoRequestId: id },
            dedupeKey: jobKey('save-video', id),
            maxAttempts: attemptsOf(d.jobDelays['save-video'] ?? d.jobDelays.notify),
            runAtMs: now(),
          },
          new Date().toISOString(),
        );
      // Every object is verified in the store: the local renditions (a second copy of the video) are not kept.
      fs.rmSync(path.join(p.workDir, uniqueId), { recursive: true, force: true });
      ctx.logger.info(`🛒 PURCHASE: renditions of ${uniqueId} for request ${id} are in the store; save-video queued`);
      ctx.emit({ type: 'delivery:done', kind: 'purchase', uniqueId, ms, bytes: r.sent, bytesByKind: { hls: r.sent } });
    },
    onFailed(job, reason, final, error) {
      const { videoRequestId: id, uniqueId } = job.payload;
      ctx.logger.error(
        `❌ ERROR: purchase ${id} of ${uniqueId} failed${final ? ' for good (dead letter)' : ', queued again'}: ${reason}`,
      );
      if (final) {
        // Its footage went meanwhile: AYO hears the request is incompleted, as at intake.
        const gone = (error as { code?: unknown } | undefined)?.code === 'file-missing';
        if (gone) reportRefused(db, id, 'incompleted', reason, now());
        else purchases.move(id, ['queued', 'rendering', 'uploading'], 'failed', reason, now());
        ctx.emit({ type: 'purchase:outcome', outcome: gone ? 'incompleted' : 'failed' });
      }
      ctx.emit({ type: 'delivery:failed', kind: 'purchase', uniqueId, reason, final });
    },
  };
}
