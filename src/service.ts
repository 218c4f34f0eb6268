// Wires the service from a validated configuration: database, booking sync, HTTP API. main.ts adds the
// process concerns (environment, signals, exit codes); tests start this in-process or fork main.ts.

import { createAyoClient } from './ayo/index.js';
import type { Config } from './config.js';
import { openDatabase } from './db/index.js';
import { createHttpApp, startHttpServer } from './http/index.js';
import type { Logger } from './log.js';
import { applyBookingRetention, createAyoBookingSource, createBookingSync, createSyncScheduler } from './sync/index.js';
import { createResilience } from './util/resilience.js';
import { localDateOf } from './util/venue-time.js';

/** A running service. */
export interface RunningService {
  url: string;
  port: number;
  /** Closes the HTTP server, lets a running sync finish its write, closes the database. */
  stop(): Promise<void>;
}

/** Starts everything the configuration asks for. */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const db = openDatabase(config.dbPath);
  const syncDb = openDatabase(config.dbPath);
  let lastRetentionDate: string | undefined;
  const maintenance = () => {
    const today = localDateOf(new Date(), config.venueTimezone);
    if (today === lastRetentionDate) return;
    lastRetentionDate = today;
    applyBookingRetention(syncDb, { retentionDays: config.sync.retentionDays, timeZone: config.venueTimezone, logger });
  };

  let scheduler: ReturnType<typeof createSyncScheduler> | undefined;
  if (config.ayo) {
    const resilience = createResilience(
      { name: 'AYO', maxAttempts: 3, baseDelayMs: config.ayo.retryBaseDelayMs, maxDelayMs: 30_000, breaker: { threshold: 5, halfOpenAfterMs: 30_000 } },
      logger,
    );
    const source = createAyoBookingSource(createAyoClient(config.ayo), resilience, config.venueTimezone);
    const sync = createBookingSync({
      db: syncDb, source, timeZone: config.venueTimezone, daysBack: config.sync.daysBack, daysAhead: config.sync.daysAhead, logger,
    });
    scheduler = createSyncScheduler({ sync, intervalMs: config.sync.intervalMs, logger, maintenance });
    scheduler.start();
  } else {
    maintenance();
    logger.warn('📅 BOOKING: AYO credentials are not configured (AYO_API_BASE_URL, AYO_API_TOKEN, AYO_VENUE_CODE, AYO_VENUE_SECRET); booking sync is off');
  }

  let server;
  try {
    server = await startHttpServer(createHttpApp({ db, apiKey: config.apiKey, logger }), { port: config.port, host: config.host });
  } catch (e) {
    await scheduler?.stop();
    syncDb.close();
    db.close();
    throw e;
  }
  logger.info(`🚀 venue-recorder listening on ${server.url} (venue time zone ${config.venueTimezone})`);

  return {
    url: server.url,
    port: server.port,
    async stop() {
      await server.close();
      await scheduler?.stop();
      syncDb.close();
      db.close();
    },
  };
}
