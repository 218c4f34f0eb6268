// The booking sync: fetch each venue-local date from AYO and upsert it into SQLite in bounded chunks, each chunk its
// own short transaction, yielding to the event loop between chunks: a 250,000-booking answer neither blocks the
// actor's heartbeat nor holds the write lock for more than a moment. Logs and events are summarised per date.
// A plain module with its dependencies as parameters; SyncActor runs it on its own thread.

import { parseBooking } from '../ayo/index.js';
import {
  createBookingsRepo,
  createSyncRunsRepo,
  retryWhileBusy,
  type BookingInput,
  type Db,
  type SyncRunRecord,
  type UpsertResult,
} from '../db/index.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { addDays, localDateOf } from '../util/venue-time.js';

/** Where bookings come from: the AYO client with its policies, or a test double speaking the same shape. */
export interface BookingSource {
  /** The booking objects listed for `date`, checked as a list within its caps; the sync parses them as it stores. */
  fetchDate(date: string, signal: AbortSignal): Promise<unknown[]>;
}

/** One booking the sync created or changed. */
export interface BookingChange {
  bookingId: string;
  outcome: 'created' | 'updated';
  status: string;
  previousStatus: string | null;
}

/**
 * What the sync reports as it works; the actor forwards these to the main thread. Booking events come once per date:
 * they list the first {@link EVENT_LIST_LIMIT} bookings and count the rest in `more` (thousands of changes are one
 * message, not thousands).
 */
export type SyncEvent =
  | {
      type: 'booking:changed';
      date: string;
      created: number;
      updated: number;
      changes: BookingChange[];
      more: number;
    }
  | { type: 'booking:vanished'; date: string; bookingIds: string[]; more: number }
  | { type: 'sync:run'; record: SyncRunRecord };

/** Bookings listed by id in one booking event. */
const EVENT_LIST_LIMIT = 100;
/** Bookings of a date logged one line each (created, updated, vanished, skipped); the rest are counted in one line. */
const LOGGED_PER_DATE = 20;
/** Bookings stored per transaction: a few milliseconds of work between two turns of the event loop. */
const DEFAULT_CHUNK_SIZE = 500;

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
  /** Bookings per transaction (default {@link DEFAULT_CHUNK_SIZE}). */
  chunkSize?: number;
}

/** The venue-local dates a run fetches: today minus `back` to today plus `ahead`. */
function syncDates(now: Date, timeZone: string, back: number, ahead: number): string[] {
  const today = localDateOf(now, timeZone);
  const dates: string[] = [];
  for (let d = -back; d <= ahead; d++) dates.push(addDays(today, d));
  return dates;
}

/** Lets timers (the heartbeat) and messages run before the next chunk. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A booking sync: `run()` never overlaps itself (a second caller shares the running run). */
export interface BookingSync {
  run(trigger: string): Promise<SyncRunRecord>;
  /** Aborts a running run between two chunks (what is stored stays; the next run stores the rest) and waits for it. */
  stop(): Promise<void>;
  readonly running: boolean;
}

