// The `upload` job kind's I/O: a video's mp4, preview and thumbnail to the object store, each verified by size.
// The lifecycle then moves the video to `notifying` and queues its notification (see delivery-actor.ts).

import fs from 'node:fs';
import type { VideoRow } from '../db/index.js';
import type { DeliveryStage } from './delivery-actor.js';
import { PermanentError, RetryableError } from '../errors.js';
import { videoObjectKeys, type ObjectStore } from '../storage/index.js';

const TYPES = { mp4: 'video/mp4', preview: 'video/mp4', thumbnail: 'image/jpeg' } as const;

/** Dependencies of {@link uploadVideo}. */
export interface UploadDeps {
  store: ObjectStore;
  keyPrefix: string;
  /** Jobs this process has already tried (a retry looks for objects stored by the earlier try). */
  tried?: Set<number>;
}

/** What an upload did: the bytes sent (objects already stored are not sent again) and the objects' public URLs. */
export interface UploadResult {
  sent: number;
  urls: { mp4: string; preview: string; thumbnail: string };
}

/** Uploads the three files of `v` for job `jobId` (its `attempts` say whether an earlier try may have stored some). */
async function uploadVideo(
  deps: UploadDeps,
  v: VideoRow,
  job: { id: number; attempts: number },
  signal: AbortSignal,
): Promise<UploadResult> {
  let sent = 0;
  const keys = videoObjectKeys(deps.keyPrefix, v.unique_id);
  const tried = deps.tried ?? new Set<number>();
  const retry = job.attempts > 1 || tried.has(job.id);
  if (tried.size > 10_000) tried.clear();
  tried.add(job.id);
  const files = { mp4: v.file, preview: v.preview_file, thumbnail: v.thumbnail_file };
  for (const part of ['mp4', 'preview', 'thumbnail'] as const) {
    const file = files[part];
    if (!file || !fs.existsSync(file))
      throw new PermanentError(`the local ${part} file of ${v.unique_id} is missing`, { code: 'file-missing' });
    const local = fs.statSync(file).size;
    // A retry (in this process, or after a crash) first looks for what is already stored with the right size;
    // the very first try has nothing there and saves the request.
    if (retry && (await deps.store.size(keys[part], signal)) === local) continue;
    const put = await deps.store.put(keys[part], file, TYPES[part], signal);
    sent += put.size;
    // Verified by the store's answer (its ETag is the file's MD5), or else by reading the stored size back.
    if (put.verified) continue;
    const stored = await deps.store.size(keys[part], signal);
    if (stored !== local) {
      throw new RetryableError(`${keys[part]} holds ${stored ?? 'nothing'} bytes after upload, expected ${local}`, {
        code: 'store-failed',
      });
    }
  }
  return {
    sent,
    urls: {
      mp4: deps.store.publicUrl(keys.mp4),
      preview: deps.store.publicUrl(keys.preview),
      thumbnail: deps.store.publicUrl(keys.thumbnail),
    },
  };
}

/** The upload stage: its I/O, the URLs `upload:done` records, and its seed log lines. */
export function uploadStage(deps: UploadDeps): DeliveryStage<'upload', UploadResult> {
  return {
    kind: 'upload',
    stage: 'uploading',
    target: 'object-store',
    dependency: 'object store',
    label: 'File Upload',
    failure: 'Upload',
    run: (v, job, signal) => uploadVideo(deps, v, job, signal),
    doneOptions: (r) => ({ urls: r.urls }),
    bytes: (r) => r.sent,
    doneLine: (id) => `📤 SUCCESS: Direct upload completed for ${id}`,
    lateLine: (id, status) => `📤 UPLOAD: ${id} was ${status} when its upload finished; not announced`,
    queuedLines: (id) => [
      `🌐 CONNECTIVITY: Offline - menambahkan upload task ke queue untuk ${id}...`,
      `📦 QUEUE: Upload task queued untuk video ${id} - akan diproses saat online`,
    ],
  };
}
