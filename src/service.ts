// Wires the service from a validated configuration: database, supervised actors, HTTP API. main.ts adds the
// process concerns (environment, signals, exit codes); tests start this in-process or fork main.ts.

import type { ConnectivityActorData, ConnectivityEvent } from './actors/connectivity.messages.js';
import type { SyncActorData, SyncReply, SyncRequest } from './actors/sync.messages.js';
import type { Config } from './config.js';
import { probeUrlOf, type ProbeTarget } from './connectivity/index.js';
import { openDatabase } from './db/index.js';
import { createHttpApp, startHttpServer, type ServiceControl } from './http/index.js';
import type { Logger } from './log.js';
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

/** Worker entries sit beside this file: `.ts` when run from source (tests, tsx), `.js` when built. */
function actorEntry(name: string): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./actors/${name}${ext}`, import.meta.url);
}

/** The supervision tree: ConnectivityActor first (others react to it), then SyncActor. */
export function childSpecs(config: Config): ChildSpec[] {
  const targets: ProbeTarget[] = [];
  if (config.ayo) targets.push({ name: 'ayo', label: 'AYO API', url: probeUrlOf(config.ayo.baseUrl) });
  if (config.s3Endpoint) targets.push({ name: 'object-store', label: 'object store', url: probeUrlOf(config.s3Endpoint) });
  const connectivity: ConnectivityActorData = { targets, intervalMs: config.connectivity.intervalMs, timeoutMs: config.connectivity.timeoutMs };
  const sync: SyncActorData = {
    dbPath: config.dbPath, timeZone: config.venueTimezone, ayo: config.ayo, intervalMs: config.sync.intervalMs,
    daysBack: config.sync.daysBack, daysAhead: config.sync.daysAhead, retentionDays: config.sync.retentionDays,
  };
  const limits = { maxOldGenerationSizeMb: 256 };
  return [
    { id: 'connectivity', entry: actorEntry('connectivity.actor'), restart: 'permanent', shutdownMs: 2_000, resourceLimits: limits, data: connectivity },
    // The sync's shutdownMs leaves room for its database write after its AYO calls are cancelled.
    { id: 'sync', entry: actorEntry('sync.actor'), restart: 'permanent', shutdownMs: 10_000, resourceLimits: limits, data: sync },
  ];
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
  supervisor.events.on('actor:event', ({ id, event }) => {
    if (event.type === 'connectivity:change') supervisor.broadcast(event as ConnectivityEvent, id);
  });
  let accepting = true;
  const control: ServiceControl = {
    actors: () => supervisor.status(),
    accepting: () => accepting,
    notReadyReason() {
      if (!accepting) return 'shutting down';
      const down = supervisor.status().filter((c) => c.restart === 'permanent' && c.state !== 'running');
      return down.length ? `actor ${down.map((c) => `${c.id} is ${c.state}`).join(', ')}` : undefined;
    },
    runSync: () => supervisor.call<SyncRequest, SyncReply>('sync', { type: 'sync:run', trigger: 'api' }, { waitMs: 5_000, timeoutMs: 120_000 }),
  };

  let server;
  try {
    server = await startHttpServer(createHttpApp({ db, apiKey: config.apiKey, logger, control }), { port: config.port, host: config.host });
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

  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    supervisor,
    gaveUp: supervisor.gaveUp,
    stop() {
      stopped ??= (async () => {
        accepting = false;
        await supervisor.stop();
        await server.close();
        db.close();
      })();
      return stopped;
    },
  };
}