/** Creates the sync. Example: `await createBookingSync({ db, source, timeZone, ... }).run('interval')`. */
export function createBookingSync(deps: BookingSyncDeps): BookingSync {
  const bookings = createBookingsRepo(deps.db);
  const runs = createSyncRunsRepo(deps.db);
  const now = deps.now ?? (() => new Date());
  const chunkSize = Math.max(1, deps.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const log = deps.logger;
  const emit = (e: SyncEvent) => {
    try {
      deps.onEvent?.(e);
    } catch {
      /* a listener cannot break the sync */
    }
  };
  let current: Promise<SyncRunRecord> | undefined;
  let abort: AbortController | undefined;

  /** Database work that waits out a held lock (an operator's sqlite3, a backup) instead of failing. */
  const whenFree = <T>(what: string, work: () => T, signal?: AbortSignal) =>
    retryWhileBusy(work, { what: `sync: ${what}`, logger: log, signal });
  const stopping = (signal: AbortSignal) => {
    if (signal.aborted) throw new Error('the service is stopping; the next sync stores the rest');
  };

  async function runOnce(trigger: string): Promise<SyncRunRecord> {
    const started = now();
    const dates = syncDates(started, deps.timeZone, deps.daysBack, deps.daysAhead);
    const id = await whenFree('record the start of a run', () => runs.start(trigger, started.toISOString(), dates));
    const record: SyncRunRecord = {
      id,
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
    const signal = abort.signal;
    const seen = new Set<string>();
    const stored: string[] = [];
    for (const date of dates) {
      if (signal.aborted) {
        record.failedDates.push({ date, error: 'not fetched: the service is stopping' });
        continue;
      }
      let items: unknown[];
      try {
        items = await deps.source.fetchDate(date, signal);
      } catch (e) {
        const error = describeError(e);
        record.failedDates.push({ date, error });
        log.warn(`📅 BOOKING: Sync of ${date} failed: ${error}`);
        continue;
      }
      try {
        await storeDate(record, date, items, seen, signal);
        stored.push(date);
      } catch (e) {
        const error = `not fully stored: ${describeError(e)}`;
        record.failedDates.push({ date, error });
        log.warn(`📅 BOOKING: Sync of ${date} failed: ${error}`);
      }
    }
    // After every date is in: a booking that moved to another date of this run is seen there, not flagged here.
    for (const date of stored) {
      try {
        await flagUnlisted(record, date, seen, signal);
      } catch (e) {
        log.warn(`📅 BOOKING: Bookings no longer listed for ${date} are not flagged yet: ${describeError(e)}`);
      }
    }
    if (record.failedDates.length === dates.length) record.error = `all ${dates.length} dates failed`;
    record.finishedAt = now().toISOString();
    await whenFree('record the end of a run', () => runs.finish(record));
    log.info(
      `📅 BOOKING: Sync finished: ${record.fetched} fetched, ${record.created} created, ${record.updated} updated, ` +
        `${record.unchanged} unchanged, ${record.skipped} skipped, ${record.failedDates.length} of ${dates.length} dates failed`,
      { trigger },
    );
    emit({ type: 'sync:run', record: { ...record } });
    return record;
  }

  /** Parses and upserts one date's bookings, a chunk per transaction; counts into `record` as chunks commit. */
  async function storeDate(
    record: SyncRunRecord,
    date: string,
    items: unknown[],
    seen: Set<string>,
    signal: AbortSignal,
  ): Promise<void> {
    const stamp = now().toISOString();
    const event = { type: 'booking:changed' as const, date, created: 0, updated: 0, changes: [] as BookingChange[] };
    let skipped = 0;
    let unchanged = 0;
    for (let start = 0; start < items.length; start += chunkSize) {
      if (start > 0) await nextTurn();
      stopping(signal);
      const end = Math.min(items.length, start + chunkSize);
      const rows: BookingInput[] = [];
      for (let i = start; i < end; i++) {
        const parsed = parseBooking(items[i], deps.timeZone);
        items[i] = undefined; // AYO's object is garbage once parsed: a large answer is not held twice
        if ('reason' in parsed) {
          skipped++;
          record.skipped++;
          // Still listed, only unusable this time: the stored booking stays as it was, not flagged as gone.
          if (parsed.bookingId !== undefined) seen.add(parsed.bookingId);
          if (skipped <= LOGGED_PER_DATE)
            log.warn(`📅 BOOKING: Skipped booking ${parsed.bookingId ?? '(no id)'}: ${parsed.reason}`);
        } else {
          rows.push(parsed);
        }
      }
      const results = await whenFree(
        `store the bookings of ${date}`,
        () => deps.db.transaction(() => rows.map((b) => bookings.upsert(b, stamp)))(),
        signal,
      );
      results.forEach((r: UpsertResult, i) => {
        const b = rows[i]!;
        seen.add(b.bookingId);
        record.fetched++;
        record[r.outcome]++;
        if (r.outcome === 'unchanged') {
          unchanged++;
          return;
        }
        event[r.outcome]++;
        const change = { bookingId: b.bookingId, outcome: r.outcome, status: b.status };
        if (event.changes.length < EVENT_LIST_LIMIT)
          event.changes.push({ ...change, previousStatus: r.previous?.status ?? null });
        if (event.created + event.updated <= LOGGED_PER_DATE)
          log.info(
            `📅 BOOKING: ${r.outcome === 'created' ? 'Created new' : 'Updated'} booking ${b.bookingId} (status: ${b.status})`,
          );
      });
    }
    const changed = event.created + event.updated;
    if (changed > LOGGED_PER_DATE || skipped > LOGGED_PER_DATE)
      log.info(
        `📅 BOOKING: ${date}: ${event.created} created, ${event.updated} updated, ${unchanged} unchanged, ` +
          `${skipped} skipped (the first ${LOGGED_PER_DATE} of each are named above)`,
      );
    if (changed > 0) emit({ ...event, more: changed - event.changes.length });
  }

  /** Flags the bookings stored on `date` that AYO's answer no longer lists, a chunk per transaction. */
  async function flagUnlisted(record: SyncRunRecord, date: string, seen: Set<string>, signal: AbortSignal) {
    const stamp = now().toISOString();
    const gone = (await whenFree(`read the bookings of ${date}`, () => bookings.listedOn(date))).filter(
      (id) => !seen.has(id),
    );
    const flagged: string[] = [];
    for (let start = 0; start < gone.length; start += chunkSize) {
      if (start > 0) await nextTurn();
      const ids = gone.slice(start, start + chunkSize);
      const done = await whenFree(
        `flag the bookings of ${date} no longer listed`,
        () => deps.db.transaction(() => bookings.flagVanished(ids, stamp))(),
        signal,
      );
      for (const id of done) {
        record.vanished++;
        if (flagged.length < LOGGED_PER_DATE)
          log.warn(`📅 BOOKING: Booking ${id} is no longer listed by AYO for ${date}; flagged, no video will be made`);
        flagged.push(id);
      }
    }
    if (flagged.length > LOGGED_PER_DATE)
      log.warn(`📅 BOOKING: ${date}: ${flagged.length} bookings are no longer listed by AYO and were flagged`);
    if (flagged.length > 0)
      emit({
        type: 'booking:vanished',
        date,
        bookingIds: flagged.slice(0, EVENT_LIST_LIMIT),
        more: Math.max(0, flagged.length - EVENT_LIST_LIMIT),
      });
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
