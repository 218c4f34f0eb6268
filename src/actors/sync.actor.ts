// SyncActor: the booking sync on its own thread, with its own database connection, interval, and the AYO
// retry and circuit policies. Runs a sync at once when ConnectivityActor reports AYO reachable again, and reports
// the cameras' statuses to AYO (read from the recording index; a recorder's announced change goes out at once).

import { checkSlice } from '../config.js';
import { createAyoClient } from '../ayo/index.js';
import { openDatabase, retryWhileBusy } from '../db/index.js';
import { describeError, PermanentError } from '../errors.js';
import { assertNever, runActor } from '../supervisor/index.js';
import {
  applyBookingRetention,
  createAyoBookingSource,
  createBookingSync,
  createCameraActivity,
  createPartnerCalls,
  createSyncScheduler,
} from '../sync/index.js';
import { createResilience } from '../util/resilience.js';
import { localDateOf } from '../util/venue-time.js';
import { startupWhileBusy } from './startup-busy.js';
import type { SyncActorData, SyncActorEvent, SyncNotification, SyncReply, SyncRequest } from './sync.messages.js';

runActor<SyncRequest, SyncReply, SyncActorEvent, SyncActorData, SyncNotification>(async (ctx) => {
  // The slice came through workerData: checked again on this thread, as the loader checked the environment.
  const d = checkSlice('sync', ctx.data);
  // A lock held elsewhere (an operator's sqlite3, a backup) delays the start, it does not crash it. Each attempt and
  // each write blocks the thread for at most 1 s, well within the heartbeat, before it backs off and tries again.
  const db = await startupWhileBusy(ctx, 'open the database', () => openDatabase(d.dbPath, { busyTimeoutMs: 1_000 }));
  let lastRetentionDate: string | undefined;
  let retention: Promise<void> | undefined;
  // A held database lock (an operator's sqlite3, a backup) delays the retention; it never fails the actor's start,
  // and the sync does not wait for it (one retention at a time runs beside the syncs).
  const maintenance = () => {
    retention ??= retain().finally(() => (retention = undefined));
  };
  const retain = async () => {
    const today = localDateOf(new Date(), d.timeZone);
    if (today === lastRetentionDate) return;
    try {
      await retryWhileBusy(
        () => applyBookingRetention(db, { retentionDays: d.retentionDays, timeZone: d.timeZone, logger: ctx.logger }),
        { what: 'sync: booking retention', logger: ctx.logger, signal: stopped.signal },
      );
      lastRetentionDate = today;
    } catch (e) {
      ctx.logger.error(`🧹 RETENTION: Booking retention failed: ${describeError(e)}`);
    }
  };
  const stopped = new AbortController();

  if (!d.ayo) {
    maintenance();
    const daily = setInterval(maintenance, 3_600_000);
    ctx.logger.warn(
      '📅 BOOKING: AYO credentials are not configured (AYO_API_BASE_URL, AYO_API_TOKEN, AYO_VENUE_CODE, AYO_VENUE_SECRET); booking sync is off',
    );
    return {
      handle(req) {
        if (req.type !== 'sync:run') return assertNever(req.type);
        throw new PermanentError('AYO credentials are not configured; booking sync is off');
      },
      notify(m) {
        // Nothing goes to AYO without credentials; the list is kept for the record.
        if (m.type === 'cameras:changed') d.cameras = m.cameras.map((c) => c.name);
      },
      async stop() {
        stopped.abort();
        clearInterval(daily);
        await retention;
        db.close();
      },
    };
  }

  const resilience = createResilience(
    {
      name: 'AYO',
      maxAttempts: 3,
      baseDelayMs: d.ayo.retryBaseDelayMs,
      maxDelayMs: 30_000,
      breaker: { threshold: d.ayo.breakAfter, halfOpenAfterMs: d.ayo.halfOpenAfterMs },
    },
    ctx.logger,
  );
  resilience.onCircuitChange((state) => ctx.emit({ type: 'circuit:change', dependency: 'ayo', state }));
  ctx.emit({ type: 'circuit:change', dependency: 'ayo', state: resilience.circuit() });
  const client = createAyoClient(d.ayo);
  // The periodic report reads the recording index, which outlives this actor; the recorders' announcements only
  // make a change heard at once.
  const activity = createCameraActivity({ db, segmentSeconds: d.segmentSeconds });
  const announced = new Map<string, boolean>();
  const partner = createPartnerCalls({
    client,
    resilience,
    logger: ctx.logger,
    healthIntervalMs: d.healthIntervalMs,
    cameraStatusIntervalMs: d.cameraStatusIntervalMs,
    cameras: () => d.cameras.map((name) => ({ name, recording: activity.recording(name) })),
    onEvent: (e) => ctx.emit(e),
  });
  const sync = createBookingSync({
    db,
    source: createAyoBookingSource(client, resilience, d.ayo.maxBookingsPerDate),
    timeZone: d.timeZone,
    daysBack: d.daysBack,
    daysAhead: d.daysAhead,
    logger: ctx.logger,
    onEvent: (e) => ctx.emit(e),
  });
  const scheduler = createSyncScheduler({ sync, intervalMs: d.intervalMs, logger: ctx.logger, maintenance });
  scheduler.start();

  return {
    async handle(req) {
      switch (req.type) {
        case 'sync:run':
          return sync.run(req.trigger);
        default:
          return assertNever(req.type);
      }
    },
    notify(m) {
      switch (m.type) {
        case 'connectivity:change':
          if (m.target === 'ayo' && m.online) void sync.run('reconnect').catch(() => undefined);
          return;
        case 'recorder:state': {
          // AYO hears at once when a camera starts or stops recording, not only at the next periodic report.
          const now = m.state === 'recording';
          activity.noted(m.camera, now);
          if (announced.get(m.camera) !== now) partner.camera(m.camera, now);
          announced.set(m.camera, now);
          return;
        }
        case 'cameras:changed': {
          // A camera that left the list is reported inactive once; the periodic report covers the list from now on.
          const names = m.cameras.map((c) => c.name);
          for (const gone of d.cameras.filter((name) => !names.includes(name))) {
            if (announced.get(gone) !== false) partner.camera(gone, false);
            announced.delete(gone);
          }
          d.cameras = names;
          return;
        }
        default:
          return assertNever(m);
      }
    },
    async stop() {
      stopped.abort();
      partner.stop();
      await scheduler.stop();
      await retention;
      db.close();
    },
  };
});
