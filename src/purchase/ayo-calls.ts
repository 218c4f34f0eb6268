// The purchase flow's calls of AYO's partner API: the request list, and save-video for a delivered purchase.

import type { AyoClient } from '../ayo/index.js';
import { toVenueIso } from '../util/venue-time.js';

/** The `data` of GET video-requests, unread (decide.ts reads it). */
export function fetchVideoRequests(client: AyoClient, signal?: AbortSignal): Promise<unknown> {
  return client.call('GET', 'video-requests', {}, signal);
}

/** One entry of save-video's `video` array: a rendition's playlist, the download MP4, and the height as text. */
export interface SavedRendition {
  stream_path: string;
  download_path: string;
  resolution: string;
}

/** What save-video needs of a purchase and its video. */
export interface SaveVideoInput {
  videoRequestId: string;
  bookingId: string;
  type: string;
  windowStartMs: number;
  windowEndMs: number;
  video: readonly SavedRendition[];
}

/**
 * The fields of save-video: the booking window (never processing times) with the venue's offset, and one `video`
 * entry per rendition (signed as AYO signs arrays of objects: src/ayo/signature.ts).
 */
function saveVideoFields(p: SaveVideoInput, timeZone: string) {
  return {
    video_request_id: p.videoRequestId,
    booking_id: p.bookingId,
    type: p.type,
    start_timestamp: toVenueIso(new Date(p.windowStartMs), timeZone),
    end_timestamp: toVenueIso(new Date(p.windowEndMs), timeZone),
    video: p.video.map((v) => ({ ...v })),
  };
}

/** Posts save-video; resolves once AYO accepted it. */
export async function postSaveVideo(
  client: AyoClient,
  p: SaveVideoInput,
  timeZone: string,
  signal: AbortSignal,
): Promise<void> {
  await client.call('POST', 'save-video', saveVideoFields(p, timeZone), signal);
}
