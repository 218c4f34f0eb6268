// The notification of one video: AYO's save-video-available, sent only once all three objects are verified;
// the video is `ready` only when AYO has acknowledged it.

import { createVideosRepo, type Db, type JobRow } from '../db/index.js';
import type { AyoClient } from '../ayo/index.js';
import type { Logger } from '../log.js';
import { toVenueIso } from '../util/venue-time.js';
import type { DeliveryJobPayload } from './upload.js';

/** Dependencies of {@link notifyVideo}. */
export interface NotifyDeps { db: Db; ayo: AyoClient; timeZone: string; logger: Logger; now?: () => number }

/** The fields of save-video-available for a video. */
export function saveVideoAvailableFields(v: { booking_id: string; type: string; preview_url: string | null; thumbnail_url: string | null; unique_id: string; window_start_ms: number; window_end_ms: number; duration_sec: number | null }, timeZone: string) {
  return {
    booking_id: v.booking_id,
    type: v.type,
    preview_path: v.preview_url ?? '',
    image_path: v.thumbnail_url ?? '',
    unique_id: v.unique_id,
    start_timestamp: toVenueIso(new Date(v.window_start_ms), timeZone),
    end_timestamp: toVenueIso(new Date(v.window_end_ms), timeZone),
    duration: String(Math.round(v.duration_sec ?? (v.window_end_ms - v.window_start_ms) / 1000)),
  };
}

/** Tells AYO about the video of a notify job; a video that is no longer `notifying` is left alone. */
export async function notifyVideo(deps: NotifyDeps, job: JobRow, signal: AbortSignal): Promise<void> {
  const videos = createVideosRepo(deps.db);
  const { uniqueId } = JSON.parse(job.payload) as DeliveryJobPayload;
  const v = videos.get(uniqueId);
  if (!v || v.status !== 'notifying') return;
  await deps.ayo.call('POST', 'save-video-available', saveVideoAvailableFields(v, deps.timeZone), signal);
  // AYO answered: record it at once. A crash between the answer and this line repeats the call after the restart;
  // the deterministic unique_id makes that repeat idempotent at AYO.
  if (!videos.setStatusIf(v.id, ['notifying'], 'ready', null, new Date((deps.now ?? Date.now)()).toISOString())) {
    deps.logger.warn(`🔔 NOTIFY: AYO accepted ${uniqueId}, but its video was ${videos.get(uniqueId)?.status ?? 'deleted'} meanwhile; left as it is`);
    return;
  }
  deps.logger.info(`🔔 SUCCESS: Direct API notification sent for ${uniqueId}`);
}
