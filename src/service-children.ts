// The service's supervision tree as data: its failure domains and the child specs of every actor the configuration
// asks for (ConnectivityActor, SyncActor, one RecorderActor per camera, VideoActor, the delivery actors, the buttons).

import path from 'node:path';
import { ACTOR_LIMITS, actorEntry, recorderSpec, recordingsDir } from './recorder-spec.js';
import type { ConnectivityActorData } from './actors/connectivity.messages.js';
import type { DeliveryActorData } from './actors/delivery.messages.js';
import { acceptsOf } from './actors/protocols.js';
import type { SyncActorData } from './actors/sync.messages.js';
import type { VideoActorData } from './actors/video.messages.js';
import { buttonChildren } from './buttons/index.js';
import type { Config } from './config.js';
import { probeUrlOf, type ProbeTarget } from './connectivity/index.js';
import type { JobDelays } from './pipeline/index.js';
import { inForceFile } from './settings/index.js';
import type { LocalStoreConfig } from './storage/index.js';
import type { ChildSpec, DomainOptions } from './supervisor/index.js';
import { watermarkPaths } from './watermark/index.js';

/**
 * The failure domains, each with its own restart intensity (ACTOR_MAX_RESTARTS per ACTOR_RESTART_WINDOW). Recording is
 * the box's first duty and the only critical one: past its intensity the service gives up (exit 3, the service
 * manager restarts it). Any other domain past its intensity is stopped and retried after a long backoff, while the
 * cameras keep recording. (The HTTP API is the main thread itself: a failing request is answered with an error, and a
 * dead main thread is the process's own exit.)
 */
export const DOMAINS = {
  recording: { critical: true },
  connectivity: {},
  sync: {},
  delivery: {},
  // The highlight buttons (when BUTTON_SERIAL_PORT is set): a broken button line never touches recording or delivery.
  buttons: {},
} as const satisfies Record<string, DomainOptions>;

/** A failure domain of the service. */
export type ServiceDomain = keyof typeof DOMAINS;

/** The supervision tree: ConnectivityActor first (others react to it), then SyncActor. */
export function childSpecs(config: Config, localStore?: LocalStoreConfig): ChildSpec[] {
  const targets: ProbeTarget[] = [];
  if (config.ayo) targets.push({ name: 'ayo', label: 'AYO API', url: probeUrlOf(config.ayo.baseUrl) });
  const s3Endpoint = config.s3?.endpoint ?? config.s3Endpoint;
  if (s3Endpoint) targets.push({ name: 'object-store', label: 'object store', url: probeUrlOf(s3Endpoint) });
  const connectivity: ConnectivityActorData = {
    targets,
    intervalMs: config.connectivity.intervalMs,
    timeoutMs: config.connectivity.timeoutMs,
  };
  const sync: SyncActorData = {
    dbPath: config.dbPath,
    timeZone: config.venueTimezone,
    ayo: config.ayo,
    intervalMs: config.sync.intervalMs,
    daysBack: config.sync.daysBack,
    daysAhead: config.sync.daysAhead,
    retentionDays: config.sync.retentionDays,
    cameras: config.cameras.map((c) => c.name),
    healthIntervalMs: config.ayoCalls.healthIntervalMs,
    cameraStatusIntervalMs: config.ayoCalls.cameraStatusIntervalMs,
    segmentSeconds: config.recording.segmentSeconds,
  };
  const limits = ACTOR_LIMITS;
  const recorders = config.cameras.filter((c) => c.enabled).map((camera) => recorderSpec(config, camera));
  return [
    {
      id: 'connectivity',
      entry: actorEntry('connectivity.actor'),
      domain: 'connectivity' satisfies ServiceDomain,
      restart: 'permanent',
      shutdownMs: 2_000,
      resourceLimits: limits,
      accepts: acceptsOf('connectivity'),
      data: connectivity,
    },
    // The sync's shutdownMs leaves room for its database write after its AYO calls are cancelled.
    {
      id: 'sync',
      entry: actorEntry('sync.actor'),
      domain: 'sync' satisfies ServiceDomain,
      restart: 'permanent',
      shutdownMs: 10_000,
      resourceLimits: limits,
      accepts: acceptsOf('sync'),
      data: sync,
    },
    ...recorders,
    {
      id: 'video',
      entry: actorEntry('video.actor'),
      domain: 'delivery' satisfies ServiceDomain,
      restart: 'permanent',
      shutdownMs: 15_000,
      resourceLimits: limits,
      accepts: acceptsOf('video'),
      data: {
        dbPath: config.dbPath,
        cameras: config.cameras,
        timeZone: config.venueTimezone,
        recordingsDir: recordingsDir(config),
        videosDir: path.join(config.dataDir, 'media', 'videos'),
        segmentSeconds: config.recording.segmentSeconds,
        ffmpeg: config.recording.ffmpegPath,
        ffprobe: config.recording.ffprobePath,
        watermarkFile: watermarkPaths(config.dataDir).inForce,
        settingsFile: inForceFile(config.dataDir),
        clipGraceMs: config.video.clipGraceMs,
        clipSeconds: config.video.clipSeconds,
        clipConcurrency: config.video.clipConcurrency,
        retentionHours: config.recording.retentionHours,
        scanIntervalMs: config.video.scanIntervalMs,
        processingDelaysMs: config.video.retryDelaysMs,
        jobDelays: jobDelays(config),
      } satisfies VideoActorData,
    },
    ...deliveryChildren(config, limits, localStore),
    ...buttonChildren(config, actorEntry('button.actor'), limits),
  ];
}

