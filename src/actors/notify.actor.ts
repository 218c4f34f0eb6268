// NotifyActor: tells AYO (save-video-available) about each uploaded video; `ready` once AYO acknowledged it (and,
// with FULL_VIDEO_UPLOAD=always, its full MP4's upload queued after it).

import { createAyoClient } from '../ayo/index.js';
import { checkSlice } from '../config.js';
import { createJobsRepo, openDatabase } from '../db/index.js';
import { deliveryActor } from '../delivery/delivery-actor.js';
import { idReportJobSpec } from '../delivery/id-reports.js';
import { notifyStage } from '../delivery/notify.js';
import { saveVideoJobSpec } from '../purchase/save-video-job.js';
import { runActor } from '../supervisor/index.js';
import type { NotificationOf } from './protocols.js';
import { startupWhileBusy } from './startup-busy.js';
import type { DeliveryActorData, DeliveryEvent, DeliveryReply, DeliveryRequest } from './delivery.messages.js';

runActor<DeliveryRequest, DeliveryReply, DeliveryEvent, DeliveryActorData, NotificationOf<'notify'>>(async (ctx) => {
  // The slice came through workerData: checked again on this thread, as the loader checked the environment.
  const d = checkSlice('notify', ctx.data);
  if (!d.ayo) throw new Error('NotifyActor started without AYO credentials');
  // A lock held at start-up (a restart during an operator's sqlite3 session) is waited out, not a start-up crash.
  const db = await startupWhileBusy(ctx, 'open the database', () => openDatabase(d.dbPath));
  await startupWhileBusy(ctx, 'requeue interrupted notifications', () => createJobsRepo(db).releaseRunning('notify'));
  const ayo = createAyoClient(d.ayo);
  const stage = notifyStage(ayo, d.timeZone, d.fullVideoUpload);
  // Id lists to AYO (video-unavailable, refused purchase requests) share AYO's thread, connectivity and answers.
  const idReports = idReportJobSpec({
    db,
    ayo,
    logger: ctx.logger,
    delaysMs: d.jobDelays['id-report'] ?? d.jobDelays.notify,
    quickDelaysMs: d.quickDelaysMs,
    breaker: d.breaker,
  });
  // Purchases' save-video (issue 11): AYO's thread too, after their renditions are verified in the store.
  const saveVideo = saveVideoJobSpec(ctx, db, ayo);
  return startupWhileBusy(ctx, 'start the notify runner', () =>
    deliveryActor<'notify', void, 'id-report' | 'save-video'>(ctx, db, stage, [idReports, saveVideo]),
  );
});
