// Turns bookings into videos: every finished `success` booking gets one video per enabled camera of its field and
// a durable cut job; a cancelled booking cancels its videos; a changed window redoes undelivered ones; a cancelled
// video whose booking is eligible again is revived; a manual clip request makes a `clip` video of the last CLIP_SECONDS.

import { createBookingsRepo, createVideosRepo, type BookingRow, type VideoRow } from '../db/index.js';
import { NotFoundError } from '../errors.js';
import { HANDED_TO_DELIVERY, UNCUT, type VideoLifecycle, type VideoLifecycleEvent } from '../pipeline/index.js';
import type { VideoPipelineDeps } from './types.js';
import { resolveUniqueId, videoUniqueId } from './unique-id.js';
import { readClipSecondsInForce } from '../settings/index.js';

/** Creates the scanner; every change it makes to a video is an event of the lifecycle. */
export function createVideoScanner(deps: VideoPipelineDeps, lifecycle: VideoLifecycle) {
  const bookings = createBookingsRepo(deps.db);
  const videos = createVideosRepo(deps.db);
  const now = deps.now ?? Date.now;
  const holderOf = (uniqueId: string) => videos.get(uniqueId)?.booking_id;
  /** The id of a booking's video: today's form, or suffixed when a different booking already holds that one. */
  const idFor = (bookingId: string, camera: string, startMs: number, type: 'full' | 'clip') =>
    resolveUniqueId(videoUniqueId(bookingId, camera, startMs, deps.timeZone, type), bookingId, holderOf);

  /** Creates the video and its cut job in one transaction (a crash cannot leave one without the other). */
  const createVideo = (
    booking: BookingRow,
    camera: string,
    type: 'full' | 'clip',
    startMs: number,
    endMs: number,
  ): { video: VideoRow; created: boolean } => {
    const uniqueId = idFor(booking.booking_id, camera, startMs, type);
    const made = lifecycle.create({
      unique_id: uniqueId,
      booking_id: booking.booking_id,
      camera,
      field_id: booking.field_id,
      type,
      window_start_ms: startMs,
      window_end_ms: endMs,
    });
    if (made.created)
      deps.logger.info(`🎬 VIDEO: ${uniqueId} created for booking ${booking.booking_id} (${type}, camera ${camera})`);
    return made;
  };

  /**
   * Puts a video back to `pending` for the window [startMs, endMs] with its cut job due now and all its attempts
   * (`window:changed` or `booking:eligible`). A cut still running for the old window is aborted and its result
   * dropped. Returns whether the video moved (it did not if someone else moved it meanwhile).
   */
  const reopenVideo = (v: VideoRow, event: VideoLifecycleEvent, startMs: number, endMs: number): boolean => {
    const r = lifecycle.apply(v, event, { window: { startMs, endMs } });
    if (!r.moved) return false;
    deps.logger.info(
      `🎬 VIDEO: ${v.unique_id} queued again for ${new Date(startMs).toISOString()} → ${new Date(endMs).toISOString()} (${r.video.reason})`,
    );
    return true;
  };

  /** Videos whose window changed after their cut, already warned about (the scan repeats every pass). */
  const warnedLate = new Set<string>();

  /**
   * The booking's end moved but not its start, so its unique_id (built from the start, DESIGN.md section 3) is the
   * same. A video not handed to delivery yet (pending, failed, or being cut) gets the new window and is cut again.
   * Once its cut finished (uploading, notifying) the upload and notify actors own it: putting it back would race
   * their final transition and their jobs' dedupe keys are spent, so it is delivered with the window it was cut for,
   * and a warning says so. A delivered video (ready, unavailable) is left alone.
   */
  const redoEnd = (v: VideoRow, startMs: number, endMs: number) => {
    // `failed` after its cut (its upload or notification died) counts as handed to delivery: its jobs are spent.
    if (UNCUT.includes(v.status) && !videos.everReached(v.id, HANDED_TO_DELIVERY)) {
      reopenVideo(v, 'window:changed', startMs, endMs);
    } else if (v.status !== 'ready' && v.status !== 'unavailable' && !warnedLate.has(v.unique_id)) {
      warnedLate.add(v.unique_id);
      deps.logger.warn(
        `🎬 VIDEO: ${v.unique_id}: the booking now ends at ${new Date(endMs).toISOString()}, after its cut; it is delivered with the window it was cut for`,
      );
    }
  };

  return {
    /** Cancels every video of a booking, as the seed says. */
    cancelBooking(bookingId: string): number {
      let n = 0;
      for (const v of videos.byBooking(bookingId)) {
        if (!lifecycle.apply(v, 'booking:cancelled').moved) continue;
        deps.logger.info(`📅 BOOKING: Updated video ${v.unique_id} to cancelled status for booking ${bookingId}`);
        n++;
      }
      if (n > 0) deps.logger.info(`processBookings : Booking ${bookingId} is cancelled, skipping video processing`);
      return n;
    },

    /** One pass over the bookings; returns how many videos it created (or revived) and cancelled. */
    scan(): { created: number; cancelled: number } {
      let created = 0;
      let cancelled = 0;
      for (const id of bookings.cancelledWithLiveVideos()) cancelled += this.cancelBooking(id);
      const t = now();
      const due = bookings.dueForVideo(
        new Date(t - deps.clipGraceMs).toISOString(),
        new Date(t - deps.retentionHours * 3_600_000).toISOString(),
      );
      for (const b of due) {
        const startMs = Date.parse(b.start_at!);
        const endMs = Date.parse(b.end_at!);
        for (const cam of deps.cameras.filter((c) => c.enabled && c.fieldId === b.field_id)) {
          const uniqueId = idFor(b.booking_id, cam.name, startMs, 'full');
          const mine = videos.byBooking(b.booking_id).filter((v) => v.camera === cam.name && v.type === 'full');
          const same = mine.find((v) => v.unique_id === uniqueId);
          if (same && same.status !== 'cancelled') {
            if (same.window_start_ms !== startMs || same.window_end_ms !== endMs) redoEnd(same, startMs, endMs);
            continue;
          }
          const existing = mine.filter((v) => v !== same && v.status !== 'cancelled');
          // The window start changed: redo what was not delivered; leave a delivered video alone.
          if (existing.some((v) => !UNCUT.includes(v.status))) continue;
          for (const v of existing) if (lifecycle.apply(v, 'window:superseded').moved) cancelled++;
          if (!same) {
            if (createVideo(b, cam.name, 'full', startMs, endMs).created) created++;
          } else if (!videos.everReached(same.id, HANDED_TO_DELIVERY)) {
            // Cancelled earlier (booking cancelled, or the window moved away) and eligible again: revive it. Its
            // unique_id is what AYO would receive, so it cannot be created anew. One that reached delivery before its
            // cancel stays cancelled: its upload and notify jobs are spent, and AYO may already have it.
            if (reopenVideo(same, 'booking:eligible', startMs, endMs)) created++;
          }
        }
      }
      return { created, cancelled };
    },

    /** A manual clip of the last `clipSeconds` of the booking running now on a field. */
    requestClip(
      fieldId: number,
      cameraName?: string,
    ): { bookingId: string; windowStart: string; windowEnd: string; videos: string[] } {
      const cams = deps.cameras.filter((c) => c.enabled && c.fieldId === fieldId);
      if (cams.length === 0) throw new NotFoundError(`No camera records field ${fieldId}`);
      const chosen = cameraName === undefined ? cams : cams.filter((c) => c.name === cameraName);
      if (chosen.length === 0) throw new NotFoundError(`Camera ${cameraName} does not record field ${fieldId}`);
      const t = now();
      const booking = bookings.runningOn(fieldId, new Date(t).toISOString());
      if (!booking) throw new NotFoundError(`No booking with status success is running on field ${fieldId} now`);
      // The length in force: CLIP_SECONDS when set, else AYO's clip_duration (src/settings), else CLIP_SECONDS' default.
      const clipSeconds = deps.settingsFile
        ? readClipSecondsInForce(deps.settingsFile, deps.clipSeconds)
        : deps.clipSeconds;
      const startMs = Math.max(Date.parse(booking.start_at!), t - clipSeconds * 1000);
      const made = chosen.map((c) => createVideo(booking, c.name, 'clip', startMs, t).video);
      return {
        bookingId: booking.booking_id,
        windowStart: new Date(startMs).toISOString(),
        windowEnd: new Date(t).toISOString(),
        videos: made.map((v) => v.unique_id),
      };
    },
  };
}
