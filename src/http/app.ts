// The h3 application: routes, API key check and JSON error mapping. Nothing listens here (see server.ts).

import { createApp, createRouter, defineEventHandler, type App } from 'h3';
import {
  createBookingsRepo,
  createExportsRepo,
  createQueueRepo,
  createSegmentsRepo,
  createSyncRunsRepo,
  createVideosRepo,
  createPurchasesRepo,
  type Db,
} from '../db/index.js';
import type { Logger } from '../log.js';
import { createVideoLifecycle, type JobDelays } from '../pipeline/index.js';
import { createApiKeyCheck } from './auth.js';
import { readBodyWithin } from './body-limit.js';
import { answersOnlyLoopback, createBrowserGuard } from './browser-guard.js';
import { registerBookingRoutes } from './bookings.routes.js';
import { registerButtonRoutes } from './buttons.routes.js';
import type { CameraEditor } from '../cameras/index.js';
import { registerCameraRoutes } from './cameras.routes.js';
import type { ButtonsDto } from '../buttons/index.js';
import type { ManualClips } from '../manual-clips.js';
import { createErrorResponder, httpError } from './errors.js';
import { redactJsonResponse } from './redact-response.js';
import type { Metrics } from '../metrics/registry.js';
import { httpMetricsHook, registerMetricsRoute } from './metrics.routes.js';
import { registerDashboardRoutes } from './dashboard.routes.js';
import { registerObjectRoutes } from './objects.routes.js';
import { registerOpenApiRoute, trackRoutes } from './openapi/index.js';
import { registerSnapshotRoute } from './snapshot.routes.js';
import type { LiveViews } from '../live/index.js';
import { registerLiveRoutes } from './live.routes.js';
import { registerStatusRoute } from './status.routes.js';
import { registerStorageRoute } from './storage.routes.js';
import type { StorageReporter } from '../recording/storage-report.js';
import { registerQueueRoutes } from './queue.routes.js';
import { registerRuntimeRoutes, type ServiceControl } from './runtime.routes.js';
import { registerSyncRoutes } from './sync.routes.js';
import { registerVideoRoutes } from './videos.routes.js';
import { registerExportRoutes } from './exports.routes.js';
import { registerTimelineRoutes } from './timeline.routes.js';
import { registerSettingsRoutes } from './settings.routes.js';
import { registerPurchaseRoutes } from './purchases.routes.js';
import type { SettingsDto } from '../settings/index.js';

/** Dependencies of {@link createHttpApp}. */
export interface HttpAppDeps {
  /** The main thread's own connection (reads; the actors write through theirs). */
  db: Db;
  apiKey: string | undefined;
  logger: Logger;
  /** The running service's actors, readiness and actions; absent in tests of the read-only API. */
  control?: ServiceControl;
  /** DATA_DIR: video files are shown relative to it. */
  dataDir?: string;
  /** The venue's time zone and whether this is the demo (GET /api/status). */
  venue?: { timeZone: string; demo: boolean };
  /** Camera snapshots for the dashboard: recordings and ffmpeg. */
  snapshots?: { recordingsDir: string; ffmpeg: string; cameras: readonly string[] };
  /** The cameras' live views (GET /api/live, /api/cameras/:name/live/...); absent: no live view. */
  live?: LiveViews;
  /** The demo's local object store, served at /objects. */
  objectsDir?: string;
  /** Durable retry delays per job kind (config); absent in tests of the read-only API. */
  jobDelays?: JobDelays;
  /** Metrics and the scrape-time collector; absent: no /metrics and no HTTP metrics. */
  metrics?: { metrics: Metrics; collect: () => void };
  /** ALLOWED_HOSTS: names and addresses clients use for the service beside the loopback ones. */
  allowedHosts?: readonly string[];
  /** HOST, the bound address (a name clients may use unless it is a wildcard). */
  boundHost?: string;
  /** Manual clips with the per-field limit the highlight buttons share; absent: the route limits on its own. */
  manualClips?: ManualClips;
  /** The highlight buttons' state (GET /api/buttons). */
  buttons?: () => ButtonsDto;
  /** The venue video settings in force (GET /api/settings). */
  settings?: () => SettingsDto;
  /** The camera editor (GET /api/cameras/config, PUT /api/cameras, POST /api/cameras/test). */
  cameraEditor?: CameraEditor;
  /** The recording timeline and exports (GET /api/cameras/:name/timeline, /api/exports...); absent: neither. */
  recordings?: { cameras: readonly string[]; segmentSeconds: number; retentionHours: number };
  /** GET /api/storage: what the recordings take per disk, camera and day; absent: no such route. */
  storage?: StorageReporter;
}

