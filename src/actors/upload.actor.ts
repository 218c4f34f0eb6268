// UploadActor: delivers each finished video's mp4, preview and thumbnail to the object store (R2), verified.

import { openDatabase } from '../db/index.js';
import { deliveryActor } from '../delivery/delivery-actor.js';
import { uploadVideo } from '../delivery/upload.js';
import { createLocalStore, createS3Store } from '../storage/index.js';
import { runActor } from '../supervisor/index.js';
import type { DeliveryActorData, DeliveryEvent, DeliveryReply, DeliveryRequest } from './delivery.messages.js';

runActor<DeliveryRequest, DeliveryReply, DeliveryEvent, DeliveryActorData>((ctx) => {
  const d = ctx.data;
  if (!d.s3 && !d.localStore) throw new Error('UploadActor started without an object store configuration');
  const db = openDatabase(d.dbPath);
  const store = d.s3 ? createS3Store(d.s3) : createLocalStore(d.localStore!);
  const uploadDeps = { store, keyPrefix: d.s3?.keyPrefix ?? '', tried: new Set<number>() };
  return deliveryActor(ctx, db, {
    kind: 'upload', stage: 'uploading', target: 'object-store', dependency: 'object store', label: 'File Upload', failure: 'Upload',
    run: (v, job, signal) => uploadVideo(uploadDeps, v, job, signal),
    doneOptions: (r) => ({ urls: r.urls }),
    bytes: (r) => r.sent,
    doneLine: (id) => `📤 SUCCESS: Direct upload completed for ${id}`,
    lateLine: (id, status) => `📤 UPLOAD: ${id} was ${status} when its upload finished; not announced`,
    queuedLines: (id) => [
      `🌐 CONNECTIVITY: Offline - menambahkan upload task ke queue untuk ${id}...`,
      `📦 QUEUE: Upload task queued untuk video ${id} - akan diproses saat online`,
    ],
  });
});
