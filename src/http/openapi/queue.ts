// The queue endpoints (src/http/queue.routes.ts): counts, waiting jobs page by page, dead letters, a job's retry.

import { JOB_KINDS } from '../../pipeline/index.js';
import { JOB_STATUSES } from './components.js';
import { limitParameter, pathParameter, paths, query, STRICT_QUERY } from './operation.js';
import { array, integer, json, nullable, object, ref, string, success } from './schema.js';

const kind = { enum: JOB_KINDS };

/** GET /api/queue, POST /api/queue/{id}/retry. */
export const queuePaths = paths('queue', {
  '/api/queue': {
    get: {
      summary: 'The job queue: counts, waiting jobs, dead letters',
      description: `Waiting jobs come page by page in queue order; pass \`waiting.nextCursor\` as \`cursor\` for the next page. ${STRICT_QUERY}`,
      parameters: [
        limitParameter(50, 500),
        query(
          'cursor',
          { type: 'string', pattern: '^\\d{1,16}\\.\\d{1,12}$' },
          'The `waiting.nextCursor` of the page before',
        ),
      ],
      responses: {
        200: json(
          'The queue',
          success({
            data: object({
              counts: array(object({ kind, status: { enum: JOB_STATUSES }, count: integer() })),
              oldestPendingAgeSeconds: {
                type: 'object',
                description: 'Age of the oldest pending or running job per kind',
                propertyNames: kind,
                additionalProperties: integer(),
              },
              deadLetters: array(ref('DeadLetter')),
              waiting: object({ jobs: array(ref('WaitingJob')), nextCursor: nullable(string()) }),
            }),
          }),
        ),
      },
      errors: [400, 503],
    },
  },
  '/api/queue/{id}/retry': {
    post: {
      summary: 'Put a dead or backing-off job back, due now',
      description:
        'Fresh attempts; its video goes back to that stage. 409 for a running, done or cancelled job (or one whose video is settled).',
      parameters: [pathParameter('id', { type: 'string', pattern: '^\\d{1,12}$' }, 'The job id')],
      responses: {
        200: json(
          'The job put back',
          success({ data: object({ id: integer(), kind, status: { const: 'pending' }, attempts: integer() }) }),
        ),
      },
      errors: [400, 404, 409],
    },
  },
});
