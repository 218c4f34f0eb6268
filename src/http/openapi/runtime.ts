// The runtime endpoints: health, readiness, metrics (no API key), the actors and the service's status.

import { CHILD_STATES, DOMAIN_STATES } from './components.js';
import { paths, STRICT_QUERY } from './operation.js';
import { recordingDisk } from './storage.js';
import { array, boolean, instant, integer, json, nullable, object, ref, string, success } from './schema.js';

/** GET /healthz, /readyz, /metrics, /api/actors, /api/status. */
export const runtimePaths = paths('runtime', {
  '/healthz': {
    get: {
      summary: 'The process answers',
      description: 'Never needs the API key, answered under any Host name.',
      responses: {
        200: json(
          'Alive',
          object({ status: { const: 'ok' }, uptimeSeconds: integer('Seconds since the HTTP app was made') }),
        ),
      },
    },
  },
  '/readyz': {
    get: {
      summary: 'Every permanent actor runs',
      description:
        'Never needs the API key, answered under any Host name. 503 with the reason (a restarting actor, a failed domain, shutdown, a held database lock) until ready.',
      responses: {
        200: json(
          'Ready',
          object(
            {
              status: { const: 'ready' },
              actors: array(object({ id: string(), state: { enum: CHILD_STATES } })),
              domains: array(object({ name: string(), state: { enum: DOMAIN_STATES } })),
            },
            ['domains'],
          ),
        ),
      },
      errors: [503],
    },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics',
      description:
        'The Prometheus text format. Never needs the API key (no personal data), answered under any Host name.',
      responses: { 200: { description: 'The metrics', content: { 'text/plain': { schema: string() } } } },
    },
  },
  '/api/actors': {
    get: {
      summary: 'The actors and failure domains',
      description: STRICT_QUERY,
      responses: {
        200: json(
          'Each actor’s state, restarts and last error; each domain’s state',
          success({ count: integer(), data: array(ref('Actor')), domains: array(ref('Domain')) }),
        ),
      },
      errors: [400],
    },
  },
  '/api/status': {
    get: {
      summary: 'Venue time, sync freshness and the recording disks',
      description: STRICT_QUERY,
      responses: {
        200: json(
          'What a dashboard needs to orient itself',
          success({
            data: object({
              venueTimezone: string('IANA zone, VENUE_TIMEZONE'),
              today: string('Venue-local date', { format: 'date' }),
              now: instant(),
              demo: boolean(),
              lastSyncAt: nullable(instant()),
              lastSyncError: nullable(string()),
              lastSuccessfulSyncAt: nullable(instant()),
              recordingDisks: array(recordingDisk),
            }),
          }),
        ),
      },
      errors: [400, 503],
    },
  },
});
