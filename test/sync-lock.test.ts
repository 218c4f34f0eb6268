// SyncActor under a database lock held by another connection (an operator's sqlite3 session, a backup): it starts,
// keeps its heartbeat, logs the wait once, and its sync lands when the lock is released. Nothing but a delay.

import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/index.js';
import { startService, type RunningService } from '../src/service.js';
import { localDateOf } from '../src/util/venue-time.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { partnerEnv } from './fixtures/env.js';
import { captureLogger, freePort, tempDir, waitFor } from './fixtures/helpers.js';

const API_KEY = 'sync-lock-key-0123456789';

describe('SyncActor while another connection holds the write lock', () => {
  let ayo: FakeAyo;
  let service: RunningService | undefined;
  let tmp: ReturnType<typeof tempDir>;
  let other: Database.Database;
  const log = captureLogger('info');
  let base = '';
  const sync = async () => {
    const res = await fetch(`${base}/api/actors`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    const actors = (await res.json()) as {
      data: { id: string; state: string; restarts: number; lastHeartbeat: string }[];
    };
    return actors.data.find((a) => a.id === 'sync');
  };

  beforeAll(async () => {
    ayo = await startFakeAyo(TEST_AYO);
    const today = localDateOf(new Date(), 'Asia/Jakarta');
    ayo.setBookings(today, [ayoBooking({ booking_id: 'BK/LOCKED', date: today })]);
    tmp = tempDir();
    const dbPath = path.join(tmp.dir, 'venue-recorder.db');
    openDatabase(dbPath).close(); // the schema exists, as on a box that ran before
    other = new Database(dbPath);
    other.exec('BEGIN IMMEDIATE');
  });
  afterAll(async () => {
    if (other?.inTransaction) other.exec('ROLLBACK');
    other?.close();
    await service?.stop();
    await ayo?.close();
    tmp?.cleanup();
  }, 60_000);

  it('starts, keeps its heartbeat while it waits, logs the wait once, and stores the sync once the lock is released', async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // Actors after SyncActor wait for the lock at their own start: the service is ready only once it is released.
    const starting = startService(
      loadConfig({
        PORT: String(port),
        DATA_DIR: tmp.dir,
        API_KEY,
        ...partnerEnv(ayo),
        BOOKING_SYNC_INTERVAL: '1h',
        BOOKING_SYNC_DAYS_BACK: '0',
        BOOKING_SYNC_DAYS_AHEAD: '0',
      }),
      log.logger,
    );
    starting.then((s) => (service = s)).catch(() => undefined);
    const waiting = (l: string) => /🗄️ DB: sync: .*locked by another connection; waiting for it/.test(l);
    await waitFor(() => log.lines.some(waiting), 'SyncActor to meet the lock', 60_000);
    const lockedAt = Date.now();
    // Past its 10 s heartbeat limit, SyncActor still beats and was never restarted.
    await waitFor(
      async () => {
        const a = await sync();
        return a && Date.parse(a.lastHeartbeat) > lockedAt + 12_000 ? a : undefined;
      },
      'a heartbeat of SyncActor 12 s into the lock',
      90_000,
      500,
    );
    expect(await sync()).toMatchObject({ state: 'running', restarts: 0 });
    other.exec('COMMIT');
    await waitFor(
      () => log.lines.some((l) => /🗄️ DB: sync: .*the database lock was released after \d+ ms/.test(l)),
      'the sync to go on after the lock',
      60_000,
    );
    const row = await waitFor(
      async () => {
        const res = await fetch(`${base}/api/bookings/BK%2FLOCKED`, {
          headers: { Authorization: `Bearer ${API_KEY}` },
        });
        return res.status === 200 ? ((await res.json()) as { data: { bookingId: string } }) : undefined;
      },
      'the booking to be stored',
      60_000,
    );
    expect(row.data.bookingId).toBe('BK/LOCKED');
    await starting;
    expect(await sync()).toMatchObject({ state: 'running', restarts: 0 });
    // One warning per episode of waiting (the retention's and the sync's), not one per attempt.
    expect(log.lines.filter(waiting).length).toBeLessThanOrEqual(2);
    expect(log.lines.filter((l) => /💥 ACTOR: sync/.test(l))).toEqual([]);
  }, 240_000);
});
