// Failure domains in the running service: a sync actor that crashes forever, and a database lock that outlives the
// delivery domain's restart intensity, each fail their own domain only. The cameras keep recording, the segment index
// grows, /healthz answers; /readyz, /api/actors and /metrics name the failed domain; once the cause is gone the domain
// comes back on its retry, and the process never gives up.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config.js';
import { startService, type RunningService, type StartOverrides } from '../src/service.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const FIXTURE = new URL('./fixtures/actors/fixture.actor.ts', import.meta.url);
const UNGUARDED = new URL('./fixtures/actors/sqlite-busy.actor.ts', import.meta.url);

let service: RunningService | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
  tmp?.cleanup();
  tmp = undefined;
});

async function start(overrides: StartOverrides): Promise<{ config: Config; log: ReturnType<typeof captureLogger> }> {
  tmp = tempDir();
  const log = captureLogger();
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: tmp.dir,
    SEGMENT_SECONDS: '1',
    MIN_FREE_DISK_MB: '0',
    ACTOR_MAX_RESTARTS: '2',
    ACTOR_RESTART_WINDOW: '60s',
    CAMERAS: JSON.stringify([{ name: 'CAM_A', fieldId: 50, url: 'testsrc', enabled: true }]),
  });
  service = await startService(config, log.logger, {
    backoff: { initialMs: 50, maxMs: 200, jitter: 0 },
    startupIntensity: { maxRestarts: 2, withinMs: 60_000 },
    // Minutes in production; a few seconds here, so that a test sees a failed retry and the recovery.
    domainRetry: { initialMs: 3_000, maxMs: 3_000, jitter: 0 },
    ...overrides,
  });
  return { config, log };
}

