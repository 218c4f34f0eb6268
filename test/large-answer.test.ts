// The whole service against an AYO that lists 250,000 bookings (about 60 MB) for one date: the sync stores them in
// chunks that yield, so every actor keeps its heartbeat (no restart), /healthz answers throughout, and the sync
// finishes with every booking in the database. On main this answer blocked SyncActor past its heartbeat until the
// supervisor gave up and the process exited 3.

import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { addDays, localDateOf } from '../src/util/venue-time.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { partnerEnv } from './fixtures/env.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const API_KEY = 'large-answer-key-0123456789';
const COUNT = 250_000;
const TZ = 'Asia/Jakarta';

/** A bookings answer of `n` bookings on `date`, rendered once as text (fields 1–8, 06:00–22:00, one in 8 cancelled). */
function bookingsBody(date: string, n: number): string {
  const pad = (x: number, w = 2) => String(x).padStart(w, '0');
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const field = 1 + (i % 8);
    const start = 6 + (i % 16);
    parts.push(
      JSON.stringify({
        order_detail_id: 1_000_000 + i,
        booking_id: `MN/0042/${date}/${pad(i, 7)}`,
        field_id: field,
        date,
        start_time: `${pad(start)}:00:00`,
        end_time: `${pad(start + 1)}:00:00`,
        booking_source: 'reservation',
        status: i % 8 === 7 ? 'CANCELLED' : 'SUCCESS',
        field_name: `Lapangan ${field}`,
        user_name: `Pemain ${i}`,
        user_phone: `0812${pad(i, 8)}`,
      }),
    );
  }
  return `{"error":false,"status_code":200,"data":[${parts.join(',')}]}`;
}

async function api(service: RunningService, route: string, method = 'GET') {
  const res = await fetch(`${service.url}${route}`, {
    method,
    headers: { Authorization: `Bearer ${API_KEY}` },
    signal: AbortSignal.timeout(120_000),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('a 250,000-booking answer from AYO', () => {
  let ayo: FakeAyo;
  let service: RunningService;
  let tmp: ReturnType<typeof tempDir>;
  const log = captureLogger('info');

  beforeAll(async () => {
    ayo = await startFakeAyo(TEST_AYO);
    // The venue's today, and tomorrow in case the date turns while the test runs (only one is fetched per run).
    const today = localDateOf(new Date(), TZ);
    for (const date of [today, addDays(today, 1)]) ayo.setBookingsBody(date, bookingsBody(date, COUNT));
    tmp = tempDir();
    service = await startService(
      loadConfig({
        PORT: '0',
        DATA_DIR: tmp.dir,
        API_KEY,
        VENUE_TIMEZONE: TZ,
        ...partnerEnv(ayo),
        // An operator who raised the caps for a venue this large: the sync must cope, not only refuse.
        AYO_MAX_RESPONSE_BYTES: String(128 * 1024 * 1024),
        AYO_MAX_BOOKINGS_PER_DATE: String(COUNT),
        AYO_API_TIMEOUT: '2m',
        BOOKING_SYNC_INTERVAL: '1h',
        BOOKING_SYNC_DAYS_BACK: '0',
        BOOKING_SYNC_DAYS_AHEAD: '0',
      }),
      log.logger,
    );
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    await ayo?.close();
    tmp?.cleanup();
  }, 120_000);

  it('is stored in full while every actor stays up and /healthz answers throughout', async () => {
    // Probe /healthz and the actors until the sync is over; every probe must be answered.
    const health: (number | string)[] = [];
    let maxRestarts = 0;
    let probing = true;
    const probe = (async () => {
      while (probing) {
        health.push(
          await fetch(`${service.url}/healthz`, { signal: AbortSignal.timeout(120_000) }).then(
            (r) => r.status,
            (e: unknown) => String(e),
          ),
        );
        const actors = (await api(service, '/api/actors')).body.data as { restarts: number }[];
        maxRestarts = Math.max(maxRestarts, ...actors.map((a) => a.restarts));
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    try {
      const run = await waitFor(
        async () => {
          const latest = (await api(service, '/api/sync')).body.data;
          return latest?.finishedAt && latest.fetched > 0 ? latest : undefined;
        },
        'the sync of 250,000 bookings to finish',
        600_000,
        500,
      );
      expect(run).toMatchObject({ fetched: COUNT, created: COUNT, skipped: 0, failedDates: [], error: null });
    } finally {
      probing = false;
      await probe;
    }
    expect(health.length).toBeGreaterThan(0);
    expect(health.filter((s) => s !== 200)).toEqual([]);
    expect(maxRestarts).toBe(0);
    const actors = (await api(service, '/api/actors')).body.data as { id: string; state: string; restarts: number }[];
    for (const a of actors) expect(a).toMatchObject({ state: 'running', restarts: 0 });
    expect(log.lines.filter((l) => /💥 ACTOR|💀 SUPERVISOR/.test(l))).toEqual([]);
    const db = new Database(path.join(tmp.dir, 'venue-recorder.db'), { readonly: true });
    try {
      expect((db.prepare('SELECT COUNT(*) AS n FROM bookings').get() as { n: number }).n).toBe(COUNT);
    } finally {
      db.close();
    }
    // Summarised: a few lines for the date, not one per booking.
    expect(log.lines.filter((l) => l.includes('Created new booking')).length).toBeLessThanOrEqual(20);
    expect(log.lines.some((l) => l.includes(`${COUNT} created, 0 updated, 0 unchanged, 0 skipped`))).toBe(true);
  }, 900_000);
});
