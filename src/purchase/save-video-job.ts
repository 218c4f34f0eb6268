// The `save-video` job kind, run by NotifyActor's thread (its AYO client and circuit): a purchase whose every object
// is verified in the store is delivered to AYO. 4xx is permanent, 5xx and timeouts retry with the kind's delays, an
// outage spends no attempt (the job runner's rules, as for save-video-available).
//
// Exactly once: the purchase moves to `delivered` in the transaction that completes the job, right after AYO's
// answer. A kill -9 before AYO answered (the call in flight, or refused) repeats it after the restart; only a kill in
// the instant between AYO's acceptance and that commit could repeat an accepted call, as for save-video-available.

import type { DeliveryActorData, DeliveryEvent } from '../actors/delivery.messages.js';
import type { AyoClient } from '../ayo/index.js';
import { createPurchasesRepo, createVideosRepo, type Db } from '../db/index.js';
import { PermanentError } from '../errors.js';
import type { JobKindSpec } from '../pipeline/index.js';
import type { ActorContext } from '../supervisor/index.js';
import { postSaveVideo, type SavedRendition } from './ayo-calls.js';

/** The `save-video` kind over NotifyActor's AYO client and database. */
export function saveVideoJobSpec(
  ctx: ActorContext<DeliveryEvent, DeliveryActorData>,
  db: Db,
  ayo: AyoClient,
): JobKindSpec<'save-video', void> {
  const purchases = createPurchasesRepo(db);
  const videos = createVideosRepo(db);
  const d = ctx.data;
  return {
    kind: 'save-video',
    delaysMs: d.jobDelays['save-video'] ?? d.jobDelays.notify,
    quickDelaysMs: d.quickDelaysMs,
    concurrency: 2,
    dependency: { name: 'AYO', key: 'ayo', breaker: d.breaker },
    label: (job) => `save-video for request ${job.payload.videoRequestId}`,
    admit: (job) => {
      const state = purchases.get(job.payload.videoRequestId)?.state;
      return state === 'saving' ? { run: true } : { skip: `the purchase is ${state ?? 'gone'}` };
    },
    async run(job, signal) {
      const p = purchases.get(job.payload.videoRequestId)!;
      const v = videos.get(p.unique_id);
      if (!v || !p.video)
        throw new PermanentError(`purchase ${p.video_request_id} has no video or no renditions recorded`, {
          code: 'permanent',
        });
      await postSaveVideo(
        ayo,
        {
          videoRequestId: p.video_request_id,
          bookingId: p.booking_id ?? v.booking_id,
          type: v.type,
          windowStartMs: v.window_start_ms,
          windowEndMs: v.window_end_ms,
          video: JSON.parse(p.video) as SavedRendition[],
        },
        d.timeZone,
        signal,
      );
    },
    onDone(job) {
      const id = job.payload.videoRequestId;
      const now = Date.now();
      const p = purchases.get(id);
      if (!purchases.move(id, ['saving'], 'delivered', null, now, { deliveredAtMs: now })) return;
      ctx.logger.info(`🛒 SUCCESS: purchase ${id} of ${job.payload.uniqueId} delivered (save-video accepted)`);
      ctx.emit({ type: 'delivery:done', kind: 'save-video', uniqueId: job.payload.uniqueId, ms: 0 });
      ctx.emit({
        type: 'purchase:outcome',
        outcome: 'delivered',
        seconds: p ? Math.max(0, (now - p.seen_at_ms) / 1000) : undefined,
      });
    },
    onFailed(job, reason, final) {
      const id = job.payload.videoRequestId;
      ctx.logger.error(
        `❌ ERROR: save-video for ${id} failed${final ? ' for good (dead letter)' : ', queued again'}: ${reason}`,
      );
      if (final && purchases.move(id, ['saving'], 'failed', `save-video failed: ${reason}`, Date.now()))
        ctx.emit({ type: 'purchase:outcome', outcome: 'failed' });
      ctx.emit({ type: 'delivery:failed', kind: 'save-video', uniqueId: job.payload.uniqueId, reason, final });
    },
  };
}
