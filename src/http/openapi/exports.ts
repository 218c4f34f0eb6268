// Exports of any window of one camera (src/http/exports.routes.ts).

import { EXPORT_STATES } from '../../db/index.js';
import { limitParameter, pathParameter, paths, STRICT_QUERY } from './operation.js';
import { array, instant, integer, json, nullable, object, string, success } from './schema.js';

const ID = pathParameter('id', { type: 'string', pattern: '^\\d{1,15}$' }, 'The export’s id');
const interval = object({ start: instant(), end: instant() });
const exportSchema = object({
  id: integer(),
  camera: string(),
  from: instant(),
  to: instant(),
  state: {
    enum: EXPORT_STATES,
    description:
      'queued: waiting for its cut (footage not recorded yet, a retry, a restart); cutting; done: the file is ready; failed: no footage or out of attempts (`error`); expired: past the recording retention, file deleted',
  },
  coverage: nullable({ type: 'number', minimum: 0, maximum: 1 }),
  covered: nullable(array(interval)),
  missing: nullable(array(object({ start: instant(), end: instant(), reason: string() }))),
  missingSeconds: nullable({ type: 'number', minimum: 0 }),
  durationSec: nullable({ type: 'number' }),
  sizeBytes: nullable(integer()),
  error: nullable(string()),
  file: nullable(string('The download path once done')),
  expiresAt: instant('When it expires with the recording retention'),
  createdAt: string(),
  updatedAt: string(),
});
const mp4 = (description: string) => ({
  description,
  headers: {
    'Accept-Ranges': { schema: { const: 'bytes' } },
    'Content-Length': { schema: integer() },
  },
  content: { 'video/mp4': { schema: string(undefined, { contentMediaType: 'video/mp4' }) } },
});

/** POST and GET /api/exports, GET /api/exports/{id} and its file. */
export const exportPaths = paths('exports', {
  '/api/exports': {
    post: {
      summary: 'Export any window of one camera as one MP4',
      description:
        'At most 4 h, already recorded (`to` not in the future), times ISO-8601 with their zone. Cut from the recorded segments like a booking clip: it starts on the keyframe at or before `from` and reaches `to`; what has no footage is listed with its reason. Never announced to AYO; expires with the recording retention. 400 for an unknown camera, `from` not before `to`, a longer window, a window in the future or a bad time.',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: object({
              camera: string('A configured camera’s name'),
              from: string(undefined, { format: 'date-time' }),
              to: string(undefined, { format: 'date-time' }),
            }),
          },
        },
      },
      responses: {
        202: json('The export is queued; follow it at its `Location`', success({ data: exportSchema }), {
          Location: { description: 'The export', schema: string() },
        }),
      },
      errors: [400],
    },
    get: {
      summary: 'The newest exports, newest first',
      description: STRICT_QUERY,
      parameters: [limitParameter(50, 500)],
      responses: { 200: json('The exports', success({ count: integer(), data: array(exportSchema) })) },
      errors: [400],
    },
  },
  '/api/exports/{id}': {
    get: {
      summary: 'An export: its state, coverage and what is missing',
      description: `404 for an unknown id. ${STRICT_QUERY}`,
      parameters: [ID],
      responses: { 200: json('The export', success({ data: exportSchema })) },
      errors: [400, 404],
    },
  },
  '/api/exports/{id}/file': {
    get: {
      summary: 'The exported MP4 (streamed; one `Range` of bytes is honoured)',
      description:
        '409 while it is not done, 410 once expired; 206 with `Content-Range` for a `Range: bytes=a-b` request, 416 (with `Content-Range: bytes */size`) for a range outside the file.',
      parameters: [ID],
      responses: {
        200: mp4('The whole file'),
        206: {
          ...mp4('The bytes asked for'),
          headers: {
            'Accept-Ranges': { schema: { const: 'bytes' } },
            'Content-Length': { schema: integer() },
            'Content-Range': { schema: string() },
          },
        },
      },
      errors: [400, 404, 409, 410, 416],
    },
  },
});
