// Manual clips (the last CLIP_SECONDS of the booking running on a field), as POST /api/request-booking-video and the
// venue's highlight buttons ask for them: one function and one per-field limit for both, so that a button press and
// a tablet's request for the same field within 30 s make one clip, not two.

import { hasCode } from './errors.js';
import { ActorUnavailableError } from './supervisor/index.js';

/** A clip made: the booking, its window and the videos (one per camera). */
export interface ClipMade {
  bookingId: string;
  windowStart: string;
  windowEnd: string;
  videos: string[];
}

/** Makes the clip (VideoActor's `video:request-clip`); throws `not-found` when nothing was made. */
export type RequestClip = (fieldId: number, cameraName: string | undefined) => Promise<ClipMade>;

/** A request's outcome: the clip, or refused by the limit with the seconds since the last one and until the next. */
export type ManualClipOutcome =
  { ok: true; value: ClipMade } | { ok: false; code: 'limited'; sinceSeconds: number; retryAfterSeconds: number };

/** The shared manual-clip function with its per-field limit (see {@link createManualClips}). */
export interface ManualClips {
  /** Requests a clip of `fieldId` (one camera, or every camera of the field); errors as `requestClip` throws them. */
  request(fieldId: number, cameraName?: string): Promise<ManualClipOutcome>;
}

/** One manual clip per field per this interval: a second press at the venue must not double the work. */
const MANUAL_CLIP_LIMIT_MS = 30_000;

/**
 * Wraps `requestClip` with the per-field limit, held in memory on the main thread. A request is limited when the
 * previous one for its field was accepted less than `limitMs` ago, or is still being served; a refusal of the previous
 * one before anything was made (`not-found`: no booking running, no such camera) frees the field at once.
 * Example: `const clips = createManualClips(control.requestClip); await clips.request(50, 'CAMERA_1')`.
 */
export function createManualClips(
  requestClip: RequestClip | undefined,
  opts: { now?: () => number; limitMs?: number } = {},
): ManualClips {
  const now = opts.now ?? Date.now;
  const limitMs = opts.limitMs ?? MANUAL_CLIP_LIMIT_MS;
  const lastRequest = new Map<number, number>();
  return {
    async request(fieldId, cameraName) {
      if (!requestClip) throw new ActorUnavailableError('Manual clips are not available');
      const last = lastRequest.get(fieldId);
      const t = now();
      if (last !== undefined && t - last < limitMs) {
        return {
          ok: false,
          code: 'limited',
          sinceSeconds: Math.floor((t - last) / 1000),
          retryAfterSeconds: Math.ceil((limitMs - (t - last)) / 1000),
        };
      }
      // Claimed before the await: a second request arriving while this one runs is limited.
      lastRequest.set(fieldId, t);
      try {
        return { ok: true, value: await requestClip(fieldId, cameraName) };
      } catch (e) {
        // Refused before anything was made: the next request may go ahead. Any other failure keeps the claim, since
        // a clip may have been made before the reply was lost.
        if (hasCode(e, 'not-found') && lastRequest.get(fieldId) === t) lastRequest.delete(fieldId);
        throw e;
      }
    },
  };
}
