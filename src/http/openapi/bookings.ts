// The booking endpoints (src/http/bookings.routes.ts) and the sync record (src/http/sync.routes.ts, runtime.routes.ts).

import { BOOKING_STATUSES } from '../../db/index.js';
import { limitParameter, pathParameter, paths, query, STRICT_QUERY } from './operation.js';
import { json, nullable, ref, string, success } from './schema.js';

const status = { type: 'string', enum: [...BOOKING_STATUSES] };
const date = { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const list = json('The bookings, newest date first, by start time within a day', ref('BookingList'));
const listNote = `Booking fields as in the seed; timestamps ISO-8601 UTC. ${STRICT_QUERY}`;

/** GET /api/bookings..., GET and POST /api/sync. */
export const bookingPaths = paths('bookings', {
  '/api/bookings': {
    get: {
      summary: 'List bookings',
      description: listNote,
      parameters: [
        query('status', status, 'Only bookings of this status'),
        query('date', date, 'Only bookings of this venue-local date (a real calendar date)'),
        limitParameter(100, 1000),
      ],
      responses: { 200: list },
      errors: [400, 503],
    },
  },
  '/api/bookings/{booking_id}': {
    get: {
      summary: 'One booking by its id',
      description: `Ids contain \`/\`: send it encoded (\`BK%2F0042%2F230228%2F0000118\`); the literal \`BK/0042/230228/0000118\` works too. Any stored id can be fetched; one longer than 512 characters answers 400. ${STRICT_QUERY}`,
      parameters: [pathParameter('booking_id', { type: 'string', minLength: 1, maxLength: 512 }, 'The booking id')],
      responses: { 200: json('The booking', success({ data: ref('Booking') })) },
      errors: [400, 404, 503],
    },
  },
  '/api/bookings/status/{status}': {
    get: {
      summary: 'List bookings of one status',
      description: listNote,
      parameters: [
        pathParameter('status', status, 'The booking status'),
        query('date', date, 'Only bookings of this venue-local date'),
        limitParameter(100, 1000),
      ],
      responses: { 200: list },
      errors: [400, 503],
    },
  },
  '/api/bookings/date/{date}': {
    get: {
      summary: 'List bookings of one venue-local date',
      description: listNote,
      parameters: [
        pathParameter('date', date, 'A real calendar date (`2025-02-30` answers 400)'),
        query('status', status, 'Only bookings of this status'),
        limitParameter(100, 1000),
      ],
      responses: { 200: list },
      errors: [400, 503],
    },
  },
  '/api/sync': {
    get: {
      summary: 'The latest booking sync run',
      description: STRICT_QUERY,
      responses: {
        200: json(
          'The newest run (null before the first) and when a run last fetched every date',
          success({
            data: nullable(ref('SyncRun')),
            lastSuccessfulAt: nullable(string(undefined, { format: 'date-time' })),
          }),
        ),
      },
      errors: [400, 503],
    },
    post: {
      summary: 'Run a booking sync now',
      description:
        'Runs a sync on SyncActor and answers its record; a sync already running is shared, not doubled. No body is needed (an empty JSON body is fine).',
      responses: { 200: json('The run’s record', success({ data: ref('SyncRun') })) },
      errors: [400, 409],
    },
  },
});
