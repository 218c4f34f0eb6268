// The videos table: one row per booking × camera (and per manual clip), its lifecycle and its history.

import type { Db } from './connection.js';
import { whereEquals } from './filters.js';

/** The life of a video (DESIGN.md section 3). */
export type VideoStatus =
  | 'pending' // created, its cut is queued
  | 'processing' // being cut, previewed and thumbnailed
  | 'uploading' // files made, queued for the object store
  | 'notifying' // uploaded, AYO not yet told
  | 'ready' // AYO acknowledged it
  | 'failed' // failed with a reason; retried later with backoff, then stays failed
  | 'cancelled' // the booking was cancelled (or its window changed before delivery)
  | 'unavailable'; // its files were removed by retention

/** Every status, for validation of API filters. */
export const VIDEO_STATUSES: readonly VideoStatus[] = [
  'pending',
  'processing',
  'uploading',
  'notifying',
  'ready',
  'failed',
  'cancelled',
  'unavailable',
];

/** A row of `videos`. Intervals are JSON arrays of [startMs, endMs]. */
export interface VideoRow {
  id: number;
  unique_id: string;
  booking_id: string;
  camera: string;
  field_id: number | null;
  type: 'full' | 'clip';
  status: VideoStatus;
  reason: string | null;
  window_start_ms: number;
  window_end_ms: number;
  coverage: number | null;
  covered: string | null;
  missing: string | null;
  duration_sec: number | null;
  size_bytes: number | null;
  file: string | null;
  preview_file: string | null;
  thumbnail_file: string | null;
  mp4_url: string | null;
  preview_url: string | null;
  thumbnail_url: string | null;
  /** Which objects are in the store (`mp4,preview,thumbnail`, src/delivery/stored-objects.ts). */
  stored_objects: string;
  /** When the video's last object went up (purchase renditions included); null: nothing ever did. */
  bucket_uploaded_at_ms: number | null;
  /** When its objects were deleted from the bucket, and why (BUCKET_RETENTION_DAYS, a cancelled booking). */
  bucket_deleted_at_ms: number | null;
  bucket_deleted_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** One step of a video's history. */
export interface VideoEventRow {
  id: number;
  video_id: number;
  at: string;
  status: string;
  reason: string | null;
}

/** Filters of {@link VideosRepo.list}; values already validated. */
export interface VideoFilter {
  bookingId?: string;
  status?: string;
  camera?: string;
  type?: string;
  limit: number;
}

/** What a finished cut wrote. */
export interface VideoResult {
  coverage: number;
  covered: unknown;
  missing: unknown;
  durationSec: number;
  sizeBytes: number;
  file: string;
  previewFile: string;
  thumbnailFile: string;
}

/** The repository over `videos` and `video_events`. */
export type VideosRepo = ReturnType<typeof createVideosRepo>;

/** Creates the repository with its statements prepared once. */
export function createVideosRepo(db: Db) {
  const insert =
    db.prepare(`INSERT INTO videos (unique_id, booking_id, camera, field_id, type, status, window_start_ms, window_end_ms, created_at, updated_at)
    VALUES (@unique_id, @booking_id, @camera, @field_id, @type, 'pending', @window_start_ms, @window_end_ms, @now, @now)
    ON CONFLICT (unique_id) DO NOTHING`);
  const byUid = db.prepare<[string], VideoRow>('SELECT * FROM videos WHERE unique_id = ?');
  const byBooking = db.prepare<[string], VideoRow>('SELECT * FROM videos WHERE booking_id = ? ORDER BY id');
  const event = db.prepare('INSERT INTO video_events (video_id, at, status, reason) VALUES (?, ?, ?, ?)');
  const events = db.prepare<[number], VideoEventRow>('SELECT * FROM video_events WHERE video_id = ? ORDER BY id');
  const setStatus = db.prepare('UPDATE videos SET status = ?, reason = ?, updated_at = ? WHERE id = ?');
  const setStatusIf = db.prepare(`UPDATE videos SET status = @status, reason = @reason, updated_at = @now
    WHERE id = @id AND status IN (SELECT value FROM json_each(@from))`);
  const reopen =
    db.prepare(`UPDATE videos SET status = @status, reason = @reason, window_start_ms = @startMs, window_end_ms = @endMs,
    updated_at = @now WHERE id = @id AND status IN (SELECT value FROM json_each(@from))`);
  const reached = db.prepare<[number, string], { n: number }>(
    'SELECT COUNT(*) AS n FROM video_events WHERE video_id = ? AND status IN (SELECT value FROM json_each(?))',
  );
  const setResult = db.prepare(`UPDATE videos SET coverage = @coverage, covered = @covered, missing = @missing,
    duration_sec = @durationSec, size_bytes = @sizeBytes, file = @file, preview_file = @previewFile,
    thumbnail_file = @thumbnailFile, updated_at = @now WHERE id = @id`);
  const setUrls = db.prepare(
    'UPDATE videos SET mp4_url = ?, preview_url = ?, thumbnail_url = ?, updated_at = ? WHERE id = ?',
  );
  const withFiles = db.prepare<[string, number], VideoRow>(`SELECT * FROM videos WHERE status = ? AND window_end_ms < ?
    AND (file IS NOT NULL OR preview_file IS NOT NULL OR thumbnail_file IS NOT NULL)`);
  // Footage on a disk that is down still counts as there: the disk may come back.
  const goneFromBox = db.prepare<[number], VideoRow>(`SELECT * FROM videos v WHERE v.status = 'ready'
    AND v.window_end_ms < ? AND v.file IS NULL AND v.preview_file IS NULL AND v.thumbnail_file IS NULL
    AND (',' || v.stored_objects || ',') NOT LIKE '%,mp4,%'
    AND NOT EXISTS (SELECT 1 FROM segments s WHERE s.camera = v.camera AND s.end_ms > v.window_start_ms
      AND s.start_ms < v.window_end_ms)`);
  const clearFiles = db.prepare(
    'UPDATE videos SET file = NULL, preview_file = NULL, thumbnail_file = NULL, updated_at = ? WHERE id = ?',
  );
  const undelivered = db.prepare<[string, string, number, number, number, string], { s: number; e: number }>(`
    SELECT window_start_ms AS s, window_end_ms AS e FROM videos WHERE camera = ? AND status IN (SELECT value FROM json_each(?))
    UNION ALL
    SELECT CAST(strftime('%s', b.start_at) AS INTEGER) * 1000, CAST(strftime('%s', b.end_at) AS INTEGER) * 1000 FROM bookings b
    WHERE b.field_id = ? AND b.status = 'success' AND b.vanished_at IS NULL AND b.end_at IS NOT NULL
      AND CAST(strftime('%s', b.end_at) AS INTEGER) * 1000 > ? AND CAST(strftime('%s', b.start_at) AS INTEGER) * 1000 < ?
      AND NOT EXISTS (SELECT 1 FROM videos v WHERE v.booking_id = b.booking_id AND v.camera = ? AND v.type = 'full')`);

  const repo = {
    /** Creates a pending video unless it exists; returns the row and whether it was new. */
    create(
      v: Pick<
        VideoRow,
        'unique_id' | 'booking_id' | 'camera' | 'field_id' | 'type' | 'window_start_ms' | 'window_end_ms'
      >,
      now: string,
    ): { video: VideoRow; created: boolean } {
      const created = insert.run({ ...v, now }).changes > 0;
      const video = byUid.get(v.unique_id)!;
      if (created) event.run(video.id, now, 'pending', null);
      return { video, created };
    },
    get(uniqueId: string): VideoRow | undefined {
      return byUid.get(uniqueId);
    },
    byBooking(bookingId: string): VideoRow[] {
      return byBooking.all(bookingId);
    },
    /** Moves a video to `status` (with a reason) and writes the step into its history. */
    setStatus(id: number, status: VideoStatus, reason: string | null, now: string): void {
      setStatus.run(status, reason, now, id);
      event.run(id, now, status, reason);
    },
    /**
     * Moves a video to `status` only if it is in one of `from` (someone else may have moved it meanwhile, e.g. a
     * cancel); writes the step into its history when it moved. Returns whether it moved.
     */
    setStatusIf(
      id: number,
      from: readonly VideoStatus[],
      status: VideoStatus,
      reason: string | null,
      now: string,
    ): boolean {
      const moved = setStatusIf.run({ id, from: JSON.stringify(from), status, reason, now }).changes > 0;
      if (moved) event.run(id, now, status, reason);
      return moved;
    },
    /** Moves a video in one of `from` to `status` for the window [startMs, endMs]; returns whether it moved. */
    reopen(
      id: number,
      from: readonly VideoStatus[],
      status: VideoStatus,
      startMs: number,
      endMs: number,
      reason: string | null,
      now: string,
    ): boolean {
      const moved = reopen.run({ id, from: JSON.stringify(from), status, startMs, endMs, reason, now }).changes > 0;
      if (moved) event.run(id, now, status, reason);
      return moved;
    },
    /** Whether the video's history ever reached one of `statuses`. */
    everReached(id: number, statuses: readonly VideoStatus[]): boolean {
      return reached.get(id, JSON.stringify(statuses))!.n > 0;
    },
    /** Records what the cut produced. */
    setResult(id: number, r: VideoResult, now: string): void {
      setResult.run({ ...r, covered: JSON.stringify(r.covered), missing: JSON.stringify(r.missing), id, now });
    },
    /** Stores the public URLs of a video's objects (no MP4 URL while its full video is not in the store). */
    setUrls(id: number, urls: { mp4: string | null; preview: string; thumbnail: string }, now: string): void {
      setUrls.run(urls.mp4, urls.preview, urls.thumbnail, now, id);
    },
    history(id: number): VideoEventRow[] {
      return events.all(id);
    },
    /** Videos filtered, newest first. */
    list(f: VideoFilter): VideoRow[] {
      const { where, params } = whereEquals({
        booking_id: f.bookingId,
        status: f.status,
        camera: f.camera,
        type: f.type,
      });
      return db
        .prepare<[Record<string, string | number>], VideoRow>(
          `SELECT * FROM videos ${where} ORDER BY id DESC LIMIT @limit`,
        )
        .all({ ...params, limit: f.limit });
    },
    /** Videos in `status` whose window ended before `beforeMs` and that still have local files. */
    withFiles(status: VideoStatus, beforeMs: number): VideoRow[] {
      return withFiles.all(status, beforeMs);
    },
    /**
     * Delivered videos (window ended before `beforeMs`) whose local files and footage are all gone and whose full video
     * is not in the object store: nothing can fulfil a purchase of them any more.
     */
    goneFromBox(beforeMs: number): VideoRow[] {
      return goneFromBox.all(beforeMs);
    },
    /** Forgets the local files of a video (they were deleted). */
    clearFiles(id: number, now: string): void {
      clearFiles.run(now, id);
    },
    /**
     * Windows whose footage must stay: the camera's videos in one of `uncut` (the lifecycle names them), and bookings
     * of its field not yet turned into a video.
     */
    undeliveredWindows(
      camera: string,
      fieldId: number,
      sinceMs: number,
      nowMs: number,
      uncut: readonly VideoStatus[],
    ): [number, number][] {
      return undelivered.all(camera, JSON.stringify(uncut), fieldId, sinceMs, nowMs, camera).map((r) => [r.s, r.e]);
    },
  };
  return repo;
}
