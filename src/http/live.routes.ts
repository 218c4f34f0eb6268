// The live view's routes: the playlist and segments of a camera's live HLS (src/live/), the running views, and the
// hls.js player, served from the service itself so that the dashboard plays live with no internet (never a CDN).

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { defineEventHandler, setResponseHeader, type H3Event, type Router } from 'h3';
import { LIVE_SEGMENT_RE, type LiveViews } from '../live/index.js';
import { httpError } from './errors.js';
import { readQuery } from './query.js';

/** How long the first fetch of a playlist waits for the live ffmpeg's first segment (connect, one GOP). */
const FIRST_PLAYLIST_WAIT_MS = 15_000;

let player: Buffer | undefined;
/** hls.js's minified build from node_modules, read once. */
function hlsPlayer(): Buffer {
  player ??= fs.readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));
  return player;
}

const noStore = (event: H3Event, type: string) => {
  setResponseHeader(event, 'content-type', type);
  setResponseHeader(event, 'cache-control', 'no-store');
};

/** Registers GET /api/live, /api/cameras/:name/live/index.m3u8, /api/cameras/:name/live/:segment and /live/hls.min.js. */
export function registerLiveRoutes(router: Router, views: LiveViews): void {
  router.get(
    '/api/live',
    defineEventHandler((event) => {
      readQuery(event, []);
      const data = views.list();
      return { status: 'success', count: data.length, data };
    }),
  );
  router.get(
    '/api/cameras/:name/live/index.m3u8',
    defineEventHandler(async (event) => {
      const name = event.context.params?.name ?? '';
      const watched = views.watch(name);
      if (!watched.ok && watched.reason === 'unknown') throw httpError(404, `Camera ${JSON.stringify(name)} not found`);
      if (!watched.ok) throw httpError(409, `Camera ${name} is disabled`);
      const playlist = await views.playlist(name, FIRST_PLAYLIST_WAIT_MS);
      if (playlist === undefined) {
        setResponseHeader(event, 'retry-after', 2);
        throw httpError(503, `The live view of ${name} is not streaming yet (is the camera reachable?)`);
      }
      noStore(event, 'application/vnd.apple.mpegurl');
      return playlist;
    }),
  );
  router.get(
    '/api/cameras/:name/live/:segment',
    defineEventHandler((event) => {
      const name = event.context.params?.name ?? '';
      const segment = event.context.params?.segment ?? '';
      if (!LIVE_SEGMENT_RE.test(segment)) throw httpError(400, 'A live segment is named like seg_000001.ts');
      const file = views.segmentPath(name, segment);
      let body: Buffer | undefined;
      try {
        if (file) body = fs.readFileSync(file);
      } catch {
        // Gone: ffmpeg deletes segments that left the playlist.
      }
      if (!body)
        throw httpError(404, `No live segment ${segment} of ${JSON.stringify(name)} (fetch its playlist first)`);
      noStore(event, 'video/mp2t');
      return body;
    }),
  );
  router.get(
    '/live/hls.min.js',
    defineEventHandler((event) => {
      setResponseHeader(event, 'content-type', 'text/javascript; charset=utf-8');
      setResponseHeader(event, 'cache-control', 'max-age=86400');
      return hlsPlayer();
    }),
  );
}
