// The `upload` job kind's I/O: what a video's announcement shows (its preview and thumbnail) to the object store, each
// verified by size. The lifecycle then moves the video to `notifying` and queues its notification (see
// delivery-actor.ts). The full MP4 stays local (FULL_VIDEO_UPLOAD=on-purchase) or goes up after the announcement, at
// low priority (`always`, the `upload-full` kind: upload-full.ts).

import fs from 'node:fs';
import type { UploadedKind } from '../actors/delivery.messages.js';
import type { VideoRow } from '../db/index.js';
import type { DeliveryStage } from './delivery-actor.js';
import { PermanentError, RetryableError } from '../errors.js';
import { videoObjectKeys, type ObjectStore } from '../storage/index.js';
import type { StoredObject } from './stored-objects.js';

const TYPES = { mp4: 'video/mp4', preview: 'video/mp4', thumbnail: 'image/jpeg' } as const;
const METRIC_KIND: Record<StoredObject, UploadedKind> = { mp4: 'full', preview: 'preview', thumbnail: 'thumbnail' };

/** What an announcement needs in the store. */
const ANNOUNCED_OBJECTS: readonly StoredObject[] = ['preview', 'thumbnail'];

/** Dependencies of {@link uploadObjects}. */
export interface UploadDeps {
  store: ObjectStore;
  keyPrefix: string;
  /** Jobs this process has already tried (a retry looks for objects stored by the earlier try). */
  tried?: Set<number>;
  /** Called once each object is verified in the store (it records `videos.stored_objects`). */
  onStored?(uniqueId: string, object: StoredObject, url: string): void;
}

/** What an upload did: the bytes sent (objects already stored are not sent again) and the objects' public URLs. */
export interface UploadResult {
  sent: number;
  /** `sent` by `upload_bytes_total` kind. */
  bytesByKind: Partial<Record<UploadedKind, number>>;
  /** `mp4` is null unless the full video is in the store (uploaded now, or earlier). */
  urls: { mp4: string | null; preview: string; thumbnail: string };
}

/**
 * Uploads `objects` of `v` for job `jobId` (its `attempts` say whether an earlier try may have stored some), at
 * `priority` under the upload rate cap.
 */
export async function uploadObjects(
  deps: UploadDeps,
  v: VideoRow,
  objects: readonly StoredObject[],
  job: { id: number; attempts: number },
  signal: AbortSignal,
  priority: 'high' | 'low' = 'high',
): Promise<UploadResult> {
  let sent = 0;
  const bytesByKind: UploadResult['bytesByKind'] = {};
  const keys = videoObjectKeys(deps.keyPrefix, v.unique_id);
  const tried = deps.tried ?? new Set<number>();
  const retry = job.attempts > 1 || tried.has(job.id);
  if (tried.size > 10_000) tried.clear();
  tried.add(job.id);
  const files = { mp4: v.file, preview: v.preview_file, thumbnail: v.thumbnail_file };
  for (const part of objects) {
    const file = files[part];
    if (!file || !fs.existsSync(file))
      throw new PermanentError(`the local ${part} file of ${v.unique_id} is missing`, { code: 'file-missing' });
    const local = fs.statSync(file).size;
    // A retry (in this process, or after a crash) first looks for what is already stored with the right size;
    // the very first try has nothing there and saves the request.
    if (!(retry && (await deps.store.size(keys[part], signal)) === local)) {
      const put = await deps.store.put(keys[part], file, TYPES[part], signal, { priority });
      sent += put.size;
      bytesByKind[METRIC_KIND[part]] = (bytesByKind[METRIC_KIND[part]] ?? 0) + put.size;
      // Verified by the store's answer (its ETag is the file's MD5), or else by reading the stored size back.
      const stored = put.verified ? local : await deps.store.size(keys[part], signal);
      if (stored !== local) {
        throw new RetryableError(`${keys[part]} holds ${stored ?? 'nothing'} bytes after upload, expected ${local}`, {
          code: 'store-failed',
        });
      }
    }
    deps.onStored?.(v.unique_id, part, deps.store.publicUrl(keys[part]));
  }
  return {
    sent,
    bytesByKind,
    urls: {
      mp4: objects.includes('mp4') ? deps.store.publicUrl(keys.mp4) : v.mp4_url,
      preview: deps.store.publicUrl(keys.preview),
      thumbnail: deps.store.publicUrl(keys.thumbnail),
    },
  };
}

/** The upload stage: its I/O (preview and thumbnail), the URLs `upload:done` records, and its seed log lines. */
export function uploadStage(deps: UploadDeps): DeliveryStage<'upload', UploadResult> {
  return {
    kind: 'upload',
    stage: 'uploading',
    target: 'object-store',
    dependency: 'object store',
    label: 'File Upload',
    failure: 'Upload',
    run: (v, job, signal) => uploadObjects(deps, v, ANNOUNCED_OBJECTS, job, signal),
    doneOptions: (r) => ({ urls: r.urls }),
    bytes: (r) => r.sent,
    bytesByKind: (r) => r.bytesByKind,
    doneLine: (id) => `📤 SUCCESS: Direct upload completed for ${id}`,
    lateLine: (id, status) => `📤 UPLOAD: ${id} was ${status} when its upload finished; not announced`,
    queuedLines: (id) => [
      `🌐 CONNECTIVITY: Offline - menambahkan upload task ke queue untuk ${id}...`,
      `📦 QUEUE: Upload task queued untuk video ${id} - akan diproses saat online`,
    ],
  };
}
