// Wires the service from a validated configuration: database, supervised actors, HTTP API. main.ts adds the
// process concerns (environment, signals, exit codes); tests start this in-process or fork main.ts.

import path from 'node:path';
import type { ConnectivityActorData, ConnectivityEvent } from './actors/connectivity.messages.js';
import type { DeliveryActorData } from './actors/delivery.messages.js';
import type { RecorderActorData, RecorderActorEvent } from './actors/recorder.messages.js';
import type { VideoActorData, VideoRequest } from './actors/video.messages.js';
import type { SyncActorData, SyncReply, SyncRequest } from './actors/sync.messages.js';
import type { Config } from './config.js';
import { probeUrlOf, type ProbeTarget } from './connectivity/index.js';
import { createQueueRepo, createSegmentsRepo, openDatabase } from './db/index.js';
import { createHttpApp, startHttpServer, type ServiceControl } from './http/index.js';
import type { Logger } from './log.js';
import { describeError } from './errors.js';
import { createMetrics, createScrapeCollector, feedMetrics } from './metrics/index.js';
import { redactUrl } from './recording/cameras.js';
import { freeDiskBytes } from './recording/retention.js';
import type { RecorderState } from './recording/recorder.js';
import { Supervisor, type BackoffOptions, type ChildSpec } from './supervisor/index.js';

/** A running service. */
export interface RunningService {
  url: string;
  port: number;
  supervisor: Supervisor;
  /** Resolves with the reason if the supervisor gives up (the process should exit non-zero). */
  gaveUp: Promise<string>;
  /** Stops intake, stops the actors in reverse order, closes the HTTP server and the database. */
  stop(): Promise<void>;
}

/** Actor events the supervisor forwards to every other actor. */
const FORWARDED = new Set(['connectivity:change', 'booking:changed', 'booking:vanished', 'recorder:state']);

