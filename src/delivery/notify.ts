// The `notify` job kind's I/O: AYO's save-video-available for a video whose preview and thumbnail are verified in the
// store.

import type { AyoClient } from '../ayo/index.js';
import { toVenueIso } from '../util/venue-time.js';
import type { DeliveryStage } from './delivery-actor.js';

/** The fields of save-video-available for a video. */
function saveVideoAvailableFields(
  v: {
    booking_id: string;
    type: string;
    preview_url: string | null;
    thumbnail_url: string | null;
    unique_id: string;
    window_start_ms: number;
    window_end_ms: number;
    duration_sec: number | null;
  },
  timeZone: string,
) {
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

/**
 * Tells AYO about the video. A crash between AYO's answer and the lifecycle's `notify:done` repeats the call after the
 * restart; the deterministic unique_id makes that repeat idempotent at AYO.
 */
async function notifyVideo(
  ayo: AyoClient,
  v: Parameters<typeof saveVideoAvailableFields>[0],
  timeZone: string,
  signal: AbortSignal,
): Promise<void> {
  await ayo.call('POST', 'save-video-available', saveVideoAvailableFields(v, timeZone), signal);
}

/**
 * The notification stage: save-video-available, and its seed log lines. With FULL_VIDEO_UPLOAD=always its success
 * also queues the full MP4's upload (`notify:done-upload-full`).
 */
export function notifyStage(
  ayo: AyoClient,
  timeZone: string,
  fullVideoUpload: 'on-purchase' | 'always' = 'on-purchase',
): DeliveryStage<'notify', void> {
  return {
    kind: 'notify',
    doneEvent: fullVideoUpload === 'always' ? 'notify:done-upload-full' : 'notify:done',
    stage: 'notifying',
    target: 'ayo',
    dependency: 'AYO',
    label: 'API Notification',
    failure: 'AYO notification',
    run: (v, _job, signal) => notifyVideo(ayo, v, timeZone, signal),
    doneLine: (id) => `🔔 SUCCESS: Direct API notification sent for ${id}`,
    lateLine: (id, status) => `🔔 NOTIFY: AYO accepted ${id}, but its video was ${status} meanwhile; left as it is`,
    queuedLines: (id) => [`📦 QUEUE: API notification task queued untuk video ${id}`],
  };
}
