// Wires the service from a validated configuration: database, supervised actors, HTTP API. main.ts adds the
// process concerns (environment, signals, exit codes); tests start this in-process or fork main.ts.

import path from 'node:path';
import { recordingsDir } from './recorder-spec.js';
import { type ActorEvent, type ForwardedEvent, type ServiceSupervisor } from './actors/protocols.js';
import { createCameraRuntime, type CameraReloadResult, type ReloadTrigger } from './cameras/index.js';
import { startAyoSimulator } from './demo/ayo-simulator.js';
import { createButtonDesk } from './buttons/index.js';
import { createLiveViews } from './live/index.js';
import { createManualClips } from './manual-clips.js';
import { createAyoClient } from './ayo/index.js';
import { createPurchaseIntake } from './purchase/index.js';
import {
  createSettingsProvider,
  createVenueRefresh,
  inForceFile,
  settingsDto,
  settingsFile,
} from './settings/index.js';
import { createServiceControl } from './service-control.js';
import { DOMAINS, childSpecs, jobDelays } from './service-children.js';
import type { Config } from './config.js';
import { createQueueRepo, openDatabase, retryWhileBusy } from './db/index.js';
import { createHttpApp, startHttpServer, type RunningServer } from './http/index.js';
import { describeError } from './errors.js';
import type { Logger } from './log.js';
import { createMetricZeroer, createMetrics, createScrapeCollector, feedMetrics } from './metrics/index.js';
import type { RecorderState } from './recording/recorder.js';
import { startRecordingDisks } from './recording/disk-service.js';
import { RuntimeSupervisor, type BackoffOptions, type ChildSpec, type IntensityOptions } from './supervisor/index.js';

/** A running service. */
export interface RunningService {
  url: string;
  port: number;
  supervisor: ServiceSupervisor;
  /** Resolves with the reason if the supervisor gives up (the process should exit non-zero). */
  gaveUp: Promise<string>;
  /** Reads CAMERAS_FILE again and applies what changed (SIGHUP); refused with the reason when it cannot. */
  reloadCameras(trigger: ReloadTrigger): Promise<CameraReloadResult>;
  /** Stops intake, stops the actors in reverse order, closes the HTTP server and the database. */
  stop(): Promise<void>;
}

/**
 * Actor events the service forwards to the other actors that accept them: every event that is also some actor's
 * notification, checked both ways by the compiler.
 */
const FORWARDED = {
  'connectivity:change': true,
  'booking:changed': true,
  'booking:vanished': true,
  'recorder:state': true,
  // A dependency's answers: the delivery actors bring forward work that waited after its failures.
  'dependency:answered': true,
  'ayo:call': true,
  'sync:run': true,
} as const satisfies Record<ForwardedEvent['type'], true>;

const isForwarded = (event: ActorEvent): event is ForwardedEvent => Object.hasOwn(FORWARDED, event.type);

/**
 * Test seams of {@link startService}: other children (fixture actors), or a change to the service's own (e.g. a sync
 * that crashes), a faster restart backoff, start-up budget and domain retry.
 */
export interface StartOverrides {
  children?: ChildSpec[] | ((specs: ChildSpec[]) => ChildSpec[]);
  backoff?: BackoffOptions;
  startupIntensity?: IntensityOptions;
  /** Backoff between a failure domain's failure and its retry (default 2 min doubling to 15 min). */
  domainRetry?: BackoffOptions;
}

