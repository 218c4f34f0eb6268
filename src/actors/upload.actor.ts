// UploadActor: delivers each finished video's mp4, preview and thumbnail to the object store (R2), verified.

import { openDatabase } from '../db/index.js';
import { deliveryActor } from '../delivery/delivery-actor.js';
import { DELIVERY_JOB_ATTEMPTS, uploadVideo } from '../delivery/upload.js';
import { createLocalStore, createS3Store } from '../storage/index.js';
import { runActor } from '../supervisor/index.js';
import type { DeliveryActorData, DeliveryEvent, DeliveryReply, DeliveryRequest } from './delivery.messages.js';

runActor<DeliveryRequest, DeliveryReply, DeliveryEvent, DeliveryActorData>((ctx) => {
  const d = ctx.data;
  if (!d.s3 && !d.localStore) throw new Error('UploadActor started without an object store configuration');
  const db = openDatabase(d.dbPath);
  const store = d.s3 ? createS3Store(d.s3) : createLocalStore(d.localStore!);
  const uploadDeps = { db, store, keyPrefix: d.s3?.keyPrefix ?? '', logger: ctx.logger, notifyAttempts: DELIVERY_JOB_ATTEMPTS, tried: new Set<number>() };
  return deliveryActor(ctx, {
    db, kind: 'upload', target: 'object-store', dependency: 'object store', stage: 'uploading', concurrency: d.concurrency,
    quickDelaysMs: d.quickDelaysMs, jobDelaysMs: d.jobDelaysMs, pollMs: d.pollMs ?? 1_000, breaker: d.breaker,
    handle: (job, signal) => uploadVideo(uploadDeps, job, signal),
    queuedLines: (id) => [
      `🌐 CONNECTIVITY: Offline - menambahkan upload task ke queue untuk ${id}...`,
      `📦 QUEUE: Upload task queued untuk video ${id} - akan diproses saat online`,
    ],
  });
});
