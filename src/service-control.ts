// What the HTTP layer may ask of the running service: actors, readiness, cameras, and the calls it forwards
// to the actors. The supervisor exists only once the HTTP server listens, hence the getter.

import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { Config } from './config.js';
import { createSegmentsRepo, isBusyError, type Db } from './db/index.js';
import { describeError } from './errors.js';
import type { ServiceControl } from './http/index.js';
import { callActor, type ServiceSupervisor } from './actors/protocols.js';
import { redactUrl, type CameraConfig } from './recording/cameras.js';
import type { RecorderState } from './recording/recorder.js';
import { freeDiskBytes } from './recording/retention.js';
import { ActorUnavailableError } from './supervisor/index.js';

/** Dependencies of {@link createServiceControl}. */
export interface ServiceControlDeps {
  config: Config;
  db: Db;
  cameraStates: ReadonlyMap<string, { state: RecorderState; reason: string | null }>;
  /** The running camera list (it changes when CAMERAS_FILE is reloaded). */
  cameras: () => readonly CameraConfig[];
  supervisor: () => ServiceSupervisor | undefined;
  accepting: () => boolean;
}

/**
 * Whether the database takes a write now, without blocking the event loop: a connection of its own with no busy
 * timeout tries `BEGIN IMMEDIATE` a few times, awaiting short pauses in between. Concurrent callers share one probe.
 * (On the main connection, with its busy timeout, each probe under a held lock stalled every request for seconds.)
 */
function writeProbe(file: string): { check(): Promise<string | undefined>; close(): void } {
  let conn: Database.Database | undefined;
  let inflight: Promise<string | undefined> | undefined;
  const once = (): void => {
    conn ??= new Database(file, { fileMustExist: true, timeout: 0 });
    try {
      conn.exec('BEGIN IMMEDIATE');
    } finally {
      if (conn.inTransaction) conn.exec('ROLLBACK');
    }
  };
  const run = async (): Promise<string | undefined> => {
    for (let attempt = 0; ; attempt++) {
      try {
        once();
        return undefined;
      } catch (e) {
        if (!isBusyError(e)) return `database is not writable (${describeError(e)})`;
        if (attempt >= 4) return 'database is locked by another connection (writes wait for it)';
      }
      await sleep(20 * 2 ** attempt);
    }
  };
  return {
    check: () => (inflight ??= run().finally(() => (inflight = undefined))),
    close() {
      conn?.close();
      conn = undefined;
    },
  };
}

/** Builds the control the HTTP app uses; `close()` releases its own database connection. */
export function createServiceControl(deps: ServiceControlDeps): ServiceControl & { close(): void } {
  const { config, db } = deps;
  const probe = writeProbe(config.dbPath);
  const segments = createSegmentsRepo(db);
  const criticalFreeBytes = (config.recording.minFreeDiskMb * 1024 * 1024) / 4;
  const sup = (): ServiceSupervisor => {
    const s = deps.supervisor();
    if (!s) throw new ActorUnavailableError('the service is starting');
    return s;
  };
  return {
    actors: () => deps.supervisor()?.status() ?? [],
    domains: () => deps.supervisor()?.domainStatus() ?? [],
    accepting: deps.accepting,
    close: () => probe.close(),
    async notReadyReason() {
      if (!deps.accepting()) return 'shutting down';
      const supervisor = deps.supervisor();
      if (!supervisor) return 'starting';
      const failed = supervisor.domainStatus().filter((d) => d.state === 'failed');
      if (failed.length)
        return failed.map((d) => `domain ${d.name} failed (${d.reason}); retrying it at ${d.retryAt}`).join('; ');
      const down = supervisor.status().filter((c) => c.restart === 'permanent' && c.state !== 'running');
      if (down.length) return `actor ${down.map((c) => `${c.id} is ${c.state}`).join(', ')}`;
      const locked = await probe.check();
      if (locked) return locked;
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
      deps.cameras().map((c) => {
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
