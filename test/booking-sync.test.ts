import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAyoClient } from '../src/ayo/index.js';
import { createBookingsRepo, createSyncRunsRepo, openDatabase, type Db } from '../src/db/index.js';
import { applyBookingRetention, createAyoBookingSource, createBookingSync, type SyncEvent } from '../src/sync/index.js';
import { createResilience } from '../src/util/resilience.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const TZ = 'Asia/Jakarta';
// 2025-04-10 09:00 in Jakarta: the sync fetches 04-09, 04-10 and 04-11.
const NOW = new Date('2025-04-10T02:00:00Z');

let ayo: FakeAyo;
beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
});
afterAll(() => ayo.close());

let tmp: ReturnType<typeof tempDir>;
let db: Db;
let log: ReturnType<typeof captureLogger>;
let events: SyncEvent[];
let clock: Date;
// The client's timeout is long enough for any answer on a busy machine; only the test of a hanging AYO shortens it.
function makeSync(opts: { attempts?: number; timeoutMs?: number } = {}) {
  const client = createAyoClient({ ...TEST_AYO, baseUrl: ayo.baseUrl, timeoutMs: opts.timeoutMs ?? 10_000 });
  const resilience = createResilience(
    { name: 'AYO', maxAttempts: opts.attempts ?? 2, baseDelayMs: 5, breaker: { threshold: 50, halfOpenAfterMs: 1000 } },
    log.logger,
  );
  return createBookingSync({
    db,
    source: createAyoBookingSource(client, resilience),
    timeZone: TZ,
    daysBack: 1,
    daysAhead: 1,
    logger: log.logger,
    now: () => clock,
    onEvent: (e) => events.push(e),
  });
}
beforeEach(() => {
  tmp = tempDir();
  db = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
  log = captureLogger();
  events = [];
  clock = NOW;
  ayo.clearBookings();
  ayo.clearFaults();
  ayo.calls.length = 0;
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

describe('booking sync', () => {
  it('fetches each venue-local date, creates bookings and logs the seed lines', async () => {
    ayo.setBookings('2025-04-09', [ayoBooking({ booking_id: 'BK/A', date: '2025-04-09' })]);
    ayo.setBookings('2025-04-10', [
      ayoBooking({ booking_id: 'BK/B' }),
      ayoBooking({ booking_id: 'BK/C', status: 'CANCELLED' }),
    ]);
    const record = await makeSync().run('test');
    expect(ayo.bookingCalls().map((c) => c.params.date)).toEqual(['2025-04-09', '2025-04-10', '2025-04-11']);
    expect(record).toMatchObject({
      fetched: 3,
      created: 3,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      failedDates: [],
      error: null,
    });
    const repo = createBookingsRepo(db);
    const c = repo.getById('BK/C')!;
    expect(c).toMatchObject({
      status: 'cancelled',
      field_id: 50,
      order_detail_id: 186926,
      user_name: 'Budi Santoso',
      booking_source: 'reservation',
    });
    expect(JSON.parse(c.raw_json)).toEqual(ayoBooking({ booking_id: 'BK/C', status: 'CANCELLED' }));
    expect(c.last_sync_at).toBe(NOW.toISOString());
    expect(log.lines.some((l) => l.includes('📅 BOOKING: Created new booking BK/B (status: success)'))).toBe(true);
    expect(log.lines.some((l) => l.includes('📅 BOOKING: Created new booking BK/C (status: cancelled)'))).toBe(true);
    expect(createSyncRunsRepo(db).latest()).toMatchObject({ id: record.id, created: 3, finishedAt: NOW.toISOString() });
    // One event per date, listing its changed bookings.
    const changed = events.flatMap((e) => (e.type === 'booking:changed' ? [e] : []));
    expect(changed.map((e) => [e.date, e.created, e.changes.map((c) => c.bookingId)])).toEqual([
      ['2025-04-09', 1, ['BK/A']],
      ['2025-04-10', 2, ['BK/B', 'BK/C']],
    ]);
  });

  it('touches only last_sync_at when nothing changed, and updates with the seed line when something did', async () => {
    ayo.setBookings('2025-04-10', [ayoBooking({ booking_id: 'BK/B' })]);
    const sync = makeSync();
    await sync.run('test');
    const first = createBookingsRepo(db).getById('BK/B')!;
    clock = new Date(NOW.getTime() + 60_000);
    const second = await sync.run('test');
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const after = createBookingsRepo(db).getById('BK/B')!;
    expect(after.updated_at).toBe(first.updated_at);
    expect(after.last_sync_at).toBe(clock.toISOString());
    expect(log.lines.filter((l) => l.includes('Updated booking'))).toHaveLength(0);

    clock = new Date(NOW.getTime() + 120_000);
    ayo.setBookings('2025-04-10', [ayoBooking({ booking_id: 'BK/B', status: 'CANCELLED' })]);
    events = [];
    const third = await sync.run('test');
    expect(third).toMatchObject({ updated: 1, unchanged: 0 });
    const cancelled = createBookingsRepo(db).getById('BK/B')!;
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      updated_at: clock.toISOString(),
      created_at: first.created_at,
    });
    expect(log.lines.some((l) => l.includes('📅 BOOKING: Updated booking BK/B (status: cancelled)'))).toBe(true);
    expect(events).toContainEqual({
      type: 'booking:changed',
      date: '2025-04-10',
      created: 0,
      updated: 1,
      changes: [{ bookingId: 'BK/B', outcome: 'updated', status: 'cancelled', previousStatus: 'success' }],
      more: 0,
    });
  });

  it('skips bookings without an id or with an unparseable date or time, naming them, and stores the rest', async () => {
    ayo.setBookings('2025-04-10', [
      ayoBooking({ booking_id: 'BK/OK' }),
      ayoBooking({ booking_id: undefined }),
      ayoBooking({ booking_id: 'BK/BADDATE', date: '2025-02-30' }),
      ayoBooking({ booking_id: 'BK/BADTIME', start_time: '25:00:00' }),
      'not an object',
      ayoBooking({ booking_id: 'BK/NOSTATUS', status: null }),
    ]);
    const record = await makeSync().run('test');
    expect(record).toMatchObject({ fetched: 1, created: 1, skipped: 5 });
    expect(createBookingsRepo(db).getById('BK/OK')).toBeDefined();
    const warns = log.lines.filter((l) => l.includes('Skipped booking'));
    expect(warns.join('\n')).toMatch(/\(no id\): missing booking_id/);
    expect(warns.join('\n')).toMatch(/BK\/BADDATE: unparseable date "2025-02-30"/);
    expect(warns.join('\n')).toMatch(/BK\/BADTIME: unparseable start_time "25:00:00"/);
    expect(warns.join('\n')).toMatch(/BK\/NOSTATUS: missing status/);
  });

  it('a failing date does not stop the other dates', async () => {
    ayo.setBookings('2025-04-09', [ayoBooking({ booking_id: 'BK/A', date: '2025-04-09' })]);
    ayo.setBookings('2025-04-11', [ayoBooking({ booking_id: 'BK/C', date: '2025-04-11' })]);
    ayo.fault({ kind: '500', date: '2025-04-10' });
    const record = await makeSync().run('test');
    expect(record.created).toBe(2);
    expect(record.failedDates).toEqual([{ date: '2025-04-10', error: 'AYO bookings answered HTTP 500: Server Error' }]);
    expect(record.error).toBeNull();
    expect(log.lines.some((l) => l.includes('Sync of 2025-04-10 failed'))).toBe(true);
  });

  it('records an error when every date fails, and survives garbage, hangs and resets', async () => {
    ayo.fault({ kind: 'malformed', date: '2025-04-09' });
    ayo.fault({ kind: 'hang', date: '2025-04-10' });
    ayo.fault({ kind: 'reset', date: '2025-04-11' });
    const record = await makeSync({ timeoutMs: 300 }).run('test');
    expect(record.error).toBe('all 3 dates failed');
    expect(record.failedDates.map((f) => f.date)).toEqual(['2025-04-09', '2025-04-10', '2025-04-11']);
    expect(record.failedDates[1]!.error).toMatch(/timed out/);
    expect(createSyncRunsRepo(db).latestSuccessful()).toBeUndefined();
  });

  it('flags a booking that vanishes from a successful response and unflags it when it comes back', async () => {
    ayo.setBookings('2025-04-10', [ayoBooking({ booking_id: 'BK/X' }), ayoBooking({ booking_id: 'BK/Y' })]);
    const sync = makeSync();
    await sync.run('test');
    ayo.setBookings('2025-04-10', [ayoBooking({ booking_id: 'BK/Y' })]);
    const r2 = await sync.run('test');
    expect(r2.vanished).toBe(1);
    expect(createBookingsRepo(db).getById('BK/X')!.vanished_at).toBe(NOW.toISOString());
    expect(log.lines.some((l) => l.includes('Booking BK/X is no longer listed by AYO for 2025-04-10'))).toBe(true);
    // A failed date must not flag anything.
    ayo.fault({ kind: '500', date: '2025-04-10' });
    const r3 = await sync.run('test');
    expect(r3.vanished).toBe(0);
    expect(createBookingsRepo(db).getById('BK/Y')!.vanished_at).toBeNull();
    ayo.clearFaults();
    ayo.setBookings('2025-04-10', [ayoBooking({ booking_id: 'BK/X' }), ayoBooking({ booking_id: 'BK/Y' })]);
    const r4 = await sync.run('test');
    expect(r4).toMatchObject({ updated: 1, unchanged: 1, vanished: 0 });
    expect(createBookingsRepo(db).getById('BK/X')!.vanished_at).toBeNull();
  });

  it('a stored booking that comes back unparseable is skipped, kept as it was and not flagged as gone', async () => {
    ayo.setBookings('2025-04-10', [ayoBooking({ booking_id: 'BK/K' })]);
    const sync = makeSync();
    await sync.run('test');
    ayo.setBookings('2025-04-10', [ayoBooking({ booking_id: 'BK/K', start_time: '25:99' })]);
    const r = await sync.run('test');
    expect(r).toMatchObject({ skipped: 1, vanished: 0 });
    expect(log.lines.some((l) => l.includes('Skipped booking BK/K: unparseable start_time "25:99"'))).toBe(true);
    expect(log.lines.some((l) => l.includes('BK/K is no longer listed'))).toBe(false);
    expect(createBookingsRepo(db).getById('BK/K')).toMatchObject({ start_time: '10:00:00', vanished_at: null });
  });

  it('follows a booking that moves to another date without flagging it', async () => {
    ayo.setBookings('2025-04-10', [ayoBooking({ booking_id: 'BK/M' })]);
    const sync = makeSync();
    await sync.run('test');
    ayo.setBookings('2025-04-10', []);
    ayo.setBookings('2025-04-11', [
      ayoBooking({ booking_id: 'BK/M', date: '2025-04-11', start_time: '20:00:00', end_time: '21:00:00' }),
    ]);
    const r = await sync.run('test');
    expect(r).toMatchObject({ updated: 1, vanished: 0 });
    expect(createBookingsRepo(db).getById('BK/M')).toMatchObject({
      date: '2025-04-11',
      start_at: '2025-04-11T13:00:00.000Z',
      vanished_at: null,
    });
  });

  it('never overlaps: a second run while one is running shares it', async () => {
    ayo.setBookings('2025-04-10', [ayoBooking()]);
    const sync = makeSync();
    const [a, b] = await Promise.all([sync.run('a'), sync.run('b')]);
    expect(a).toBe(b);
    expect(ayo.bookingCalls()).toHaveLength(3);
    expect(sync.running).toBe(false);
  });

  it('stop() aborts the fetches of a running run and still records it', async () => {
    ayo.fault({ kind: 'hang' });
    const sync = createBookingSync({
      db,
      timeZone: TZ,
      daysBack: 0,
      daysAhead: 0,
      logger: log.logger,
      now: () => clock,
      source: createAyoBookingSource(
        createAyoClient({ ...TEST_AYO, baseUrl: ayo.baseUrl, timeoutMs: 30_000 }),
        createResilience({ name: 'AYO', maxAttempts: 1 }, log.logger),
      ),
    });
    const running = sync.run('test');
    await waitFor(() => ayo.calls.some((c) => c.answered === 'hang'), 'the fetch to hang at AYO');
    await sync.stop();
    const record = await running;
    expect(record.failedDates).toHaveLength(1);
    expect(createSyncRunsRepo(db).latest()!.finishedAt).not.toBeNull();
  });

  it('retention deletes bookings dated before today minus the retention days', async () => {
    ayo.setBookings('2025-04-09', [ayoBooking({ booking_id: 'BK/OLD', date: '2025-04-09' })]);
    ayo.setBookings('2025-04-10', [ayoBooking({ booking_id: 'BK/NEW' })]);
    await makeSync().run('test');
    const deleted = applyBookingRetention(db, { retentionDays: 0, timeZone: TZ, logger: log.logger, now: NOW });
    expect(deleted).toBe(1);
    expect(createBookingsRepo(db).getById('BK/OLD')).toBeUndefined();
    expect(createBookingsRepo(db).getById('BK/NEW')).toBeDefined();
  });
});
