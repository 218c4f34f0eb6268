// The video endpoints (src/http/videos.routes.ts) and a video's retry (src/http/queue.routes.ts).

import { VIDEO_STATUSES } from '../../db/index.js';
import { VIDEO_JOB_KINDS } from '../../pipeline/index.js';
import { limitParameter, pathParameter, paths, query, STRICT_QUERY } from './operation.js';
import { array, integer, json, object, ref, string, success } from './schema.js';

const NAME = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };
const uniqueId = pathParameter('unique_id', { type: 'string', minLength: 1, maxLength: 512 }, 'The video’s unique id');

/** GET /api/videos, GET /api/videos/{unique_id}, POST /api/request-booking-video, POST /api/videos/{unique_id}/retry. */
export const videoPaths = paths('videos', {
  '/api/videos': {
    get: {
      summary: 'List videos, newest first',
      description: STRICT_QUERY,
      parameters: [
        query('booking_id', { type: 'string', minLength: 1, maxLength: 512 }, 'Only videos of this booking'),
        query('status', { type: 'string', enum: [...VIDEO_STATUSES] }, 'Only videos of this status'),
        query('camera', NAME, 'Only videos of this camera'),
        query('type', { type: 'string', enum: ['full', 'clip'] }, 'full: a booking’s video; clip: a manual highlight'),
        limitParameter(100, 1000),
      ],
      responses: { 200: json('The videos', success({ count: integer(), data: array(ref('Video')) })) },
      errors: [400, 503],
    },
  },
  '/api/videos/{unique_id}': {
    get: {
      summary: 'One video with its history',
      description: `Files are relative to DATA_DIR; urls are set once uploaded. ${STRICT_QUERY}`,
      parameters: [uniqueId],
      responses: { 200: json('The video', success({ data: ref('VideoDetail') })) },
      errors: [400, 404, 503],
    },
  },
  '/api/videos/{unique_id}/retry': {
    post: {
      summary: 'Retry a failed video’s newest job',
      description:
        'Puts its newest job (cut, upload or notify) back with fresh attempts, due now. 409 when the video is ready, cancelled, or still running by itself.',
      parameters: [uniqueId],
      responses: {
        200: json(
          'The job put back',
          success({
            data: object({
              uniqueId: string(),
              job: object({ id: integer(), kind: { enum: VIDEO_JOB_KINDS }, status: { const: 'pending' } }),
            }),
          }),
        ),
      },
      errors: [400, 404, 409],
    },
  },
  '/api/request-booking-video': {
    post: {
      summary: 'Make a highlight clip of a field now',
      description:
        'A clip of the last CLIP_SECONDS from each camera of the field (or the one named), for the booking running on it now. One request per field every 30 s.',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: object({ field_id: integer(undefined, { minimum: 0 }), camera_name: NAME }, ['camera_name']),
          },
        },
      },
      responses: {
        202: json(
          'The clip is being made: its videos are listed by unique id',
          success({
            data: object({
              bookingId: string(),
              windowStart: string(undefined, { format: 'date-time' }),
              windowEnd: string(undefined, { format: 'date-time' }),
              videos: array(string()),
            }),
          }),
        ),
      },
      errors: [400, 404, 409, 429],
    },
  },
});
