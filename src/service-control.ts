// What the HTTP layer may ask of the running service: actors, readiness, cameras, and the calls it forwards
// to the actors. The supervisor exists only once the HTTP server listens, hence the getter.

import type { Config } from './config.js';
import { createSegmentsRepo, type Db } from './db/index.js';
import { describeError } from './errors.js';
import type { ServiceControl } from './http/index.js';
import { callActor, type ServiceSupervisor } from './actors/protocols.js';
import { redactUrl } from './recording/cameras.js';
import type { RecorderState } from './recording/recorder.js';
import { freeDiskBytes } from './recording/retention.js';
import { ActorUnavailableError } from './supervisor/index.js';

/** Dependencies of {@link createServiceControl}. */
export interface ServiceControlDeps {
  config: Config;
  db: Db;
  cameraStates: ReadonlyMap<string, { state: RecorderState; reason: string | null }>;
  supervisor: () => ServiceSupervisor | undefined;
  accepting: () => boolean;
}

/** Builds the control the HTTP app uses. */
export function createServiceControl(deps: ServiceControlDeps): ServiceControl {
  const { config, db } = deps;
  const segments = createSegmentsRepo(db);
  const criticalFreeBytes = (config.recording.minFreeDiskMb * 1024 * 1024) / 4;
  const sup = (): ServiceSupervisor => {
    const s = deps.supervisor();
    if (!s) throw new ActorUnavailableError('the service is starting');
    return s;
  };
  return {
    actors: () => deps.supervisor()?.status() ?? [],
    accepting: deps.accepting,
    notReadyReason() {
      if (!deps.accepting()) return 'shutting down';
      const supervisor = deps.supervisor();
      if (!supervisor) return 'starting';
      const down = supervisor.status().filter((c) => c.restart === 'permanent' && c.state !== 'running');
      if (down.length) return `actor ${down.map((c) => `${c.id} is ${c.state}`).join(', ')}`;
      try {
        db.exec('BEGIN IMMEDIATE; ROLLBACK');
      } catch (e) {
        return `database is not writable (${describeError(e)})`;
      }
      try {
        const free = freeDiskBytes(config.dataDir);
        if (free < criticalFreeBytes)
          return `disk critically full: ${Math.round(free / 1048576)} MB free in ${config.dataDir}`;
      } catch (e) {
        return `data directory unusable (${describeError(e)})`;
      }
      return undefined;
    },
    cameras: () =>
      config.cameras.map((c) => {
        const last = segments.last(c.name);
        const known = deps.cameraStates.get(c.name);
        const actor = deps
          .supervisor()
          ?.status()
          .find((a) => a.id === `recorder:${c.name}`);
        const state: RecorderState = !c.enabled
          ? 'disabled'
          : actor?.state === 'running'
            ? (known?.state ?? 'reconnecting')
            : 'offline';
        const now = Date.now();
        const recent = segments.countSince(c.name, now - 3_600_000);
        return {
          name: c.name,
          fieldId: c.fieldId,
          enabled: c.enabled,
          url: redactUrl(c.url),
          state,
          reason: known?.reason ?? null,
          lastSegmentEndAt: last ? new Date(last.end_ms).toISOString() : null,
          lastSegmentAgeSeconds: last ? Math.max(0, Math.round((now - last.end_ms) / 1000)) : null,
          segmentsLastHour: recent.segments,
          bytesLastHour: recent.bytes,
        };
      }),
    wake: () => deps.supervisor()?.broadcast({ type: 'queue:changed' }),
    requestClip: (fieldId, cameraName) =>
      callActor(
        sup(),
        'video',
        { type: 'video:request-clip', fieldId, cameraName },
        { waitMs: 5_000, timeoutMs: 30_000 },
      ),
    runSync: () =>
      callActor(sup(), 'sync', { type: 'sync:run', trigger: 'api' }, { waitMs: 5_000, timeoutMs: 120_000 }),
  };
}
