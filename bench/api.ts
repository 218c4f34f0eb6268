// Benchmark of the REST API's date query (GET /api/bookings?date=..., ~100 rows per answer) through the real h3 app,
// against a baseline measured in the same run: a bare node:http server running the same SQL (prepared once) and
// JSON-encoding the same response. Ratios matter; absolute figures depend on the machine.
//
// autocannon runs in the same process (and on the same event loop) as both servers, so the load generator takes
// its share of the CPU from both alike: the absolute requests/s are lower than with a separate load generator,
// but both sides carry the same handicap and the ratio stays meaningful.
//
// Run: npm run bench:api

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { parseBookings } from '../src/ayo/index.js';
import { createBookingsRepo, openDatabase, type BookingRow, type Db } from '../src/db/index.js';
import { createHttpApp, startHttpServer, toBookingDto } from '../src/http/index.js';
import { silentLogger } from '../src/log.js';
import { addDaysTo, makeAyoBookings } from './ayo-fixture.js';
import { fmt } from './stats.js';

const DATES = 20;
const PER_DATE = 100;
const FIRST_DATE = '2025-04-01';
const CONNECTIONS = 10;
const WARMUP_S = 2;
const DURATION_S = 8;
const TARGET_SHARE = 0.7;

/** Fills the database the way the sync does: repo.upsert of every parsed booking in one transaction. */
function fill(db: Db): void {
  const { bookings, skipped } = parseBookings(makeAyoBookings(DATES * PER_DATE, FIRST_DATE, DATES), 'Asia/Jakarta');
  if (skipped.length > 0) throw new Error(`${skipped.length} fixture bookings were skipped`);
  const repo = createBookingsRepo(db);
  const now = new Date().toISOString();
  db.transaction(() => {
    for (const b of bookings) repo.upsert(b, now);
  })();
}

/** The baseline: node:http, one prepared statement, the same SQL and response shape as the service's date filter. */
function startBaselineServer(db: Db): Promise<{ server: Server; url: string }> {
  const byDate = db.prepare<[string], BookingRow>(
    'SELECT * FROM bookings WHERE date = ? ORDER BY date DESC, start_time ASC, id ASC LIMIT 100',
  );
  const server = createServer((req, res) => {
    const [pathname, search] = (req.url ?? '').split('?', 2) as [string, string | undefined];
    const date = new URLSearchParams(search ?? '').get('date');
    if (req.method !== 'GET' || pathname !== '/api/bookings' || !date) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"error"}');
      return;
    }
    const rows = byDate.all(date);
    const body = JSON.stringify({ status: 'success', count: rows.length, data: rows.map(toBookingDto) });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  server.keepAliveTimeout = 5_000; // as startHttpServer sets
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

/** Requests alternating over the 20 dates; each autocannon connection cycles through the list. */
const requests: autocannon.Request[] = Array.from({ length: DATES }, (_, i) => ({
  method: 'GET',
  path: `/api/bookings?date=${addDaysTo(FIRST_DATE, i)}`,
}));

async function load(url: string, label: string): Promise<autocannon.Result> {
  await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_S, requests }); // warm-up, discarded
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, requests });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(`${label}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return result;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-api-'));
  const db = openDatabase(path.join(dir, 'bench.sqlite'));
  try {
    fill(db);
    const service = await startHttpServer(createHttpApp({ db, apiKey: undefined, logger: silentLogger }), {
      port: 0,
      host: '127.0.0.1',
    });
    const baseline = await startBaselineServer(db);
    try {
      // Both answer the same thing: same rows, same order, same fields.
      const probe = `/api/bookings?date=${addDaysTo(FIRST_DATE, 3)}`;
      const [fromService, fromBaseline] = await Promise.all(
        [service.url, baseline.url].map(async (u) => {
          const res = await fetch(u + probe);
          assert.equal(res.status, 200);
          return (await res.json()) as { count: number };
        }),
      );
      assert.deepEqual(fromService, fromBaseline);
      assert.equal(fromService!.count, PER_DATE);

      const base = await load(baseline.url, 'baseline');
      const real = await load(service.url, 'service');
      const share = real.requests.average / base.requests.average;
      console.log(
        `${DATES * PER_DATE} bookings, GET /api/bookings?date=... alternating over ${DATES} dates (${PER_DATE} rows each), ` +
          `${CONNECTIONS} connections, ${DURATION_S} s after a ${WARMUP_S} s warm-up`,
      );
      console.log(
        `service (h3 app):            ${fmt(real.requests.average)} requests/s, p99 latency ${fmt(real.latency.p99)} ms ` +
          `(${fmt(real.requests.total)} requests)`,
      );
      console.log(
        `baseline (bare node:http):   ${fmt(base.requests.average)} requests/s, p99 latency ${fmt(base.latency.p99)} ms ` +
          `(${fmt(base.requests.total)} requests)`,
      );
      console.log(
        `ratio: ${fmt(share * 100, 1)}% of the baseline's requests/s   ` +
          `(target ≥ ${TARGET_SHARE * 100}%: ${share >= TARGET_SHARE ? 'met' : 'NOT met'})`,
      );
    } finally {
      await service.close(1_000);
      await new Promise<void>((done) => {
        baseline.server.close(() => done());
        baseline.server.closeIdleConnections();
      });
    }
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
