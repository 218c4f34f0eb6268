// The camera endpoints: the list (src/http/runtime.routes.ts) and a snapshot (src/http/snapshot.routes.ts).

import { pathParameter, paths, STRICT_QUERY } from './operation.js';
import { array, integer, json, ref, string, success } from './schema.js';

/** GET /api/cameras, GET /api/cameras/{name}/snapshot.jpg. */
export const cameraPaths = paths('cameras', {
  '/api/cameras': {
    get: {
      summary: 'The cameras and how they record',
      description: STRICT_QUERY,
      responses: { 200: json('Each camera', success({ count: integer(), data: array(ref('Camera')) })) },
      errors: [400, 503],
    },
  },
  '/api/cameras/{name}/snapshot.jpg': {
    get: {
      summary: 'The last frame of the camera’s newest segment',
      description: 'A JPEG 480 px wide, cached 5 s. 404 for an unknown camera or one that has not recorded yet.',
      parameters: [pathParameter('name', string(), 'The camera’s name')],
      responses: {
        200: {
          description: 'The frame',
          content: { 'image/jpeg': { schema: string(undefined, { contentMediaType: 'image/jpeg' }) } },
        },
      },
      errors: [404, 503],
    },
  },
});
