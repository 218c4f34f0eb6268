// Benchmark of the booking sync's write: 10,000 parsed AYO bookings upserted through the bookings repository in one
// transaction (exactly what BookingSync's write() does), against a baseline measured in the same run: the same rows
// inserted with one plain autocommit INSERT each. Ratios matter; absolute times depend on the machine.
//
// Both sides use openDatabase(), i.e. WAL with synchronous=NORMAL, which is the production setting: in WAL mode
// NORMAL does not fsync on every commit (only at checkpoints), so the baseline's autocommit inserts are not
// dominated by fsyncs and the ratio is the honest one for the service as deployed.
//
// The second part times one AYO answer of 250,000 bookings (~68 MB) for one date through BookingSync (parsed on a
// worker thread, then chunks of 500 per transaction with a turn of the event loop between), beside the path before: the
// whole answer parsed and upserted in one synchronous transaction. Its figures are the total time and the longest
// event-loop block (which bounds how long the write lock is held at once, and what an actor's heartbeat must outlast).
//
// Run: npm run bench:sync

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { bookingItems, parseBookings } from '../src/ayo/index.js';
import { createBookingsRepo, openDatabase, type BookingInput, type Db } from '../src/db/index.js';
import { createLogger } from '../src/log.js';
import { parseOffThread } from '../src/ayo/parse-off-thread.js';
import { createBookingSync } from '../src/sync/index.js';
import { makeAyoBookings, type AyoBookingObject } from './ayo-fixture.js';
import { fmt, median, verdict } from './stats.js';

const COUNT = 10_000;
const REPEATS = 3;
const TIME_ZONE = 'Asia/Jakarta';
const TARGET_RATE = 50_000;
const TARGET_RATIO = 5;

type Outcomes = Record<'created' | 'updated' | 'unchanged', number>;

function parse(data: AyoBookingObject[]): BookingInput[] {
  const { bookings, skipped } = parseBookings(data, TIME_ZONE);
  if (skipped.length > 0 || bookings.length !== data.length) {
    throw new Error(`fixture did not parse cleanly: ${bookings.length} parsed, ${skipped.length} skipped`);
  }
  return bookings;
}

/** The sync's write: every row through repo.upsert inside one db.transaction. Returns elapsed ms and outcomes. */
function syncWrite(db: Db, rows: readonly BookingInput[], now: string): { ms: number; outcomes: Outcomes } {
  const repo = createBookingsRepo(db); // prepared once per connection in the service too; not part of the timing
  const outcomes: Outcomes = { created: 0, updated: 0, unchanged: 0 };
  const t0 = performance.now();
  db.transaction(() => {
    for (const row of rows) outcomes[repo.upsert(row, now).outcome]++;
  })();
  return { ms: performance.now() - t0, outcomes };
}

/** The baseline: one autocommit INSERT per row, statement prepared once, no explicit transaction. */
function autocommitInserts(db: Db, rows: readonly BookingInput[], now: string): number {
  const insert = db.prepare(`
    INSERT INTO bookings (booking_id, order_detail_id, field_id, date, start_time, end_time, status, field_name,
      user_name, user_phone, booking_source, start_at, end_at, raw_json, created_at, updated_at, last_sync_at)
    VALUES (@bookingId, @orderDetailId, @fieldId, @date, @startTime, @endTime, @status, @fieldName,
      @userName, @userPhone, @bookingSource, @startAt, @endAt, @rawJson, @now, @now, @now)`);
  const t0 = performance.now();
  for (const row of rows) insert.run({ ...row, now });
  return performance.now() - t0;
}