/** Worker entries sit beside this file: `.ts` when run from source (tests, tsx), `.js` when built. */
function actorEntry(name: string): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./actors/${name}${ext}`, import.meta.url);
}

/** Where the recorders write: `$DATA_DIR/media/recordings/<camera>/<venue date>/`. */
export function recordingsDir(config: Config): string {
  return path.join(config.dataDir, 'media', 'recordings');
}

/** The supervision tree: ConnectivityActor first (others react to it), then SyncActor. */
export function childSpecs(config: Config): ChildSpec[] {
  const targets: ProbeTarget[] = [];
  if (config.ayo) targets.push({ name: 'ayo', label: 'AYO API', url: probeUrlOf(config.ayo.baseUrl) });
  const s3Endpoint = config.s3?.endpoint ?? config.s3Endpoint;
  if (s3Endpoint) targets.push({ name: 'object-store', label: 'object store', url: probeUrlOf(s3Endpoint) });
  const connectivity: ConnectivityActorData = { targets, intervalMs: config.connectivity.intervalMs, timeoutMs: config.connectivity.timeoutMs };
  const sync: SyncActorData = {
    dbPath: config.dbPath, timeZone: config.venueTimezone, ayo: config.ayo, intervalMs: config.sync.intervalMs,
    daysBack: config.sync.daysBack, daysAhead: config.sync.daysAhead, retentionDays: config.sync.retentionDays,
    cameras: config.cameras.map((c) => c.name), healthIntervalMs: config.ayoCalls.healthIntervalMs,
    cameraStatusIntervalMs: config.ayoCalls.cameraStatusIntervalMs,
  };
  const limits = { maxOldGenerationSizeMb: 256 };
  const recorders: ChildSpec[] = config.cameras.filter((c) => c.enabled).map((camera) => ({
    id: `recorder:${camera.name}`, entry: actorEntry('recorder.actor'), restart: 'permanent', shutdownMs: 8_000,
    resourceLimits: limits,
    data: {
      camera, dbPath: config.dbPath, recordingsDir: recordingsDir(config), segmentSeconds: config.recording.segmentSeconds,
      ffmpegPath: config.recording.ffmpegPath, timeZone: config.venueTimezone,
      retentionHours: config.recording.retentionHours, minFreeDiskMb: config.recording.minFreeDiskMb,
    } satisfies RecorderActorData,
  }));
  return [
    { id: 'connectivity', entry: actorEntry('connectivity.actor'), restart: 'permanent', shutdownMs: 2_000, resourceLimits: limits, data: connectivity },
    // The sync's shutdownMs leaves room for its database write after its AYO calls are cancelled.
    { id: 'sync', entry: actorEntry('sync.actor'), restart: 'permanent', shutdownMs: 10_000, resourceLimits: limits, data: sync },
    ...recorders,
    {
      id: 'video', entry: actorEntry('video.actor'), restart: 'permanent', shutdownMs: 15_000, resourceLimits: limits,
      data: {
        dbPath: config.dbPath, cameras: config.cameras, timeZone: config.venueTimezone, recordingsDir: recordingsDir(config),
        videosDir: path.join(config.dataDir, 'media', 'videos'), segmentSeconds: config.recording.segmentSeconds,
        ffmpeg: config.recording.ffmpegPath, ffprobe: config.recording.ffprobePath, clipGraceMs: config.video.clipGraceMs,
        clipSeconds: config.video.clipSeconds, clipConcurrency: config.video.clipConcurrency,
        retentionHours: config.recording.retentionHours, scanIntervalMs: config.video.scanIntervalMs,
        processingDelaysMs: config.video.retryDelaysMs, jobDelaysMs: config.video.jobRetryDelaysMs,
      } satisfies VideoActorData,
    },
    ...deliveryChildren(config, limits),
  ];
}

/** UploadActor when an object store is configured, NotifyActor when AYO is. */
function deliveryChildren(config: Config, limits: { maxOldGenerationSizeMb: number }): ChildSpec[] {
  const data = (concurrency: number, quickDelaysMs: number[]): DeliveryActorData => ({
    dbPath: config.dbPath, timeZone: config.venueTimezone, s3: config.s3, ayo: config.ayo, concurrency, quickDelaysMs,
    jobDelaysMs: config.delivery.jobRetryDelaysMs,
    breaker: { threshold: config.delivery.breakAfter, halfOpenAfterMs: config.delivery.halfOpenAfterMs },
  });
  const children: ChildSpec[] = [];
  if (config.s3) {
    children.push({ id: 'upload', entry: actorEntry('upload.actor'), restart: 'permanent', shutdownMs: 10_000, resourceLimits: limits, data: data(config.delivery.uploadConcurrency, config.delivery.uploadRetryDelaysMs) });
  }
  if (config.ayo) {
    children.push({ id: 'notify', entry: actorEntry('notify.actor'), restart: 'permanent', shutdownMs: 5_000, resourceLimits: limits, data: data(2, config.delivery.notifyRetryDelaysMs) });
  }
  return children;
}

/** Test seams of {@link startService}: other children (fixture actors) and a faster restart backoff. */
export interface StartOverrides {
  children?: ChildSpec[];
  backoff?: BackoffOptions;
}

/** Starts everything the configuration asks for. */
export async function startService(config: Config, logger: Logger, overrides: StartOverrides = {}): Promise<RunningService> {
  // The main thread's connection applies migrations before any actor opens its own.
  const db = openDatabase(config.dbPath);
  const supervisor = new Supervisor({
    children: overrides.children ?? childSpecs(config), logger, backoff: overrides.backoff,
    intensity: { maxRestarts: config.supervisor.maxRestarts, withinMs: config.supervisor.windowMs },
  });
  const cameraStates = new Map<string, { state: RecorderState; reason: string | null }>();
  supervisor.events.on('actor:event', ({ id, event }) => {
    // Events other actors react to: connectivity transitions, and booking changes (VideoActor scans at once).
    if (FORWARDED.has(event.type)) supervisor.broadcast(event as ConnectivityEvent, id);
    const e = event as RecorderActorEvent;
    if (e.type === 'recorder:state') cameraStates.set(e.camera, { state: e.state, reason: e.reason });
  });
  const segments = createSegmentsRepo(db);
  const metrics = createMetrics();
  feedMetrics(supervisor.events, metrics);
  for (const c of config.cameras.filter((x) => !x.enabled)) metrics.cameraState.set({ camera: c.name, state: 'disabled' }, 1);
  const collect = createScrapeCollector(db, metrics, { cameras: config.cameras.map((c) => c.name), dataDir: config.dataDir });
  const criticalFreeBytes = (config.recording.minFreeDiskMb * 1024 * 1024) / 4;
  let accepting = true;
  const control: ServiceControl = {
    actors: () => supervisor.status(),
    accepting: () => accepting,
    notReadyReason() {
      if (!accepting) return 'shutting down';
      const down = supervisor.status().filter((c) => c.restart === 'permanent' && c.state !== 'running');
      if (down.length) return `actor ${down.map((c) => `${c.id} is ${c.state}`).join(', ')}`;
      try {
        db.exec('BEGIN IMMEDIATE; ROLLBACK');
      } catch (e) {
        return `database is not writable (${describeError(e)})`;
      }
      try {
        const free = freeDiskBytes(config.dataDir);
        if (free < criticalFreeBytes) return `disk critically full: ${Math.round(free / 1048576)} MB free in ${config.dataDir}`;
      } catch (e) {
        return `data directory unusable (${describeError(e)})`;
      }
      return undefined;
    },
    cameras: () => config.cameras.map((c) => {
      const last = segments.last(c.name);
      const known = cameraStates.get(c.name);
      const actor = supervisor.status().find((a) => a.id === `recorder:${c.name}`);
      const state: RecorderState = !c.enabled ? 'disabled' : actor?.state === 'running' ? known?.state ?? 'reconnecting' : 'offline';
      const now = Date.now();
      const recent = segments.countSince(c.name, now - 3_600_000);
      return {
        name: c.name, fieldId: c.fieldId, enabled: c.enabled, url: redactUrl(c.url), state, reason: known?.reason ?? null,
        lastSegmentEndAt: last ? new Date(last.end_ms).toISOString() : null,
        lastSegmentAgeSeconds: last ? Math.max(0, Math.round((now - last.end_ms) / 1000)) : null,
        segmentsLastHour: recent.segments, bytesLastHour: recent.bytes,
      };
    }),
    wake: () => supervisor.broadcast({ type: 'queue:changed' }),
    requestClip: (fieldId, cameraName) => supervisor.call<VideoRequest, { bookingId: string; windowStart: string; windowEnd: string; videos: string[] }>(
      'video', { type: 'video:request-clip', fieldId, cameraName }, { waitMs: 5_000, timeoutMs: 30_000 },
    ),
    runSync: () => supervisor.call<SyncRequest, SyncReply>('sync', { type: 'sync:run', trigger: 'api' }, { waitMs: 5_000, timeoutMs: 120_000 }),
  };

  let server;
  try {
    server = await startHttpServer(createHttpApp({ db, apiKey: config.apiKey, logger, control, dataDir: config.dataDir, metrics: { metrics, collect } }), { port: config.port, host: config.host });
  } catch (e) {
    db.close();
    throw e;
  }
  logger.info(`🚀 venue-recorder listening on ${server.url} (venue time zone ${config.venueTimezone})`);
  try {
    await supervisor.start();
  } catch (e) {
    await server.close();
    db.close();
    throw e;
  }

  // Finished jobs are kept 7 days for the record, then pruned.
  const queue = createQueueRepo(db);
  const prune = () => queue.pruneFinished(Date.now() - 7 * 86_400_000);
  prune();
  const pruneTimer = setInterval(prune, 3_600_000);
  pruneTimer.unref();

  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    supervisor,
    gaveUp: supervisor.gaveUp,
    stop() {
      stopped ??= (async () => {
        accepting = false;
        clearInterval(pruneTimer);
        await supervisor.stop();
        await server.close();
        db.close();
      })();
      return stopped;
    },
  };
}