/** The durable retry delays of every job kind: each kind's jobs get one attempt more than it has delays. */
export function jobDelays(config: Config): JobDelays {
  return {
    cut: config.video.jobRetryDelaysMs,
    upload: config.delivery.jobRetryDelaysMs,
    notify: config.delivery.jobRetryDelaysMs,
    'upload-full': config.delivery.jobRetryDelaysMs,
    'bucket-delete': config.delivery.jobRetryDelaysMs,
  };
}

/** UploadActor when an object store is configured (or the demo's local one), NotifyActor when AYO is. */
function deliveryChildren(
  config: Config,
  limits: { maxOldGenerationSizeMb: number },
  localStore?: LocalStoreConfig,
): ChildSpec[] {
  const data = (concurrency: number, quickDelaysMs: number[]): DeliveryActorData => ({
    dbPath: config.dbPath,
    timeZone: config.venueTimezone,
    s3: config.s3,
    localStore,
    ayo: config.ayo,
    concurrency,
    quickDelaysMs,
    jobDelays: jobDelays(config),
    breaker: { threshold: config.delivery.breakAfter, halfOpenAfterMs: config.delivery.halfOpenAfterMs },
    fullVideoUpload: config.delivery.fullVideoUpload,
    uploadMaxMbps: config.delivery.uploadMaxMbps,
    bucketRetentionDays: config.delivery.bucketRetentionDays,
    purchase: {
      concurrency: config.purchase.concurrency,
      encoder: config.videoSettings.encoder,
      recordingsDir: recordingsDir(config),
      ffmpeg: config.recording.ffmpegPath,
      ffprobe: config.recording.ffprobePath,
    },
  });
  const children: ChildSpec[] = [];
  if (config.s3 || localStore) {
    children.push({
      id: 'upload',
      entry: actorEntry('upload.actor'),
      domain: 'delivery' satisfies ServiceDomain,
      restart: 'permanent',
      shutdownMs: 10_000,
      resourceLimits: limits,
      accepts: acceptsOf('upload'),
      data: data(config.delivery.uploadConcurrency, config.delivery.uploadRetryDelaysMs),
    });
  }
  if (config.ayo) {
    children.push({
      id: 'notify',
      entry: actorEntry('notify.actor'),
      domain: 'delivery' satisfies ServiceDomain,
      restart: 'permanent',
      shutdownMs: 5_000,
      resourceLimits: limits,
      accepts: acceptsOf('notify'),
      data: data(2, config.delivery.notifyRetryDelaysMs),
    });
  }
  return children;
}
