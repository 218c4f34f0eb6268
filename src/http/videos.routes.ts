// Video endpoints: GET /api/videos, GET /api/videos/:unique_id, POST /api/request-booking-video.

import path from 'node:path';
import { defineEventHandler, readBody, setResponseHeader, setResponseStatus, type Router } from 'h3';
import { VIDEO_STATUSES, type VideoRow, type VideosRepo } from '../db/index.js';
import { createManualClips, type ManualClips, type RequestClip } from '../manual-clips.js';
import { httpError, httpErrorFrom, quote } from './errors.js';
import { parseLimit, parseStoredId, pathParam, readQuery } from './query.js';

/** A video as the API answers it; times ISO-8601 UTC, files relative to DATA_DIR. */
function toVideoDto(v: VideoRow, dataDir: string) {
  const interval = (json: string | null) =>
    (json ? (JSON.parse(json) as [number, number][]) : null)?.map(([a, b]) => ({
      start: new Date(a).toISOString(),
      end: new Date(b).toISOString(),
    })) ?? null;
  const rel = (f: string | null) => (f ? path.relative(dataDir, f) : null);
  return {
    uniqueId: v.unique_id,
    bookingId: v.booking_id,
    camera: v.camera,
    fieldId: v.field_id,
    type: v.type,
    status: v.status,
    reason: v.reason,
    windowStart: new Date(v.window_start_ms).toISOString(),
    windowEnd: new Date(v.window_end_ms).toISOString(),
    coverage: v.coverage,
    covered: interval(v.covered),
    missing: interval(v.missing),
    durationSec: v.duration_sec,
    sizeBytes: v.size_bytes,
    files: { mp4: rel(v.file), preview: rel(v.preview_file), thumbnail: rel(v.thumbnail_file) },
    urls: { mp4: v.mp4_url, preview: v.preview_url, thumbnail: v.thumbnail_url },
    bucket: {
      objects: v.stored_objects ? v.stored_objects.split(',') : [],
      uploadedAt: v.bucket_uploaded_at_ms === null ? null : new Date(v.bucket_uploaded_at_ms).toISOString(),
      deletedAt: v.bucket_deleted_at_ms === null ? null : new Date(v.bucket_deleted_at_ms).toISOString(),
      deletedReason: v.bucket_deleted_reason,
    },
    createdAt: v.created_at,
    updatedAt: v.updated_at,
  };
}

/** What the manual clip endpoint asks of the running service. */
export type { RequestClip };

const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** Registers the video endpoints. */
export function registerVideoRoutes(
  router: Router,
  deps: {
    videos: VideosRepo;
    dataDir: string;
    /** The service's shared manual clips (their per-field limit also covers the highlight buttons). */
    manualClips?: ManualClips;
    /** Without `manualClips`: the clip function, given a limit of this route's own. */
    requestClip?: RequestClip;
    now?: () => number;
  },
): void {
  const clips =
    deps.manualClips ?? (deps.requestClip ? createManualClips(deps.requestClip, { now: deps.now }) : undefined);
  router.get(
    '/api/videos',
    defineEventHandler((event) => {
      const q = readQuery(event, ['booking_id', 'status', 'camera', 'type', 'limit']);
      if (q.status !== undefined && !(VIDEO_STATUSES as readonly string[]).includes(q.status)) {
        throw httpError(400, `Invalid status ${quote(q.status)}: must be one of ${VIDEO_STATUSES.join(', ')}`);
      }
      if (q.type !== undefined && q.type !== 'full' && q.type !== 'clip')
        throw httpError(400, `Invalid type ${quote(q.type)}: must be full or clip`);
      if (q.camera !== undefined && !NAME_RE.test(q.camera)) throw httpError(400, `Invalid camera ${quote(q.camera)}`);
      if (q.booking_id !== undefined) parseStoredId(q.booking_id, 'booking_id');
      const rows = deps.videos.list({
        bookingId: q.booking_id,
        status: q.status,
        camera: q.camera,
        type: q.type,
        limit: parseLimit(q.limit),
      });
      return { status: 'success', count: rows.length, data: rows.map((v) => toVideoDto(v, deps.dataDir)) };
    }),
  );

  router.get(
    '/api/videos/:unique_id',
    defineEventHandler((event) => {
      readQuery(event, []);
      const id = parseStoredId(pathParam(event, 'unique_id'), 'video id');
      const v = deps.videos.get(id);
      if (!v) throw httpError(404, `Video ${quote(id)} not found`);
      const history = deps.videos.history(v.id).map((h) => ({ at: h.at, status: h.status, reason: h.reason }));
      return { status: 'success', data: { ...toVideoDto(v, deps.dataDir), history } };
    }),
  );

  router.post(
    '/api/request-booking-video',
    defineEventHandler(async (event) => {
      readQuery(event, []);
      if (!clips) throw httpError(503, 'Manual clips are not available');
      let body: unknown;
      try {
        body = await readBody(event);
      } catch {
        throw httpError(400, 'Body must be JSON like {"field_id": 50, "camera_name": "CAMERA_1"}');
      }
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw httpError(400, 'Body must be JSON like {"field_id": 50, "camera_name": "CAMERA_1"}');
      const b = body as Record<string, unknown>;
      const fieldId = b.field_id;
      if (typeof fieldId !== 'number' || !Number.isSafeInteger(fieldId) || fieldId < 0)
        throw httpError(400, 'field_id must be a whole number');
      const camera = b.camera_name;
      if (camera !== undefined && (typeof camera !== 'string' || !NAME_RE.test(camera)))
        throw httpError(400, 'camera_name must match ^[A-Za-z0-9_-]{1,64}$');
      const unknown = Object.keys(b).filter((k) => k !== 'field_id' && k !== 'camera_name');
      if (unknown.length)
        throw httpError(400, `Unknown field ${quote(unknown[0]!)}: allowed are field_id, camera_name`);
      let outcome;
      try {
        outcome = await clips.request(fieldId, camera);
      } catch (e) {
        throw httpErrorFrom(e, 'Video processing');
      }
      if (!outcome.ok) {
        setResponseHeader(event, 'retry-after', outcome.retryAfterSeconds);
        throw httpError(
          429,
          `A clip of field ${fieldId} was requested ${outcome.sinceSeconds}s ago; try again in ${outcome.retryAfterSeconds}s`,
        );
      }
      setResponseStatus(event, 202);
      return { status: 'success', data: outcome.value };
    }),
  );
}