/** Builds the app. Example: `startHttpServer(createHttpApp({ db, apiKey, logger }), { port: 0, host: '127.0.0.1' })`. */
export function createHttpApp(deps: HttpAppDeps): App {
  const checkKey = createApiKeyCheck(deps.apiKey);
  const countRequest = deps.metrics ? httpMetricsHook(deps.metrics.metrics) : undefined;
  const hosts = { allowedHosts: deps.allowedHosts, boundHost: deps.boundHost };
  const guardBrowser = createBrowserGuard(hosts);
  if (answersOnlyLoopback(hosts)) {
    deps.logger.warn(
      `🌐 HTTP: HOST is ${deps.boundHost} but ALLOWED_HOSTS is empty: only loopback names are answered; add the names and addresses clients use (the box's LAN IP) to ALLOWED_HOSTS`,
    );
  }
  const app = createApp({
    onRequest: async (event) => {
      countRequest?.(event);
      guardBrowser(event);
      checkKey(event);
      // Shutdown stops intake: no new work (a sync, a clip, a retry) is accepted; reads go on until the server closes.
      if (event.method === 'POST' && deps.control && !deps.control.accepting())
        throw httpError(503, 'The service is shutting down');
      await readBodyWithin(event);
    },
    onError: createErrorResponder(deps.logger),
    onBeforeResponse: redactJsonResponse,
  });
  // Tracked: the OpenAPI contract test compares the routes registered here with the document.
  const router = trackRoutes(app, createRouter());
  const started = Date.now();
  router.get(
    '/healthz',
    defineEventHandler(() => ({ status: 'ok', uptimeSeconds: Math.round((Date.now() - started) / 1000) })),
  );
  registerBookingRoutes(router, { bookings: createBookingsRepo(deps.db) });
  registerSyncRoutes(router, { syncRuns: createSyncRunsRepo(deps.db) });
  if (deps.control) registerRuntimeRoutes(router, deps.control);
  if (deps.objectsDir) registerObjectRoutes(router, deps.objectsDir);
  registerDashboardRoutes(router);
  registerOpenApiRoute(router);
  registerStatusRoute(router, {
    syncRuns: createSyncRunsRepo(deps.db),
    segments: createSegmentsRepo(deps.db),
    timeZone: deps.venue?.timeZone ?? 'UTC',
    demo: deps.venue?.demo ?? false,
  });
  if (deps.snapshots)
    registerSnapshotRoute(router, { segments: createSegmentsRepo(deps.db), ...deps.snapshots, live: deps.live });
  if (deps.live) registerLiveRoutes(router, deps.live);
  if (deps.metrics) registerMetricsRoute(router, deps.metrics.metrics, deps.metrics.collect);
  if (deps.storage) registerStorageRoute(router, deps.storage);
  registerQueueRoutes(router, {
    db: deps.db,
    queue: createQueueRepo(deps.db),
    videos: createVideosRepo(deps.db),
    wake: () => deps.control?.wake?.(),
    // An operator's retry restarts an existing job; no job is created here, so the delays only matter for the record.
    lifecycle: createVideoLifecycle({ db: deps.db, jobDelays: deps.jobDelays ?? { cut: [], upload: [], notify: [] } }),
  });
  registerVideoRoutes(router, {
    videos: createVideosRepo(deps.db),
    dataDir: deps.dataDir ?? process.cwd(),
    requestClip: deps.control?.requestClip,
    manualClips: deps.manualClips,
  });
  registerPurchaseRoutes(router, { purchases: createPurchasesRepo(deps.db) });
  if (deps.buttons) registerButtonRoutes(router, deps.buttons);
  if (deps.settings) registerSettingsRoutes(router, deps.settings);
  if (deps.cameraEditor) registerCameraRoutes(router, deps.cameraEditor, () => deps.control?.accepting() ?? true);
  if (deps.recordings) {
    const timeZone = deps.venue?.timeZone ?? 'UTC';
    registerTimelineRoutes(router, { segments: createSegmentsRepo(deps.db), timeZone, ...deps.recordings });
    const wake = () => deps.control?.wake?.();
    registerExportRoutes(router, { db: deps.db, exports: createExportsRepo(deps.db), wake, ...deps.recordings });
  }
  app.use(router);
  return app;
}
