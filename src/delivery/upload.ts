// The upload of one video: mp4, preview and thumbnail to the object store, each verified by size, then the
// public URLs stored, the video moved to `notifying` and its notification queued, in one transaction.

import fs from 'node:fs';
import { createJobsRepo, createVideosRepo, type Db, type JobRow } from '../db/index.js';
import { PermanentError, RetryableError } from '../errors.js';
import type { Logger } from '../log.js';
import { videoObjectKeys, type ObjectStore } from '../storage/index.js';

/** The payload of upload and notify jobs. */
export interface DeliveryJobPayload { uniqueId: string }

/** Durable attempts of an upload or notify job: the first run and DELIVERY_JOB_RETRY_DELAYS' five retries. */
export const DELIVERY_JOB_ATTEMPTS = 6;

const TYPES = { mp4: 'video/mp4', preview: 'video/mp4', thumbnail: 'image/jpeg' } as const;

/** Dependencies of {@link uploadVideo}. */
export interface UploadDeps {
  db: Db; store: ObjectStore; keyPrefix: string; logger: Logger; notifyAttempts: number; now?: () => number;
  /** Jobs this process has already tried (a retry looks for objects stored by the earlier try). */
  tried?: Set<number>;
}

/**
 * Uploads the video of an upload job; a video that is no longer `uploading` (cancelled) is left alone.
 * Answers the bytes sent (objects already stored are not sent again).
 */
export async function uploadVideo(deps: UploadDeps, job: JobRow, signal: AbortSignal): Promise<number> {
  const videos = createVideosRepo(deps.db);
  const { uniqueId } = JSON.parse(job.payload) as DeliveryJobPayload;
  const v = videos.get(uniqueId);
  if (!v || v.status !== 'uploading') return 0;
  let sent = 0;
  const keys = videoObjectKeys(deps.keyPrefix, uniqueId);
  const tried = deps.tried ?? new Set<number>();
  const retry = job.attempts > 1 || tried.has(job.id);
  if (tried.size > 10_000) tried.clear();
  tried.add(job.id);
  const files = { mp4: v.file, preview: v.preview_file, thumbnail: v.thumbnail_file };
  for (const part of ['mp4', 'preview', 'thumbnail'] as const) {
    const file = files[part];
    if (!file || !fs.existsSync(file)) throw new PermanentError(`the local ${part} file of ${uniqueId} is missing`);
    const local = fs.statSync(file).size;
    // A retry (in this process, or after a crash) first looks for what is already stored with the right size;
    // the very first try has nothing there and saves the request.
    if (retry && (await deps.store.size(keys[part], signal)) === local) continue;
    const put = await deps.store.put(keys[part], file, TYPES[part], signal);
    sent += put.size;
    // Verified by the store's answer (its ETag is the file's MD5), or else by reading the stored size back.
    if (put.verified) continue;
    const stored = await deps.store.size(keys[part], signal);
    if (stored !== local) throw new RetryableError(`${keys[part]} holds ${stored ?? 'nothing'} bytes after upload, expected ${local}`);
  }
  const now = new Date((deps.now ?? Date.now)()).toISOString();
  // Only out of `uploading`: a video cancelled while its objects went up is not announced.
  const moved = deps.db.transaction(() => {
    if (!videos.setStatusIf(v.id, ['uploading'], 'notifying', null, now)) return false;
    videos.setUrls(v.id, { mp4: deps.store.publicUrl(keys.mp4), preview: deps.store.publicUrl(keys.preview), thumbnail: deps.store.publicUrl(keys.thumbnail) }, now);
    createJobsRepo(deps.db).enqueue({
      kind: 'notify', payload: { uniqueId } satisfies DeliveryJobPayload, dedupeKey: `notify:${uniqueId}`,
      maxAttempts: deps.notifyAttempts, runAtMs: Date.parse(now),
    }, now);
    return true;
  })();
  if (!moved) {
    deps.logger.info(`📤 UPLOAD: ${uniqueId} was ${videos.get(uniqueId)?.status ?? 'deleted'} when its upload finished; not announced`);
    return sent;
  }
  deps.logger.info(`📤 SUCCESS: Direct upload completed for ${uniqueId}`);
  return sent;
}
