// The booking sync: fetch each venue-local date from AYO and upsert into SQLite in one transaction.
// A plain module with its dependencies as parameters; SyncActor runs it on its own thread.

import type { ParsedBookings } from '../ayo/index.js';
import { createBookingsRepo, createSyncRunsRepo, type Db, type SyncRunRecord } from '../db/index.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { addDays, localDateOf } from '../util/venue-time.js';

/** Where bookings come from: the AYO client with its policies, or a test double speaking the same shape. */
export interface BookingSource {
  fetchBookings(date: string, signal: AbortSignal): Promise<ParsedBookings>;
}

/** What the sync reports as it works; the actor forwards these to the main thread. */
export type SyncEvent =
  | {
      type: 'booking:changed';
      bookingId: string;
      outcome: 'created' | 'updated';
      status: string;
      previousStatus: string | null;
    }
  | { type: 'booking:vanished'; bookingId: string; date: string }
  | { type: 'sync:run'; record: SyncRunRecord };

/** Dependencies of {@link createBookingSync}. */
export interface BookingSyncDeps {
  db: Db;
  source: BookingSource;
  timeZone: string;
  daysBack: number;
  daysAhead: number;
  logger: Logger;
  now?: () => Date;
  onEvent?: (event: SyncEvent) => void;
}

/** The venue-local dates a run fetches: today minus `back` to today plus `ahead`. */
function syncDates(now: Date, timeZone: string, back: number, ahead: number): string[] {
  const today = localDateOf(now, timeZone);
  const dates: string[] = [];
  for (let d = -back; d <= ahead; d++) dates.push(addDays(today, d));
  return dates;
}

/** A booking sync: `run()` never overlaps itself (a second caller shares the running run). */
export interface BookingSync {
  run(trigger: string): Promise<SyncRunRecord>;
  /** Aborts the fetches of a running run (its write of what was fetched still completes) and waits for it. */
  stop(): Promise<void>;
  readonly running: boolean;
}

/** Creates the sync. Example: `await createBookingSync({ db, source, timeZone, ... }).run('interval')`. */
export function createBookingSync(deps: BookingSyncDeps): BookingSync {
  const bookings = createBookingsRepo(deps.db);
  const runs = createSyncRunsRepo(deps.db);
  const now = deps.now ?? (() => new Date());
  const emit = (e: SyncEvent) => {
    try {
      deps.onEvent?.(e);
    } catch {
      /* a listener cannot break the sync */
    }
  };
  let current: Promise<SyncRunRecord> | undefined;
  let abort: AbortController | undefined;

  async function runOnce(trigger: string): Promise<SyncRunRecord> {
    const started = now();
    const dates = syncDates(started, deps.timeZone, deps.daysBack, deps.daysAhead);
    const record: SyncRunRecord = {
      id: runs.start(trigger, started.toISOString(), dates),
      trigger,
      startedAt: started.toISOString(),
      finishedAt: null,
      dates,
      fetched: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      vanished: 0,
      failedDates: [],
      error: null,
    };
    abort = new AbortController();
    const fetched: { date: string; result: ParsedBookings }[] = [];
    for (const date of dates) {
      if (abort.signal.aborted) {
        record.failedDates.push({ date, error: 'not fetched: the service is stopping' });
        continue;
      }
      try {
        fetched.push({ date, result: await deps.source.fetchBookings(date, abort.signal) });
      } catch (e) {
        const error = describeError(e);
        record.failedDates.push({ date, error });
        deps.logger.warn(`📅 BOOKING: Sync of ${date} failed: ${error}`);
      }
    }
    write(record, fetched);
    if (record.failedDates.length === dates.length) record.error = `all ${dates.length} dates failed`;
    record.finishedAt = now().toISOString();
    runs.finish(record);
    deps.logger.info(
      `📅 BOOKING: Sync finished: ${record.fetched} fetched, ${record.created} created, ${record.updated} updated, ` +
        `${record.unchanged} unchanged, ${record.skipped} skipped, ${record.failedDates.length} of ${dates.length} dates failed`,
      { trigger },
    );
    emit({ type: 'sync:run', record: { ...record } });
    return record;
  }

  function write(record: SyncRunRecord, fetched: { date: string; result: ParsedBookings }[]): void {
    const stamp = now().toISOString();
    const changes: SyncEvent[] = [];
    deps.db.transaction(() => {
      const seen = new Set<string>();
      for (const { result } of fetched) {
        for (const s of result.skipped) {
          record.skipped++;
          // Still listed, only unusable this time: the stored booking stays as it was, not flagged as gone.
          if (s.bookingId !== undefined) seen.add(s.bookingId);
          deps.logger.warn(`📅 BOOKING: Skipped booking ${s.bookingId ?? '(no id)'}: ${s.reason}`);
        }
        for (const b of result.bookings) {
          record.fetched++;
          seen.add(b.bookingId);
          const { outcome, previous } = bookings.upsert(b, stamp);
          record[outcome]++;
          if (outcome !== 'unchanged') {
            changes.push({
              type: 'booking:changed',
              bookingId: b.bookingId,
              outcome,
              status: b.status,
              previousStatus: previous?.status ?? null,
            });
          }
        }
      }
      for (const { date } of fetched) {
        for (const id of bookings.flagVanished(date, seen, stamp)) {
          record.vanished++;
          changes.push({ type: 'booking:vanished', bookingId: id, date });
        }
      }
    })();
    for (const c of changes) {
      if (c.type === 'booking:changed') {
        deps.logger.info(
          `📅 BOOKING: ${c.outcome === 'created' ? 'Created new' : 'Updated'} booking ${c.bookingId} (status: ${c.status})`,
        );
      } else if (c.type === 'booking:vanished') {
        deps.logger.warn(
          `📅 BOOKING: Booking ${c.bookingId} is no longer listed by AYO for ${c.date}; flagged, no video will be made`,
        );
      }
      emit(c);
    }
  }

  return {
    run(trigger) {
      if (!current) {
        current = runOnce(trigger).finally(() => {
          current = undefined;
          abort = undefined;
        });
      }
      return current;
    },
    async stop() {
      abort?.abort(new Error('shutting down'));
      await current?.catch(() => undefined);
    },
    get running() {
      return current !== undefined;
    },
  };
}
