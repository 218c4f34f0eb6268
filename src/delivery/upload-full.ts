// The `upload-full` job kind (FULL_VIDEO_UPLOAD=always): a video's full MP4 to the object store after its
// announcement. Low priority in three ways: one at a time, it does not start while an announcement's upload is due or
// running, and its bytes yield the upload rate cap to those uploads. It never moves the video (already `ready`):
// `videos.stored_objects` and `mp4_url` record the MP4 once it is verified in the store.

import type { DeliveryActorData, DeliveryEvent } from '../actors/delivery.messages.js';
import { createVideosRepo, type Db } from '../db/index.js';
import type { JobKindSpec } from '../pipeline/index.js';
import type { ActorContext } from '../supervisor/index.js';
import { uploadObjects, type UploadDeps, type UploadResult } from './upload.js';

/** How long a full upload waits, when announcement uploads are due, before it asks again. */
const YIELD_MS = 2_000;

/** The `upload-full` kind over UploadActor's store (its rate cap too) and database. */
export function uploadFullJobSpec(
  ctx: ActorContext<DeliveryEvent, DeliveryActorData>,
  db: Db,
  deps: UploadDeps,
): JobKindSpec<'upload-full', UploadResult> {
  const videos = createVideosRepo(db);
  const d = ctx.data;
  // Announcement uploads due now or running: the full upload lets them go first.
  const announcing = db.prepare<[number], { n: number }>(
    `SELECT COUNT(*) AS n FROM jobs WHERE kind = 'upload'
       AND (status = 'running' OR (status = 'pending' AND run_at_ms <= ?))`,
  );
  return {
    kind: 'upload-full',
    delaysMs: d.jobDelays['upload-full'] ?? d.jobDelays.upload,
    quickDelaysMs: d.quickDelaysMs,
    concurrency: 1,
    dependency: { name: 'object store', key: 'object-store', breaker: d.breaker },
    label: (job) => `Full video upload for ${job.payload.uniqueId}`,
    admit(job) {
      const v = videos.get(job.payload.uniqueId);
      if (v?.status !== 'ready') return { skip: `its video is ${v?.status ?? 'gone'}` };
      if (!v.file) return { skip: 'its local video file is gone' };
      if (announcing.get(Date.now())!.n > 0) return { wait: YIELD_MS, why: 'announcement uploads go first' };
      return { run: true };
    },
    run: (job, signal) => {
      const v = videos.get(job.payload.uniqueId)!;
      return uploadObjects(deps, v, ['mp4'], job.job, signal, 'low');
    },
    onDone(job, r, ms) {
      const uid = job.payload.uniqueId;
      ctx.logger.info(`📤 SUCCESS: Full video of ${uid} uploaded after its announcement`);
      ctx.emit({
        type: 'delivery:done',
        kind: 'upload-full',
        uniqueId: uid,
        ms,
        bytes: r.sent,
        bytesByKind: r.bytesByKind,
      });
    },
    onFailed(job, reason, final) {
      const uid = job.payload.uniqueId;
      ctx.logger.error(
        `❌ ERROR: full video upload of ${uid} failed${final ? ' for good (dead letter)' : ', queued again'}: ${reason}`,
      );
      ctx.emit({ type: 'delivery:failed', kind: 'upload-full', uniqueId: uid, reason, final });
    },
  };
}