/** Starts everything the configuration asks for. */
export async function startService(
  config: Config,
  logger: Logger,
  overrides: StartOverrides = {},
): Promise<RunningService> {
  // The demo's stand-ins: a simulated AYO (a real HTTP server checking signatures) and, below, a local object store.
  const simulator = config.demo
    ? await startAyoSimulator({ timeZone: config.venueTimezone, ...config.demo })
    : undefined;
  if (simulator) {
    config = { ...config, ayo: simulator.ayo };
    logger.info(
      `🎭 DEMO: simulated AYO on ${new URL(simulator.ayo.baseUrl).host}, ${config.cameras.length} synthetic camera(s), local object store`,
    );
  }
  // The main thread's connection applies migrations before any actor opens its own; a lock held by another
  // connection (an operator's sqlite3, a backup) is waited out. Its busy timeout is short: the main thread serves
  // the API, and its few writes (an operator's retry, the prune) must not stall every request for seconds.
  const db = await retryWhileBusy(() => openDatabase(config.dbPath, { busyTimeoutMs: 250 }), {
    what: 'open the database',
    logger,
  });
  const objectsDir = path.join(config.dataDir, 'objects');
  const metrics = createMetrics();
  for (const c of config.cameras.filter((x) => !x.enabled))
    metrics.cameraState.set({ camera: c.name, state: 'disabled' }, 1);
  const cameraStates = new Map<string, { state: RecorderState; reason: string | null }>();
  let supervisor: ServiceSupervisor | undefined;
  // The camera list may change while the service runs (CAMERAS_FILE): its readers see the live one.
  const cams = createCameraRuntime({ config, logger, metrics, cameraStates, supervisor: () => supervisor });
  // The recording disks: checked once now, before any recorder chooses one, then every 10 s (GET /api/storage).
  const recordingDisks = startRecordingDisks({
    config,
    recordingsDir: recordingsDir(config),
    db,
    metrics,
    logger,
    cameras: cams.live.names,
  });
  const zeroMetrics = createMetricZeroer(metrics);
  const collect = createScrapeCollector(db, metrics, { cameras: cams.live.names, dataDir: config.dataDir });
  let accepting = true;
  const control = createServiceControl({
    config,
    db,
    cameraStates,
    cameras: cams.live.current,
    supervisor: () => supervisor,
    accepting: () => accepting,
  });
  // Not ready when no recording disk is up (one down while another records shows in /api/status, not here).
  const controlReady = control.notReadyReason.bind(control);
  control.notReadyReason = async () => (await controlReady()) ?? recordingDisks.notReadyReason();
  // Manual clips through one per-field limit, for the HTTP route and the highlight buttons alike.
  const manualClips = createManualClips(control.requestClip);
  const buttons = createButtonDesk({ config, cameras: cams.live.current, clips: manualClips, logger, metrics });

  // The venue video settings in force (env, AYO's video-configuration, defaults) and the watermark, read daily.
  const venueSettings = createSettingsProvider({
    env: config.videoSettings,
    file: settingsFile(config.dataDir),
    inForceFile: inForceFile(config.dataDir),
    logger,
  });
  const venueRefresh = createVenueRefresh({
    ayo: config.ayo,
    env: config.videoSettings,
    dataDir: config.dataDir,
    ffmpeg: config.recording.ffmpegPath,
    provider: venueSettings,
    logger,
  });
  // Live views run on this thread's children: started by a watcher's fetch, stopped when idle or with the service.
  const live = createLiveViews({
    liveDir: path.join(config.dataDir, 'live'),
    ffmpegPath: config.recording.ffmpegPath,
    cameras: cams.live.current,
    idleMs: config.live.idleMs,
    logger,
  });
  let server: RunningServer;
  try {
    server = await startHttpServer(
      createHttpApp({
        db,
        apiKey: config.apiKey,
        allowedHosts: config.allowedHosts,
        boundHost: config.host,
        logger,
        control,
        dataDir: config.dataDir,
        // A camera added at runtime (CAMERAS_FILE) gets its series at 0 on the next scrape.
        metrics: { metrics, collect: () => (zeroMetrics.cameras(cams.live.names), collect()) },
        storage: recordingDisks.report,
        jobDelays: jobDelays(config),
        manualClips,
        buttons: () => buttons.status(),
        settings: () => settingsDto(config.videoSettings, venueSettings, venueRefresh),
        objectsDir: config.demo ? objectsDir : undefined,
        venue: { timeZone: config.venueTimezone, demo: !!config.demo },
        snapshots: {
          recordingsDir: recordingsDir(config),
          ffmpeg: config.recording.ffmpegPath,
          cameras: cams.live.names,
        },
        cameraEditor: cams.editor,
        live,
        recordings: {
          cameras: cams.live.names,
          segmentSeconds: config.recording.segmentSeconds,
          retentionHours: config.recording.retentionHours,
        },
      }),
      { port: config.port, host: config.host },
    );
  } catch (e) {
    await live.close();
    recordingDisks.stop();
    db.close();
    await simulator?.stop();
    throw e;
  }
  logger.info(`🚀 venue-recorder listening on ${server.url} (venue time zone ${config.venueTimezone})`);
  // Before the actors: the watermark in force is on disk before the first cut reads it.
  venueRefresh.start();

  const localStore = config.demo
    ? { dir: objectsDir, publicBaseUrl: `${server.url.replace('//0.0.0.0:', '//localhost:')}/objects` }
    : undefined;
  const specs = childSpecs(config, localStore);
  const children = typeof overrides.children === 'function' ? overrides.children(specs) : (overrides.children ?? specs);
  const sup: ServiceSupervisor = new RuntimeSupervisor({
    children,
    logger,
    backoff: overrides.backoff,
    intensity: { maxRestarts: config.supervisor.maxRestarts, withinMs: config.supervisor.windowMs },
    startupIntensity: overrides.startupIntensity,
    domains: DOMAINS,
    domainRetry: overrides.domainRetry,
  });
  supervisor = sup;
  // Before the actors start: every known label value at 0 (their events then count from there).
  zeroMetrics.start({ cameras: cams.live.names, actors: children.map((c) => c.id) });
  sup.events.on('actor:event', ({ id, event }) => {
    // Events other actors react to: connectivity transitions, booking changes (VideoActor scans at once), camera states.
    if (isForwarded(event)) sup.broadcast(event, id);
    if (event.type === 'recorder:state') cameraStates.set(event.camera, { state: event.state, reason: event.reason });
  });
  feedMetrics(sup.events, metrics);
  buttons.listen(sup.events);
  for (const d of sup.domainStatus()) metrics.domainFailed.set({ domain: d.name }, 0);
  try {
    await sup.start();
  } catch (e) {
    await live.close();
    await venueRefresh.stop();
    await server.close();
    control.close();
    db.close();
    await simulator?.stop();
    throw e;
  }

  cams.reloader.watch();

  // Purchases (issue 11): AYO's video-requests polled from here; their jobs run in UploadActor and NotifyActor.
  const purchaseIntake = createPurchaseIntake({
    db,
    ayo: config.ayo && createAyoClient(config.ayo),
    intervalMs: config.purchase.requestIntervalMs,
    minCoverage: config.purchase.minCoverage,
    jobDelaysMs: config.delivery.jobRetryDelaysMs,
    logger,
    wake: () => sup.broadcast({ type: 'queue:changed' }),
    onOutcome: (outcome) => metrics.purchases.inc({ outcome }),
  });
  purchaseIntake.start();

  // Finished jobs are kept 7 days for the record, then pruned.
  const queue = createQueueRepo(db);
  const prune = () =>
    void retryWhileBusy(() => queue.pruneFinished(Date.now() - 7 * 86_400_000), {
      what: 'prune finished jobs',
      logger,
    }).catch((e: unknown) => logger.error(`🗄️ DB: pruning finished jobs failed: ${describeError(e)}`));
  prune();
  const pruneTimer = setInterval(prune, 3_600_000);
  pruneTimer.unref();

  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    supervisor: sup,
    gaveUp: sup.gaveUp,
    reloadCameras: (trigger) => cams.reloader.reload(trigger),
    stop() {
      stopped ??= (async () => {
        accepting = false;
        cams.reloader.close();
        clearInterval(pruneTimer);
        recordingDisks.stop();
        await purchaseIntake.stop();
        await sup.stop();
        await live.close();
        await venueRefresh.stop();
        await server.close();
        control.close();
        db.close();
        await simulator?.stop();
      })();
      return stopped;
    },
  };
}
