// The live view's endpoints (src/http/live.routes.ts): a camera's live HLS, the running views, and the player.

import { pathParameter, paths, STRICT_QUERY } from './operation.js';
import { array, instant, integer, json, nullable, object, string, success } from './schema.js';

const media = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: string(undefined, { contentMediaType: type }) } },
});
const camera = pathParameter('name', string(), 'The camera’s name');

const LiveView = object({
  camera: string('The camera'),
  state: { type: 'string', enum: ['starting', 'live', 'restarting'], description: 'starting: no segment yet' },
  startedAt: instant('When the view started'),
  lastWatchedAt: instant('The last fetch of its playlist or a segment'),
  pid: nullable(integer('The live ffmpeg’s process id; null between two runs')),
  restarts: integer('Times its ffmpeg was started again while watched'),
});

/** GET /api/live, /api/cameras/{name}/live/index.m3u8, /api/cameras/{name}/live/{segment}, /live/hls.min.js. */
export const livePaths = paths('cameras', {
  '/api/live': {
    get: {
      summary: 'The running live views',
      description: `${STRICT_QUERY} A camera has a live view only while someone fetches its playlist (see LIVE_IDLE_TIMEOUT).`,
      responses: { 200: json('Each running view', success({ count: integer(), data: array(LiveView) })) },
      errors: [400],
    },
  },
  '/api/cameras/{name}/live/index.m3u8': {
    get: {
      summary: 'The camera’s live HLS playlist',
      description:
        'Starts the camera’s live view when none runs (a second pull from the camera, stream copy into ~1 s segments) and keeps it running; it stops once nobody fetched it for LIVE_IDLE_TIMEOUT. The first fetch waits up to 15 s for the first segment; 503 with Retry-After when none came (camera unreachable). 409 for a disabled camera.',
      parameters: [camera],
      responses: { 200: media('application/vnd.apple.mpegurl', 'The playlist (the newest 4 segments)') },
      errors: [404, 409, 503],
    },
  },
  '/api/cameras/{name}/live/{segment}': {
    get: {
      summary: 'A segment of the camera’s live view',
      description: 'MPEG-TS, the camera’s H.264 as it came (no re-encode). 400 for a name not like `seg_000001.ts`.',
      parameters: [
        camera,
        pathParameter('segment', string(undefined, { pattern: '^seg_\\d{6}\\.ts$' }), 'A segment the playlist lists'),
      ],
      responses: { 200: media('video/mp2t', 'The segment') },
      errors: [400, 404],
    },
  },
  '/live/hls.min.js': {
    get: {
      summary: 'The hls.js player the dashboard’s live view uses',
      description: 'Served by the service itself, so live view works without internet.',
      responses: { 200: { description: 'The script', content: { 'text/javascript': { schema: string() } } } },
    },
  },
});