function expectOutcomes(label: string, got: Outcomes, want: Outcomes): void {
  if (got.created !== want.created || got.updated !== want.updated || got.unchanged !== want.unchanged) {
    throw new Error(`${label}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
}

const rate = (ms: number) => (COUNT / ms) * 1000;

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sync-'));
  try {
    // The AYO response as it arrives, 10,000 bookings over 5 dates; then the same with 10% of statuses changed.
    const data = makeAyoBookings(COUNT, '2025-04-10', 5);
    const rows = parse(data);
    const changedData = data.map((b, i) =>
      i % 10 === 0 ? { ...b, status: b.status === 'SUCCESS' ? 'CANCELLED' : 'SUCCESS' } : b,
    );
    const changedRows = parse(changedData);
    const changedCount = Math.ceil(COUNT / 10);

    let n = 0;
    const freshDb = () => openDatabase(path.join(dir, `db-${n++}.sqlite`));

    // Warm-up (JIT, page cache), not timed: a small run of each path on its own database.
    const warmRows = rows.slice(0, 1_000);
    const warmDb = freshDb();
    syncWrite(warmDb, warmRows, '2025-04-10T00:00:00.000Z');
    warmDb.close();
    const warmBaseDb = freshDb();
    autocommitInserts(warmBaseDb, warmRows, '2025-04-10T00:00:00.000Z');
    warmBaseDb.close();

    const first: number[] = [];
    const unchanged: number[] = [];
    const changed: number[] = [];
    const baseline: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const db = freshDb();
      const p1 = syncWrite(db, rows, '2025-04-10T01:00:00.000Z');
      expectOutcomes('first pass', p1.outcomes, { created: COUNT, updated: 0, unchanged: 0 });
      const p2 = syncWrite(db, rows, '2025-04-10T01:05:00.000Z');
      expectOutcomes('unchanged pass', p2.outcomes, { created: 0, updated: 0, unchanged: COUNT });
      const p3 = syncWrite(db, changedRows, '2025-04-10T01:10:00.000Z');
      expectOutcomes('10% changed pass', p3.outcomes, {
        created: 0,
        updated: changedCount,
        unchanged: COUNT - changedCount,
      });
      db.close();
      first.push(p1.ms);
      unchanged.push(p2.ms);
      changed.push(p3.ms);

      const bdb = freshDb();
      baseline.push(autocommitInserts(bdb, rows, '2025-04-10T01:00:00.000Z'));
      const stored = bdb.prepare('SELECT count(*) AS n FROM bookings').get() as { n: number };
      if (stored.n !== COUNT) throw new Error(`baseline stored ${stored.n} rows`);
      bdb.close();
    }

    const runs = (xs: number[]) => `[runs: ${xs.map((x) => fmt(x, 1)).join(', ')} ms]`;
    const mFirst = median(first);
    const mBase = median(baseline);
    const ratio = mBase / mFirst;
    console.log(
      `median of ${REPEATS} runs, each on a fresh database file (WAL, synchronous=NORMAL as openDatabase sets)`,
    );
    console.log(
      `sync upsert (one transaction): ${COUNT} bookings in ${fmt(mFirst, 1)} ms = ${fmt(rate(mFirst))} bookings/s` +
        `   (target ≥ ${fmt(TARGET_RATE)} bookings/s: ${verdict(rate(mFirst) >= TARGET_RATE)}) ${runs(first)}`,
    );
    console.log(
      `baseline autocommit inserts: ${COUNT} bookings in ${fmt(mBase, 1)} ms = ${fmt(rate(mBase))} bookings/s ${runs(baseline)}`,
    );
    console.log(`ratio: ${fmt(ratio, 1)}×   (target ≥ ${TARGET_RATIO}×: ${verdict(ratio >= TARGET_RATIO)})`);
    const mUnchanged = median(unchanged);
    const mChanged = median(changed);
    console.log(
      `sync upsert, second pass (all unchanged): ${COUNT} bookings in ${fmt(mUnchanged, 1)} ms = ` +
        `${fmt(rate(mUnchanged))} bookings/s ${runs(unchanged)}`,
    );
    console.log(
      `sync upsert, third pass (10% status changes, ${changedCount} updated): ${COUNT} bookings in ` +
        `${fmt(mChanged, 1)} ms = ${fmt(rate(mChanged))} bookings/s ${runs(changed)}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const LARGE = 250_000;

/** Runs `work` and answers its time and the longest event-loop block during it (ms; since `h.reset()` if it calls it). */
async function watched(work: (h: { reset(): void }) => unknown): Promise<{ ms: number; longestBlockMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  // The sampling timer must be running before the work starts, or a synchronous block is never sampled.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const t0 = performance.now();
  await work(h);
  const ms = performance.now() - t0;
  // A synchronous path shows no delay until the loop turns again: let it turn once before reading.
  await new Promise((resolve) => setTimeout(resolve, 20));
  h.disable();
  return { ms, longestBlockMs: h.max / 1e6 };
}

async function largeAnswer(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sync-large-'));
  try {
    const date = '2025-04-10';
    const text = JSON.stringify({ error: false, status_code: 200, data: makeAyoBookings(LARGE, date, 1) });
    const parseMs = median(
      [0, 1, 2].map(() => {
        const t0 = performance.now();
        JSON.parse(text);
        return performance.now() - t0;
      }),
    );

    // Before: the whole answer parsed, then upserted in one transaction, all in one turn of the event loop.
    const before = openDatabase(path.join(dir, 'before.sqlite'));
    const beforeRun = await watched(() => {
      const { bookings } = parseBookings((JSON.parse(text) as { data: unknown }).data, TIME_ZONE, LARGE);
      const repo = createBookingsRepo(before);
      before.transaction(() => {
        for (const b of bookings) repo.upsert(b, '2025-04-10T01:00:00.000Z');
      })();
    });
    before.close();

    // Now: BookingSync with a source that parses the same text (as the client would after reading the body).
    const db = openDatabase(path.join(dir, 'now.sqlite'));
    const sync = createBookingSync({
      db,
      // As the client does with an answer over 1 MiB: parsed on a worker thread, its list handed back in slices.
      source: {
        fetchDate: async () => {
          const parsed = await parseOffThread(Buffer.from(text));
          if (!parsed.ok) throw new Error('the fixture is not JSON');
          return bookingItems((parsed.json as { data: unknown }).data, LARGE);
        },
      },
      timeZone: TIME_ZONE,
      daysBack: 0,
      daysAhead: 0,
      logger: createLogger({ sink: () => undefined }),
      now: () => new Date('2025-04-10T01:00:00.000Z'),
    });
    let record: Awaited<ReturnType<typeof sync.run>> | undefined;
    const nowRun = await watched(async () => (record = await sync.run('bench')));
    const stored = db.prepare('SELECT count(*) AS n FROM bookings').get() as { n: number };
    db.close();
    if (record?.created !== LARGE || stored.n !== LARGE)
      throw new Error(`stored ${stored.n}, created ${record?.created}`);

    console.log(`\none answer of ${fmt(LARGE)} bookings (${fmt(text.length / 1e6, 1)} MB) for one date:`);
    console.log(`JSON.parse alone: ${fmt(parseMs)} ms (median of 3)`);
    console.log(
      `before (parse + one transaction): ${fmt(beforeRun.ms)} ms, longest event-loop block ${fmt(beforeRun.longestBlockMs)} ms`,
    );
    console.log(
      `now (parsed on a worker thread, stored in chunks of 500): ${fmt(nowRun.ms)} ms, ` +
        `longest event-loop block ${fmt(nowRun.longestBlockMs)} ms (the actor's heartbeat limit is 10,000 ms)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
await largeAnswer();
