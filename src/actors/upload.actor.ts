// UploadActor: delivers each finished video's mp4, preview and thumbnail to the object store (R2), verified.

import { checkSlice } from '../config.js';
import { createJobsRepo, openDatabase } from '../db/index.js';
import { deliveryActor } from '../delivery/delivery-actor.js';
import { uploadStage } from '../delivery/upload.js';
import { createLocalStore, createS3Store } from '../storage/index.js';
import { runActor } from '../supervisor/index.js';
import type { NotificationOf } from './protocols.js';
import { startupWhileBusy } from './startup-busy.js';
import type { DeliveryActorData, DeliveryEvent, DeliveryReply, DeliveryRequest } from './delivery.messages.js';

runActor<DeliveryRequest, DeliveryReply, DeliveryEvent, DeliveryActorData, NotificationOf<'upload'>>(async (ctx) => {
  // The slice came through workerData: checked again on this thread, as the loader checked the environment.
  const d = checkSlice('upload', ctx.data);
  if (!d.s3 && !d.localStore) throw new Error('UploadActor started without an object store configuration');
  const store = d.s3 ? createS3Store(d.s3) : createLocalStore(d.localStore!);
  // A lock held at start-up (a restart during an operator's sqlite3 session) is waited out, not a start-up crash.
  const db = await startupWhileBusy(ctx, 'open the database', () => openDatabase(d.dbPath));
  await startupWhileBusy(ctx, 'requeue interrupted uploads', () => createJobsRepo(db).releaseRunning('upload'));
  const stage = uploadStage({ store, keyPrefix: d.s3?.keyPrefix ?? '', tried: new Set<number>() });
  return startupWhileBusy(ctx, 'start the upload runner', () => deliveryActor(ctx, db, stage));
});