const get = async (p: string) => {
  const res = await fetch(service!.url + p);
  return { status: res.status, body: (await res.json()) as any };
};
const metric = async (line: string) => (await (await fetch(`${service!.url}/metrics`)).text()).includes(line);
/** Rows in the segment index, read as an operator would, on a connection of its own. */
function segmentRows(config: Config): number {
  const db = new Database(config.dbPath, { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM segments WHERE camera = 'CAM_A'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}
const actor = (body: any, id: string) => body.data.find((a: any) => a.id === id);
const domain = (body: any, name: string) => body.domains.find((d: any) => d.name === name);

describe('failure domains in the running service', () => {
  it('a sync actor that crashes forever fails the sync domain only: recording goes on; the domain is back once the cause is gone', async () => {
    const crashFile = path.join(tempDir('vr-crash-').dir, 'count');
    const { config, log } = await start({
      // The sync actor replaced by one that crashes on every start until the file says otherwise.
      children: (specs) =>
        specs.map((s) =>
          s.id === 'sync'
            ? { ...s, entry: FIXTURE, data: { crashOnStart: true, crashOnStartTimes: 1e9, crashFile } }
            : s,
        ),
    });
    let gaveUp = false;
    void service!.gaveUp.then(() => (gaveUp = true));

    const failed = await waitFor(
      async () => {
        const r = await get('/api/actors');
        return domain(r.body, 'sync')?.state === 'failed' ? r.body : undefined;
      },
      'the sync domain failed',
      60_000,
    );
    expect(actor(failed, 'sync')).toMatchObject({ domain: 'sync', domainState: 'failed' });
    expect(domain(failed, 'sync').reason).toMatch(/^sync crashed 3 times within 60s during start-up/);
    expect(domain(failed, 'sync').retryAt).toMatch(/Z$/);
    expect(domain(failed, 'recording')).toMatchObject({
      state: 'running',
      critical: true,
      children: ['recorder:CAM_A'],
    });
    expect(actor(failed, 'recorder:CAM_A')).toMatchObject({ domain: 'recording', state: 'running' });
    // Polled: between two failed retries the domain is briefly `retrying` (its actor starting).
    const ready = await waitFor(
      async () => {
        const r = await get('/readyz');
        return r.body.message?.startsWith('not ready: domain sync failed') ? r : undefined;
      },
      '/readyz naming the failed domain',
      60_000,
    );
    expect(ready.status).toBe(503);
    expect(ready.body.message).toMatch(/^not ready: domain sync failed \(sync crashed 3 times/);
    expect(await metric('venue_recorder_domain_failed{domain="sync"} 1')).toBe(true);
    expect(await metric('venue_recorder_domain_failed{domain="recording"} 0')).toBe(true);
    expect(log.lines.some((l) => l.includes('🧯 SUPERVISOR: domain sync failed'))).toBe(true);

    // The cameras record and the index grows, /healthz answers, while the domain's retries keep failing.
    const before = segmentRows(config);
    await waitFor(() => segmentRows(config) >= before + 3, 'the segment index growing', 60_000);
    await waitFor(
      () => log.lines.filter((l) => l.includes('domain sync failed')).length >= 2,
      'a failed retry',
      60_000,
    );
    expect((await get('/healthz')).status).toBe(200);
    const cams = (await get('/api/cameras')).body.data;
    expect(cams[0]).toMatchObject({ name: 'CAM_A', state: 'recording' });
    expect(actor((await get('/api/actors')).body, 'recorder:CAM_A')).toMatchObject({ state: 'running', restarts: 0 });

    // The cause goes away: the next retry brings the domain back, and the service is ready again.
    fs.writeFileSync(crashFile, String(1e9));
    await waitFor(
      async () => {
        const r = await get('/api/actors');
        return domain(r.body, 'sync')?.state === 'running' && actor(r.body, 'sync')?.state === 'running';
      },
      'the sync domain back',
      60_000,
    );
    await waitFor(async () => (await get('/readyz')).status === 200, 'ready again', 60_000);
    expect(await metric('venue_recorder_domain_failed{domain="sync"} 0')).toBe(true);
    expect(log.lines.some((l) => l.includes('✅ SUPERVISOR: domain sync is running again'))).toBe(true);
    expect(gaveUp).toBe(false);
  }, 240_000);

  it('a database lock that outlives the delivery domain’s intensity fails delivery only: recording goes on, the index catches up, delivery comes back', async () => {
    const { config, log } = await start({
      // A delivery actor whose writes do not wait out a lock (as UploadActor's did on main) beside the real ones.
      children: (specs) => [
        ...specs,
        {
          id: 'unguarded-writer',
          entry: UNGUARDED,
          domain: 'delivery',
          restart: 'permanent',
          shutdownMs: 2_000,
          data: { dbPath: (specs.find((s) => s.id === 'video')!.data as { dbPath: string }).dbPath, writeEveryMs: 200 },
        },
      ],
    });
    let gaveUp = false;
    void service!.gaveUp.then(() => (gaveUp = true));
    const holder = new Database(config.dbPath);
    try {
      await waitFor(() => segmentRows(config) >= 2, 'recording', 60_000);
      holder.exec('BEGIN IMMEDIATE');
      const failed = await waitFor(
        async () => {
          const r = await get('/api/actors');
          return domain(r.body, 'delivery')?.state === 'failed' ? r.body : undefined;
        },
        'the delivery domain failed',
        60_000,
      );
      expect(domain(failed, 'delivery').reason).toMatch(/SqliteError: database is locked \(SQLITE_BUSY\)$/);
      expect(domain(failed, 'delivery').children).toEqual(['video', 'unguarded-writer']);
      await waitFor(
        async () => actor((await get('/api/actors')).body, 'video').state === 'stopped',
        'video stopped',
        60_000,
      );
      expect((await get('/healthz')).status).toBe(200);
      await waitFor(
        async () => (await get('/readyz')).body.message?.startsWith('not ready: domain delivery failed'),
        '/readyz naming the failed domain',
        60_000,
      );
      expect(actor((await get('/api/actors')).body, 'recorder:CAM_A')).toMatchObject({
        state: 'running',
        restarts: 0,
        domainState: 'running',
      });
      // The lock is held until the recorder has met it (a segment closed under it), however fast the domain failed.
      await waitFor(
        () => log.lines.some((l) => /recorder CAM_A: .*locked by another connection/.test(l)),
        'the recorder to meet the lock',
        60_000,
      );
      const during = segmentRows(config);
      holder.exec('ROLLBACK');

      // The segments recorded under the lock are indexed once it goes, and recording goes on.
      await waitFor(() => segmentRows(config) >= during + 3, 'the segment index growing', 60_000);
      expect(log.lines.some((l) => /recorder CAM_A: .*the database lock was released after \d+ ms/.test(l))).toBe(true);
      await waitFor(
        async () => {
          const r = await get('/api/actors');
          return domain(r.body, 'delivery')?.state === 'running' && actor(r.body, 'video')?.state === 'running';
        },
        'the delivery domain back',
        60_000,
      );
      await waitFor(async () => (await get('/readyz')).status === 200, 'ready again', 60_000);
      expect(await metric('venue_recorder_domain_failed{domain="delivery"} 0')).toBe(true);
      expect(gaveUp).toBe(false);
    } finally {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
    }
  }, 240_000);
});
