import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { createJobsRepo, openDatabase } from '../src/db/index.js';
import { createMetrics, feedMetrics } from '../src/metrics/index.js';
import type { ActorEvent } from '../src/actors/protocols.js';
import { TypedEmitter, type ChildSpec, type SupervisorEvents } from '../src/supervisor/index.js';
import type { CircuitName } from '../src/util/resilience.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const FIXTURE = new URL('./fixtures/actors/fixture.actor.ts', import.meta.url);
let service: RunningService;
let tmp: ReturnType<typeof tempDir>;

async function scrape(): Promise<string> {
  return (await fetch(`${service.url}/metrics`)).text();
}
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (want.every((w) => (m[2] ?? '').includes(w))) return Number(m[3]);
  }
  return undefined;
}

beforeAll(async () => {
  tmp = tempDir();
  const children: ChildSpec[] = [
    { id: 'steady', entry: FIXTURE, restart: 'permanent', shutdownMs: 2_000, heartbeatIntervalMs: 100, data: {} },
    {
      id: 'flaky',
      entry: FIXTURE,
      restart: 'permanent',
      shutdownMs: 2_000,
      heartbeatIntervalMs: 100,
      data: { crashAfter: 0 },
    },
  ];
  service = await startService(
    loadConfig({ PORT: '0', DATA_DIR: tmp.dir, MIN_FREE_DISK_MB: '0' }),
    captureLogger().logger,
    { children, backoff: { initialMs: 50, maxMs: 50, jitter: 0 } },
  );
});
afterAll(async () => {
  await service?.stop();
  tmp?.cleanup();
});

describe('/metrics', () => {
  it('serves the Prometheus text format without an API key, passing promtool check metrics with no warnings', async () => {
    await fetch(`${service.url}/api/bookings?limit=5`);
    await fetch(`${service.url}/api/bookings/BK%2F1`);
    const text = await scrape();
    expect(text).toContain('# TYPE venue_recorder_http_requests_total counter');
    const file = path.join(tmp.dir, 'metrics.txt');
    fs.writeFileSync(file, text);
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('counts requests by route pattern, never by the raw path', async () => {
    const text = await scrape();
    expect(
      value(text, 'venue_recorder_http_requests_total', { route: '/api/bookings', method: 'GET', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(value(text, 'venue_recorder_http_requests_total', { route: '/api/bookings/**', status: '404' })).toBe(1);
    expect(text).not.toContain('BK%2F1');
  });

  it("raises an actor's restart counter by one when it crashes once, and shows it up again", async () => {
    const before = value(await scrape(), 'venue_recorder_actor_restarts_total', { actor: 'flaky' }) ?? 0;
    await service.supervisor.call('flaky', { type: 'echo', value: 1 }).catch(() => undefined);
    await waitFor(
      async () => value(await scrape(), 'venue_recorder_actor_restarts_total', { actor: 'flaky' }) === before + 1,
      'the restart to be counted',
    );
    await waitFor(
      async () => value(await scrape(), 'venue_recorder_actor_up', { actor: 'flaky' }) === 1,
      'flaky up again',
    );
    expect(value(await scrape(), 'venue_recorder_actor_up', { actor: 'steady' })).toBe(1);
  });

  it('reads the queue gauges from the database at scrape time: oldest waiting job, dead letters, counts', async () => {
    const db = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
    try {
      const jobs = createJobsRepo(db);
      const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
      jobs.enqueue(
        {
          kind: 'upload',
          payload: { uniqueId: 'old' },
          dedupeKey: 'upload:metrics-old',
          maxAttempts: 6,
          runAtMs: Date.now() + 3_600_000,
        },
        twoMinutesAgo,
      );
      const dead = jobs.enqueue(
        {
          kind: 'notify',
          payload: { uniqueId: 'd' },
          dedupeKey: 'notify:metrics-dead',
          maxAttempts: 1,
          runAtMs: Date.now() + 3_600_000,
        },
        twoMinutesAgo,
      );
      jobs.deadLetter(dead.id, 'HTTP 403', Date.now());
      const text = await scrape();
      expect(value(text, 'venue_recorder_queue_oldest_pending_age_seconds', { kind: 'upload' })).toBeGreaterThanOrEqual(
        120,
      );
      expect(value(text, 'venue_recorder_queue_oldest_pending_age_seconds', { kind: 'notify' })).toBe(0);
      expect(value(text, 'venue_recorder_queue_dead_letters', { kind: 'notify' })).toBe(1);
      expect(value(text, 'venue_recorder_queue_dead_letters', { kind: 'upload' })).toBe(0);
      expect(value(text, 'venue_recorder_queue_jobs', { kind: 'upload', status: 'pending' })).toBe(1);
    } finally {
      db.prepare("DELETE FROM jobs WHERE dedupe_key LIKE '%:metrics-%'").run();
      db.close();
    }
  });

  it("shows the worst of the breakers guarding one dependency, and a restarted actor's fresh breaker", async () => {
    const events = new TypedEmitter<SupervisorEvents<ActorEvent>>();
    const m = createMetrics();
    feedMetrics(events, m);
    const circuit = async (dependency: string) =>
      value(await m.registry.metrics(), 'venue_recorder_circuit_state', { dependency });
    const change = (id: string, dependency: 'ayo' | 'object-store', state: CircuitName) =>
      events.emit('actor:event', { id, event: { type: 'circuit:change', dependency, state } });
    change('sync', 'ayo', 'closed');
    change('notify', 'ayo', 'closed');
    expect(await circuit('ayo')).toBe(0);
    change('notify', 'ayo', 'open');
    change('sync', 'ayo', 'closed'); // the sync's breaker closing does not hide the notifier's open one
    expect(await circuit('ayo')).toBe(2);
    change('notify', 'ayo', 'closed'); // the notifier restarted with a fresh breaker
    expect(await circuit('ayo')).toBe(0);
  });

  it('reports disk free, queue gauges and the default process metrics with the prefix', async () => {
    const text = await scrape();
    expect(value(text, 'venue_recorder_disk_free_bytes')).toBeGreaterThan(0);
    expect(value(text, 'venue_recorder_queue_jobs', { kind: 'upload', status: 'pending' })).toBe(0);
    expect(value(text, 'venue_recorder_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(text).toContain('venue_recorder_nodejs_active_resources{');
  });
});
