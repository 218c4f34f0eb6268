// The OpenAPI 3.1 document of the HTTP API, served at GET /openapi.json. Each area of the API writes its paths in a
// file of its own here (bookings.ts, videos.ts, ...) with `paths(tag, {...})` from operation.ts, which adds what the
// HTTP edge answers (421, 401, 403, 413, 415, 500, 503); shared shapes live in components.ts.
//
// Adding a route: write its path in its area's file (or a new `<area>.ts` exporting `<area>Paths`, spread into
// PATHS below). test/openapi-contract.test.ts fails while a route the app registers is missing here, or the other
// way round, and validates every answer against the document.

import { createRequire } from 'node:module';
import { defineEventHandler, setResponseHeader, type Router } from 'h3';
import { bookingPaths } from './bookings.js';
import { buttonPaths } from './buttons.js';
import { cameraEditorPaths } from './camera-editor.js';
import { cameraPaths } from './cameras.js';
import { components } from './components.js';
import { exportPaths } from './exports.js';
import { livePaths } from './live.js';
import { pagePaths } from './pages.js';
import { purchasePaths } from './purchases.js';
import { queuePaths } from './queue.js';
import { runtimePaths } from './runtime.js';
import { timelinePaths } from './timeline.js';
import { storagePaths } from './storage.js';
import { settingsPaths } from './settings.js';
import type { Paths } from './schema.js';
import { videoPaths } from './videos.js';

export { registeredRoutes, trackRoutes, type RegisteredRoute } from './route-table.js';

/** Every documented path, by area. */
const PATHS: Paths = {
  ...bookingPaths,
  ...videoPaths,
  ...queuePaths,
  ...cameraPaths,
  ...cameraEditorPaths,
  ...livePaths,
  ...buttonPaths,
  ...runtimePaths,
  ...storagePaths,
  ...settingsPaths,
  ...pagePaths,
  ...timelinePaths,
  ...exportPaths,
  ...purchasePaths,
};

const TAGS = [
  { name: 'bookings', description: 'Bookings synced from AYO, and the sync itself' },
  { name: 'videos', description: 'Videos of bookings and manual clips' },
  { name: 'queue', description: 'The durable job queue (cut, upload, notify)' },
  { name: 'cameras', description: 'Cameras and their recording' },
  { name: 'purchases', description: 'Full videos bought in the AYO app, and their delivery' },
  { name: 'exports', description: 'Exports of any window of one camera (never announced to AYO)' },
  { name: 'runtime', description: 'Health, readiness, metrics, actors, status' },
  { name: 'pages', description: 'The dashboard, the demo’s objects, this document' },
];

const packageVersion = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

let built: Record<string, unknown> | undefined;

/** The document (built once; the same object each call: do not change it). */
function openApiDocument(): Record<string, unknown> {
  built ??= {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'venue-recorder',
      version: packageVersion,
      description:
        'Records a sports venue’s IP cameras, syncs AYO bookings, and delivers a video of every booking. Every error is JSON `{"status":"error","message":"..."}`, never a stack trace.',
    },
    servers: [{ url: '/' }],
    tags: TAGS,
    paths: PATHS,
    components,
  };
  return built;
}

/** Registers GET /openapi.json (no API key, like /healthz): the document, serialised once. */
export function registerOpenApiRoute(router: Router): void {
  let body: string | undefined;
  router.get(
    '/openapi.json',
    defineEventHandler((event) => {
      body ??= JSON.stringify(openApiDocument());
      setResponseHeader(event, 'content-type', 'application/json; charset=utf-8');
      setResponseHeader(event, 'cache-control', 'public, max-age=300');
      return body;
    }),
  );
}
