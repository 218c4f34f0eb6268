import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { createBookingsRepo, openDatabase } from '../src/db/index.js';
import { startService, type RunningService } from '../src/service.js';
import type { ChildSpec } from '../src/supervisor/index.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { captureLogger, tempDir, waitFor, freePort } from './fixtures/helpers.js';

const API_KEY = 'actors-test-key-0123456789';
const FIXTURE = new URL('./fixtures/actors/fixture.actor.ts', import.meta.url);

async function http(url: string, method = 'GET', key: string | null = API_KEY) {
  const headers: Record<string, string> = key ? { Authorization: `Bearer ${key}` } : {};
  // State changes are JSON (the HTTP edge refuses anything else with 415), even without a body.
  if (method !== 'GET') headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers });
  return { status: res.status, body: (await res.json()) as any };
}

describe('SyncActor and ConnectivityActor in the running service', () => {
  let ayo: FakeAyo;
  let service: RunningService;
  let tmp: ReturnType<typeof tempDir>;
  const log = captureLogger();
  const lines = (re: RegExp) => log.lines.filter((l) => re.test(l));

  beforeAll(async () => {
    ayo = await startFakeAyo(TEST_AYO);
    tmp = tempDir();
    service = await startService(
      loadConfig({
        PORT: '0',
        DATA_DIR: tmp.dir,
        API_KEY,
        AYO_API_BASE_URL: ayo.baseUrl,
        AYO_API_TOKEN: TEST_AYO.token,
        AYO_VENUE_CODE: TEST_AYO.venueCode,
        AYO_VENUE_SECRET: TEST_AYO.secret,
        BOOKING_SYNC_INTERVAL: '1h',
        BOOKING_SYNC_DAYS_BACK: '0',
        BOOKING_SYNC_DAYS_AHEAD: '0',
        AYO_RETRY_BASE_DELAY: '10ms',
        AYO_API_TIMEOUT: '300ms',
        AYO_CIRCUIT_BREAK_AFTER: '1000',
        CONNECTIVITY_INTERVAL: '100ms',
        CONNECTIVITY_TIMEOUT: '200ms',
      }),
      log.logger,
    );
  });
  afterAll(async () => {
    await service?.stop();
    await ayo?.close();
    tmp?.cleanup();
  });

  it('lists the actors with their state, restarts, start time and heartbeat', async () => {
    const { status, body } = await http(`${service.url}/api/actors`);
    expect(status).toBe(200);
    expect(body.status).toBe('success');
    expect(body.data.map((a: any) => [a.id, a.state, a.restart, a.restarts, a.lastError])).toEqual([
      ['connectivity', 'running', 'permanent', 0, null],
      ['sync', 'running', 'permanent', 0, null],
      ['video', 'running', 'permanent', 0, null],
      ['notify', 'running', 'permanent', 0, null],
    ]);
    for (const a of body.data) {
      expect(a.startedAt).toMatch(/Z$/);
      expect(a.lastHeartbeat).toMatch(/Z$/);
    }
    expect((await http(`${service.url}/api/actors`, 'GET', null)).status).toBe(401);
    expect(await http(`${service.url}/readyz`, 'GET', null)).toMatchObject({ status: 200, body: { status: 'ready' } });
    // /metrics stays open with API_KEY set (Prometheus scrapes it; it carries no personal data).
    const metrics = await fetch(`${service.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('venue_recorder_actor_up{actor="sync"} 1');
  });

  it('POST /api/sync runs a sync on the actor and answers its record; it requires the API key', async () => {
    // The start-up sync must be over: a POST during a run shares that run (runs never overlap).
    await waitFor(async () => (await http(`${service.url}/api/sync`)).body.data?.finishedAt, 'the start-up sync');
    expect((await http(`${service.url}/api/sync`, 'POST', null)).status).toBe(401);
    const { status, body } = await http(`${service.url}/api/sync`, 'POST');
    expect(status).toBe(200);
    expect(body.status).toBe('success');
    expect(body.data).toMatchObject({ trigger: 'api', failedDates: [], error: null });
    expect((await http(`${service.url}/api/sync`)).body.data.id).toBe(body.data.id);
  });

  it.each([
    ['malformed', /not JSON/],
    ['500', /HTTP 500/],
    ['hang', /timed out after 300 ms/],
    ['reset', /failed: /],
    ['not-a-list', /not a list/],
  ] as const)(
    'survives AYO answering %s: the run records the failure, the actor keeps running',
    async (kind, message) => {
      ayo.fault({ kind });
      const { status, body } = await http(`${service.url}/api/sync`, 'POST');
      ayo.clearFaults();
      expect(status).toBe(200);
      expect(body.data.error).toBe('all 1 dates failed');
      expect(body.data.failedDates[0].error).toMatch(message);
      const sync = (await http(`${service.url}/api/actors`)).body.data.find((a: any) => a.id === 'sync');
      expect(sync).toMatchObject({ state: 'running', restarts: 0 });
    },
  );

  it('reports AYO offline and online again, and syncs at once when it is back', async () => {
    const port = Number(new URL(ayo.baseUrl).port);
    await ayo.close();
    await waitFor(
      () =>
        lines(/🌐 CONNECTIVITY: Offline - AYO API unreachable \(http:\/\/127\.0\.0\.1:\d+\/\): ECONNREFUSED/).length >
        0,
      'offline',
    );
    ayo = await startFakeAyo({ ...TEST_AYO, port });
    await waitFor(() => lines(/🌐 CONNECTIVITY: Online - AYO API reachable/).length >= 2, 'online again');
    await waitFor(
      async () => (await http(`${service.url}/api/sync`)).body.data.trigger === 'reconnect',
      'the reconnect sync',
    );
    // The run is listed from its start: its first call may still be on its way to the fake.
    await waitFor(() => ayo.bookingCalls().length > 0, 'the reconnect sync reaching AYO');
    expect(ayo.bookingCalls().length).toBeGreaterThan(0);
  });
});

describe('readiness', () => {
  it('is 503 while starting, after a crash until the restart, and during shutdown', async () => {
    const tmp = tempDir();
    const log = captureLogger();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const children: ChildSpec[] = [
      {
        id: 'a',
        entry: FIXTURE,
        restart: 'permanent',
        shutdownMs: 3_000,
        heartbeatIntervalMs: 100,
        data: { initDelayMs: 800, crashAfter: 0, stopDelayMs: 600 },
      },
    ];
    const starting = startService(loadConfig({ PORT: String(port), DATA_DIR: tmp.dir }), log.logger, {
      children,
      backoff: { initialMs: 600, maxMs: 600, jitter: 0 },
    });
    try {
      const early = await waitFor(
        async () => (await fetch(`${base}/readyz`).catch(() => null)) ?? undefined,
        'the HTTP server',
      );
      expect(early.status).toBe(503);
      expect(await early.json()).toEqual({ status: 'error', message: 'not ready: actor a is starting' });
      const service = await starting;
      expect((await http(`${base}/readyz`)).status).toBe(200);

      await service.supervisor.call('a', { type: 'echo', value: 1 }).catch(() => undefined);
      const crashed = await waitFor(async () => {
        const r = await http(`${base}/readyz`);
        return r.status === 503 ? r : undefined;
      }, 'not ready after the crash');
      expect(crashed.body.message).toMatch(/^not ready: actor a is (crashed|restarting|starting)$/);
      await waitFor(async () => (await http(`${base}/readyz`)).status === 200, 'ready after the restart');
      expect(service.supervisor.status()[0]!.restarts).toBe(1);

      const stopping = service.stop();
      expect(await http(`${base}/readyz`)).toEqual({
        status: 503,
        body: { status: 'error', message: 'not ready: shutting down' },
      });
      for (const post of ['/api/sync', '/api/request-booking-video', '/api/queue/1/retry', '/api/videos/X/retry']) {
        expect(await http(`${base}${post}`, 'POST')).toEqual({
          status: 503,
          body: { status: 'error', message: 'The service is shutting down' },
        });
      }
      await stopping;
      await expect(fetch(`${base}/readyz`)).rejects.toThrow();
    } finally {
      tmp.cleanup();
    }
  });
});

describe("readiness, booking retention and the SyncActor's circuit breaker in the running service", () => {
  it('deletes bookings dated before the retention when the SyncActor starts, keeping the recent ones', async () => {
    const tmp = tempDir();
    const seeded = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
    const booking = (bookingId: string, date: string) => ({
      bookingId,
      orderDetailId: 1,
      fieldId: 50,
      date,
      startTime: '10:00:00',
      endTime: '11:00:00',
      status: 'success',
      fieldName: 'A',
      userName: 'Budi',
      userPhone: '0812',
      bookingSource: 'reservation',
      startAt: `${date}T03:00:00.000Z`,
      endAt: `${date}T04:00:00.000Z`,
      rawJson: '{}',
    });
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const repo = createBookingsRepo(seeded);
    repo.upsert(booking('BK/OLD/1', daysAgo(40)), new Date().toISOString());
    repo.upsert(booking('BK/RECENT/1', daysAgo(5)), new Date().toISOString());
    seeded.close();
    const log = captureLogger();
    const service = await startService(
      loadConfig({ PORT: '0', DATA_DIR: tmp.dir, BOOKING_RETENTION_DAYS: '30' }),
      log.logger,
    );
    try {
      await waitFor(
        () => log.lines.some((l) => /🧹 RETENTION: Deleted 1 bookings dated before \d{4}-\d{2}-\d{2}/.test(l)),
        'the retention line',
      );
      expect((await http(`${service.url}/api/bookings/BK/OLD/1`, 'GET', null)).status).toBe(404);
      expect((await http(`${service.url}/api/bookings/BK/RECENT/1`, 'GET', null)).status).toBe(200);
    } finally {
      await service.stop();
      tmp.cleanup();
    }
  });

  it("is not ready while the data directory's disk is under its critical floor, saying so", async () => {
    const tmp = tempDir();
    // A floor no disk here can meet: the critical floor is a quarter of MIN_FREE_DISK_MB.
    const service = await startService(
      loadConfig({ PORT: '0', DATA_DIR: tmp.dir, MIN_FREE_DISK_MB: '10000000' }),
      captureLogger().logger,
    );
    try {
      const r = await http(`${service.url}/readyz`, 'GET', null);
      expect(r.status).toBe(503);
      expect(r.body.message).toMatch(
        new RegExp(
          `^not ready: disk critically full: \\d+ MB free in ${tmp.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
        ),
      );
      expect((await http(`${service.url}/healthz`, 'GET', null)).status).toBe(200);
    } finally {
      await service.stop();
      tmp.cleanup();
    }
  });

  it('opens the AYO circuit after repeated 500s, shows it in /metrics, and survives', async () => {
    const ayo = await startFakeAyo(TEST_AYO);
    const tmp = tempDir();
    const log = captureLogger();
    for (let i = 0; i < 50; i++) ayo.fault({ kind: '500', endpoint: 'bookings' });
    const service = await startService(
      loadConfig({
        PORT: '0',
        DATA_DIR: tmp.dir,
        AYO_API_BASE_URL: ayo.baseUrl,
        AYO_API_TOKEN: TEST_AYO.token,
        AYO_VENUE_CODE: TEST_AYO.venueCode,
        AYO_VENUE_SECRET: TEST_AYO.secret,
        BOOKING_SYNC_INTERVAL: '200ms',
        AYO_RETRY_BASE_DELAY: '10ms',
        AYO_CIRCUIT_BREAK_AFTER: '3',
        AYO_CIRCUIT_HALF_OPEN_AFTER: '1h',
        BOOKING_SYNC_DAYS_BACK: '0',
        BOOKING_SYNC_DAYS_AHEAD: '0',
      }),
      log.logger,
    );
    try {
      await waitFor(
        () => log.lines.some((l) => l.includes('⚡ CIRCUIT: AYO circuit opened after repeated failures')),
        'the circuit to open',
      );
      await waitFor(
        async () =>
          /venue_recorder_circuit_state\{dependency="ayo"\} 2/.test(
            await (await fetch(`${service.url}/metrics`)).text(),
          ),
        'the open circuit in /metrics',
      );
      // Open: the sync no longer calls AYO, records why, and the actor keeps running.
      const calls = ayo.bookingCalls().length;
      const run = await waitFor(async () => {
        const r = (await http(`${service.url}/api/sync`, 'GET', null)).body.data;
        return r?.failedDates?.[0]?.error?.includes('circuit is open') ? r : undefined;
      }, 'a sync refused by the open circuit');
      expect(run.failedDates[0].error).toMatch(/AYO circuit is open/);
      expect(ayo.bookingCalls().length).toBe(calls);
      expect(service.supervisor.status().find((a) => a.id === 'sync')).toMatchObject({ state: 'running', restarts: 0 });
    } finally {
      await service.stop();
      await ayo.close();
      tmp.cleanup();
    }
  });
});
