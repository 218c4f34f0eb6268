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
  const ayo = createAyoClient(d.ayo);
  return deliveryActor(ctx, db, {
    kind: 'notify', stage: 'notifying', target: 'ayo', dependency: 'AYO', label: 'API Notification', failure: 'AYO notification',
    run: (v, _job, signal) => notifyVideo(ayo, v, d.timeZone, signal),
    doneLine: (id) => `🔔 SUCCESS: Direct API notification sent for ${id}`,
    lateLine: (id, status) => `🔔 NOTIFY: AYO accepted ${id}, but its video was ${status} meanwhile; left as it is`,
    queuedLines: (id) => [`📦 QUEUE: API notification task queued untuk video ${id}`],
  });
});
