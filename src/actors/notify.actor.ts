// NotifyActor: tells AYO (save-video-available) about each uploaded video; `ready` once AYO acknowledged it.

import { createAyoClient } from '../ayo/index.js';
import { openDatabase } from '../db/index.js';
import { deliveryActor } from '../delivery/delivery-actor.js';
import { notifyVideo } from '../delivery/notify.js';
import { runActor } from '../supervisor/index.js';
import type { DeliveryActorData, DeliveryEvent, DeliveryReply, DeliveryRequest } from './delivery.messages.js';

runActor<DeliveryRequest, DeliveryReply, DeliveryEvent, DeliveryActorData>((ctx) => {
  const d = ctx.data;
  if (!d.ayo) throw new Error('NotifyActor started without AYO credentials');
  const db = openDatabase(d.dbPath);
  const notifyDeps = { db, ayo: createAyoClient(d.ayo), timeZone: d.timeZone, logger: ctx.logger };
  return deliveryActor(ctx, {
    db, kind: 'notify', target: 'ayo', dependency: 'AYO', stage: 'notifying', concurrency: d.concurrency,
    quickDelaysMs: d.quickDelaysMs, jobDelaysMs: d.jobDelaysMs, pollMs: d.pollMs ?? 1_000, breaker: d.breaker,
    handle: (job, signal) => notifyVideo(notifyDeps, job, signal),
    queuedLines: (id) => [`📦 QUEUE: API notification task queued untuk video ${id}`],
  });
});
