// UploadActor: delivers each finished video's preview and thumbnail to the object store (R2), verified, before its
// announcement; with FULL_VIDEO_UPLOAD=always, its full MP4 after it (the `upload-full` kind, at low priority). Every
// upload of this thread shares one UPLOAD_MAX_MBPS token bucket.

import path from 'node:path';
import { checkSlice } from '../config.js';
import { createJobsRepo, openDatabase } from '../db/index.js';
import { bucketDeleteJobSpec, startBucketRetention } from '../delivery/bucket-retention.js';
import { deliveryActor } from '../delivery/delivery-actor.js';
import { createStoredObjects } from '../delivery/stored-objects.js';
import { uploadFullJobSpec } from '../delivery/upload-full.js';
import { uploadStage, type UploadDeps, type UploadResult } from '../delivery/upload.js';
import { purchaseJobSpec } from '../purchase/purchase-job.js';
import { renderInForce } from '../purchase/render-in-force.js';
import { createLocalStore, createS3Store, createTokenBucket, mbpsToBytesPerSec } from '../storage/index.js';
import { runActor } from '../supervisor/index.js';
import type { NotificationOf } from './protocols.js';
import { startupWhileBusy } from './startup-busy.js';
import type { DeliveryActorData, DeliveryEvent, DeliveryReply, DeliveryRequest } from './delivery.messages.js';

runActor<DeliveryRequest, DeliveryReply, DeliveryEvent, DeliveryActorData, NotificationOf<'upload'>>(async (ctx) => {
  // The slice came through workerData: checked again on this thread, as the loader checked the environment.
  const d = checkSlice('upload', ctx.data);
  if (!d.s3 && !d.localStore) throw new Error('UploadActor started without an object store configuration');
  const rateCap = d.uploadMaxMbps > 0 ? createTokenBucket(mbpsToBytesPerSec(d.uploadMaxMbps)) : undefined;
  const store = d.s3 ? createS3Store(d.s3, { rateCap }) : createLocalStore(d.localStore!);
  // A lock held at start-up (a restart during an operator's sqlite3 session) is waited out, not a start-up crash.
  const db = await startupWhileBusy(ctx, 'open the database', () => openDatabase(d.dbPath));
  await startupWhileBusy(ctx, 'requeue interrupted uploads', () => createJobsRepo(db).releaseRunning('upload'));
  await startupWhileBusy(ctx, 'requeue interrupted full uploads', () =>
    createJobsRepo(db).releaseRunning('upload-full'),
  );
  const stored = createStoredObjects(db);
  const deps: UploadDeps = {
    store,
    keyPrefix: d.s3?.keyPrefix ?? '',
    tried: new Set<number>(),
    onStored: (uid, object, url) => stored.add(uid, object, url),
  };
  // Purchases (issue 11) render and upload here: their objects share this thread's store and rate cap.
  const dataDir = path.dirname(d.dbPath);
  const purchase =
    d.purchase &&
    purchaseJobSpec(ctx, db, deps, {
      render: renderInForce(dataDir, d.purchase.encoder),
      workDir: path.join(dataDir, 'media', 'purchases'),
      concurrency: d.purchase.concurrency,
      footage: { recordingsDir: d.purchase.recordingsDir, ffmpeg: d.purchase.ffmpeg, ffprobe: d.purchase.ffprobe },
    });
  // BUCKET_RETENTION_DAYS and cancelled bookings (issue 13): the store's own rule where it has one, else this thread's
  // `bucket-delete` jobs.
  const bucketDelete = bucketDeleteJobSpec({
    db,
    store,
    keyPrefix: deps.keyPrefix,
    logger: ctx.logger,
    delaysMs: d.jobDelays['bucket-delete'] ?? d.jobDelays.upload,
    quickDelaysMs: d.quickDelaysMs,
    breaker: d.breaker,
    days: d.bucketRetentionDays,
  });
  const actor = await startupWhileBusy(ctx, 'start the upload runner', () =>
    deliveryActor<'upload', UploadResult, 'upload-full' | 'purchase' | 'bucket-delete'>(ctx, db, uploadStage(deps), [
      uploadFullJobSpec(ctx, db, deps),
      ...(purchase ? [purchase] : []),
      bucketDelete,
    ]),
  );
  const retention = startBucketRetention({
    db,
    store,
    keyPrefix: deps.keyPrefix,
    days: d.bucketRetentionDays,
    logger: ctx.logger,
  });
  return {
    ...actor,
    async stop() {
      await retention.stop();
      await actor.stop?.();
    },
  };
});
