// NotifyActor: tells AYO (save-video-available) about each uploaded video; `ready` once AYO acknowledged it.

import { createAyoClient } from '../ayo/index.js';
import { checkSlice } from '../config.js';
import { openDatabase } from '../db/index.js';
import { deliveryActor } from '../delivery/delivery-actor.js';
import { notifyStage } from '../delivery/notify.js';
import { runActor } from '../supervisor/index.js';
import type { NotificationOf } from './protocols.js';
import type { DeliveryActorData, DeliveryEvent, DeliveryReply, DeliveryRequest } from './delivery.messages.js';

runActor<DeliveryRequest, DeliveryReply, DeliveryEvent, DeliveryActorData, NotificationOf<'notify'>>((ctx) => {
  // The slice came through workerData: checked again on this thread, as the loader checked the environment.
  const d = checkSlice('notify', ctx.data);
  if (!d.ayo) throw new Error('NotifyActor started without AYO credentials');
  return deliveryActor(ctx, openDatabase(d.dbPath), notifyStage(createAyoClient(d.ayo), d.timeZone));
});
