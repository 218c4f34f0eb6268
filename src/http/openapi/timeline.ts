// The recording timeline of a camera (src/http/timeline.routes.ts).

import { pathParameter, paths, query, STRICT_QUERY } from './operation.js';
import { array, instant, json, nullable, object, string, success } from './schema.js';

const interval = object({ start: instant(), end: instant() });

/** GET /api/cameras/{name}/timeline. */
export const timelinePaths = paths('cameras', {
  '/api/cameras/{name}/timeline': {
    get: {
      summary: 'What a camera recorded over a window: covered intervals and gaps with their reasons',
      description: `From the recording index. Without \`from\` and \`to\`: today in the venue’s time zone; with one of them, the 24 h from (or up to) it; at most 7 days. Consecutive segments are merged (joins under 250 ms count as contiguous); a gap’s reason is the recorder’s (\`camera unreachable\`, \`service was not recording\`, a disk down), \`segment in progress\` for the newest seconds of a camera that records, else \`no footage\`. Nothing is reported past now (\`until\`). 404 for an unknown camera. ${STRICT_QUERY}`,
      parameters: [
        pathParameter('name', string(), 'The camera’s name'),
        query('from', string(undefined, { format: 'date-time' }), 'Start, ISO-8601 with its zone'),
        query('to', string(undefined, { format: 'date-time' }), 'End, ISO-8601 with its zone'),
      ],
      responses: {
        200: json(
          'The timeline',
          success({
            data: object({
              camera: string(),
              from: instant(),
              to: instant(),
              until: instant('The end of what can have footage: `to`, or now'),
              coveredSeconds: { type: 'number', minimum: 0 },
              coverage: nullable({ type: 'number', minimum: 0, maximum: 1 }),
              covered: array(interval),
              gaps: array(object({ start: instant(), end: instant(), reason: string() })),
            }),
          }),
        ),
      },
      errors: [400, 404, 503],
    },
  },
});
