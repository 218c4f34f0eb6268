// What AYO sends is bounded, and a bad booking costs only itself: the byte cap and the item cap fail their date and
// nothing else, over-long columns skip their booking with one short warning, raw_json keeps a marker instead of a
// 100 kB field or 20,000 levels of nesting, unknown statuses are stored but counted as `other`, logs and events are
// summarised per date, and a held database lock delays the sync instead of failing it.

import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAyoClient } from '../src/ayo/index.js';
import { createBookingsRepo, openDatabase, type Db } from '../src/db/index.js';
import { createMetrics, createScrapeCollector } from '../src/metrics/index.js';
import { createAyoBookingSource, createBookingSync, type SyncEvent } from '../src/sync/index.js';
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
beforeEach(() => {
  tmp = tempDir();
  db = openDatabase(path.join(tmp.dir, 'venue-recorder.db'), { busyTimeoutMs: 100 });
  log = captureLogger();
  events = [];
  ayo.clearBookings();
  ayo.clearFaults();
  ayo.calls.length = 0;
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

function makeSync(opts: { maxResponseBytes?: number; maxPerDate?: number; chunkSize?: number } = {}) {
  const client = createAyoClient({
    ...TEST_AYO,
    baseUrl: ayo.baseUrl,
    timeoutMs: 30_000,
    maxResponseBytes: opts.maxResponseBytes,
  });
  const resilience = createResilience({ name: 'AYO', maxAttempts: 2, baseDelayMs: 5 }, log.logger);
  return createBookingSync({
    db,
    source: createAyoBookingSource(client, resilience, opts.maxPerDate),
    timeZone: TZ,
    daysBack: 1,
    daysAhead: 1,
    logger: log.logger,
    now: () => NOW,
    onEvent: (e) => events.push(e),
    chunkSize: opts.chunkSize,
  });
}

const many = (n: number, over: (i: number) => Record<string, unknown> = () => ({})) =>
  Array.from({ length: n }, (_, i) => ayoBooking({ booking_id: `BK/${i}`, ...over(i) }));
const repo = () => createBookingsRepo(db);
const count = () => (db.prepare('SELECT COUNT(*) AS n FROM bookings').get() as { n: number }).n;

describe('bounded AYO answers', () => {
  it('an answer over AYO_MAX_RESPONSE_BYTES fails that date with a clear error, once, and nothing else', async () => {
    ayo.setBookings('2025-04-09', [ayoBooking({ booking_id: 'BK/A', date: '2025-04-09' })]);
    ayo.setBookings('2025-04-10', many(1_000)); // about 270 kB
    ayo.setBookings('2025-04-11', [ayoBooking({ booking_id: 'BK/C', date: '2025-04-11' })]);
    const record = await makeSync({ maxResponseBytes: 65_536 }).run('test');
    expect(record.failedDates).toEqual([
      {
        date: '2025-04-10',
        error: expect.stringMatching(
          /^AYO bookings answered (\d+ bytes,|a body) more than AYO_MAX_RESPONSE_BYTES \(65536 bytes\); the answer was refused$/,
        ) as string,
      },
    ]);
    expect(record).toMatchObject({ created: 2, error: null });
    expect(repo().getById('BK/A')).toBeDefined();
    expect(repo().getById('BK/C')).toBeDefined();
    expect(count()).toBe(2);
    // Not retried: the same answer would come again.
    expect(ayo.bookingCalls().filter((c) => c.params.date === '2025-04-10')).toHaveLength(1);
  });

  it('more bookings than AYO_MAX_BOOKINGS_PER_DATE fail their date: nothing stored there, nothing flagged', async () => {
    ayo.setBookings('2025-04-10', [ayoBooking({ booking_id: 'BK/KEEP' })]);
    const sync = makeSync({ maxPerDate: 50 });
    await sync.run('test');
    ayo.setBookings('2025-04-10', many(51));
    const record = await sync.run('test');
    expect(record.failedDates).toEqual([
      {
        date: '2025-04-10',
        error:
          'AYO bookings listed 51 bookings for one date, more than AYO_MAX_BOOKINGS_PER_DATE (50); the date was not synced',
      },
    ]);
    expect(record).toMatchObject({ created: 0, vanished: 0 });
    expect(repo().getById('BK/KEEP')).toMatchObject({ vanished_at: null });
    expect(count()).toBe(1);
  });

  it('an over-long column skips its booking with one short warning; an over-long other field is cut in raw_json', async () => {
    const huge = 'x'.repeat(100_000);
    ayo.setBookings('2025-04-10', [
      ayoBooking({ booking_id: 'BK/NAME', user_name: huge }),
      ayoBooking({ booking_id: 'BK/STATUS', status: huge }),
      ayoBooking({ booking_id: 'BK/NOTE', note: huge }),
      ayoBooking({ booking_id: 'BK/DATE', date: huge }),
      ayoBooking({ booking_id: 'BK/OK' }),
    ]);
    const record = await makeSync().run('test');
    expect(record).toMatchObject({ created: 2, skipped: 3, failedDates: [] });
    expect(repo().getById('BK/NAME')).toBeUndefined();
    expect(repo().getById('BK/STATUS')).toBeUndefined();
    const warns = log.lines.filter((l) => l.includes('Skipped booking'));
    expect(warns).toHaveLength(3);
    expect(warns.join('\n')).toContain('BK/NAME: user_name is 100000 characters long, more than 200');
    expect(warns.join('\n')).toContain('BK/STATUS: status is 100000 characters long, more than 40');
    expect(warns.join('\n')).toMatch(/BK\/DATE: unparseable date "x{40}…"/);
    for (const w of warns) expect(w.length).toBeLessThan(300);
    const note = repo().getById('BK/NOTE')!;
    expect(note.raw_json.length).toBeLessThan(2_000);
    expect(JSON.parse(note.raw_json)).toMatchObject({
      booking_id: 'BK/NOTE',
      note: `${'x'.repeat(1_000)}…[truncated: 100000 characters]`,
    });
    // A normal booking's raw_json is AYO's object as it came.
    expect(JSON.parse(repo().getById('BK/OK')!.raw_json)).toEqual(ayoBooking({ booking_id: 'BK/OK' }));
  });

  it('a booking nested 20,000 levels deep costs only itself: the good bookings of its date land', async () => {
    // Written as text: JSON.stringify itself overflows its stack on such a value (which is how main failed the date).
    const deep = `${'['.repeat(20_000)}"bottom"${']'.repeat(20_000)}`;
    const item = (over: string) => JSON.stringify(ayoBooking()).replace(/\}$/, `,${over}}`);
    ayo.setBookingsBody(
      '2025-04-10',
      `{"error":false,"data":[${[
        item('"booking_id":"BK/GOOD1"'),
        item(`"booking_id":"BK/DEEPFIELD","extra":${deep}`),
        item(`"booking_id":"BK/DEEPDATE","date":${deep}`),
        deep,
        item('"booking_id":"BK/GOOD2"'),
      ].join(',')}]}`,
    );
    const record = await makeSync().run('test');
    expect(record.failedDates).toEqual([]);
    expect(record).toMatchObject({ created: 3, skipped: 2 });
    expect(repo().getById('BK/GOOD1')).toBeDefined();
    expect(repo().getById('BK/GOOD2')).toBeDefined();
    const raw = repo().getById('BK/DEEPFIELD')!.raw_json;
    expect(raw).toContain('…[truncated: nested deeper than 16 levels]');
    expect(raw.length).toBeLessThan(2_000);
    expect(log.lines.some((l) => l.includes('Skipped booking BK/DEEPDATE: unparseable date a list'))).toBe(true);
  });

  it('2,000 distinct statuses are stored as sent but are one `other` series in the metrics', async () => {
    ayo.setBookings(
      '2025-04-10',
      many(2_000, (i) => ({ status: i < 10 ? 'SUCCESS' : `WEIRD_${i}` })),
    );
    const record = await makeSync().run('test');
    expect(record).toMatchObject({ created: 2_000, skipped: 0 });
    expect(repo().getById('BK/1999')).toMatchObject({ status: 'weird_1999' });
    const m = createMetrics();
    createScrapeCollector(db, m, { cameras: [], dataDir: tmp.dir })();
    const series = (await m.registry.metrics()).split('\n').filter((l) => l.startsWith('venue_recorder_bookings{'));
    // The known statuses are series from the start (at 0 until a booking has them); every unknown one is `other`.
    expect(series.sort()).toEqual([
      'venue_recorder_bookings{status="cancelled"} 0',
      'venue_recorder_bookings{status="expired"} 0',
      'venue_recorder_bookings{status="other"} 1990',
      'venue_recorder_bookings{status="pending"} 0',
      'venue_recorder_bookings{status="success"} 10',
    ]);
  });

  it('thousands of changes are a few log lines and one event per date, not one each', async () => {
    ayo.setBookings('2025-04-10', many(1_200));
    const sync = makeSync({ chunkSize: 100 });
    const record = await sync.run('test');
    expect(record).toMatchObject({ created: 1_200, failedDates: [] });
    expect(count()).toBe(1_200);
    expect(log.lines.filter((l) => l.includes('Created new booking'))).toHaveLength(20);
    expect(
      log.lines.some((l) =>
        l.includes('📅 BOOKING: 2025-04-10: 1200 created, 0 updated, 0 unchanged, 0 skipped (the first 20 of each'),
      ),
    ).toBe(true);
    const changed = events.filter((e) => e.type === 'booking:changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ date: '2025-04-10', created: 1_200, updated: 0, more: 1_100 });
    expect((changed[0] as { changes: unknown[] }).changes).toHaveLength(100);
    // All of them gone at once: flagged in chunks, still one event and a few lines.
    ayo.setBookings('2025-04-10', []);
    events = [];
    const second = await sync.run('test');
    expect(second.vanished).toBe(1_200);
    expect(events.filter((e) => e.type === 'booking:vanished')).toMatchObject([{ date: '2025-04-10', more: 1_100 }]);
    expect(log.lines.filter((l) => l.includes('is no longer listed by AYO'))).toHaveLength(20);
    expect(log.lines.some((l) => l.includes('2025-04-10: 1200 bookings are no longer listed by AYO'))).toBe(true);
  });

  it('a database lock held by another connection delays the sync, logged once, and the sync then completes', async () => {
    ayo.setBookings('2025-04-10', many(50));
    const other = new Database(path.join(tmp.dir, 'venue-recorder.db'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const running = makeSync().run('test');
      await waitFor(
        () => log.lines.some((l) => l.includes('the database is locked by another connection; waiting for it')),
        'the sync to meet the lock',
      );
      other.exec('COMMIT');
      const record = await running;
      expect(record).toMatchObject({ created: 50, failedDates: [], error: null });
      expect(count()).toBe(50);
      expect(log.lines.filter((l) => l.includes('locked by another connection'))).toHaveLength(1);
      expect(log.lines.some((l) => l.includes('the database lock was released after'))).toBe(true);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
  });
});
