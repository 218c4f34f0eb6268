// Id lists reported to AYO (video-unavailable, video-request-invalid, video-request-incompleted): durable, batched by
// 10, signed, retried, exactly one accepted call per id, across AYO outages and a kill -9 of the service.

import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJobsRepo, openDatabase, type Db } from '../src/db/index.js';
import { idReportCounts, queueIdReport } from '../src/delivery/id-reports.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { startIdReporter } from './fixtures/id-reporter.js';
import { freePort, tempDir, waitFor } from './fixtures/helpers.js';
import { spawnService } from './fixtures/service-process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function database(): Db {
  const tmp = tempDir();
  const db = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
  cleanups.push(() => tmp.cleanup());
  cleanups.push(() => void db.close());
  return db;
}

/** The `id-report` kind's runner in this process against AYO at `baseUrl`, pumped every 50 ms until the test ends. */
function reporter(db: Db, baseUrl: string, delaysMs = [100, 100, 100]) {
  const r = startIdReporter(db, baseUrl, delaysMs);
  cleanups.push(() => r.stop());
  return r;
}

const ids = (n: number, prefix = 'VID') =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

async function fakeAyo(port?: number): Promise<FakeAyo> {
  const ayo = await startFakeAyo({ ...TEST_AYO, port });
  cleanups.push(() => ayo.close());
  return ayo;
}

describe('id reports to AYO', { timeout: 60_000 }, () => {
  it('23 unavailable videos: three signed video-unavailable calls of 10, 10 and 3 unique_ids, each id once', async () => {
    const db = database();
    const ayo = await fakeAyo();
    expect(queueIdReport(db, 'video-unavailable', ids(23))).toBe(23);
    // Queued again (a sweep that runs twice): nothing new.
    expect(queueIdReport(db, 'video-unavailable', ids(23))).toBe(0);
    reporter(db, ayo.baseUrl);
    await waitFor(() => idReportCounts(db, 'video-unavailable').reported === 23, 'all 23 reported');
    const calls = ayo.calls.filter((c) => c.endpoint === 'video-unavailable');
    expect(calls.map((c) => (c.params.unique_ids as string[]).length)).toEqual([10, 10, 3]);
    expect(calls.every((c) => c.signatureValid && c.answered === 200 && c.method === 'POST')).toBe(true);
    const accepted = ayo.acceptedIds('video-unavailable');
    expect([...accepted.keys()].sort()).toEqual(ids(23));
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
  });

  it('refused purchase requests go in video_request_ids; ids queued one by one share an open batch', async () => {
    const db = database();
    const ayo = await fakeAyo();
    // Queued one at a time before any job ran: they fill batches of 10, not one call each.
    for (const id of ids(12, 'REQ')) queueIdReport(db, 'video-request-invalid', [id]);
    queueIdReport(db, 'video-request-incompleted', ['REQ-900']);
    reporter(db, ayo.baseUrl);
    await waitFor(
      () =>
        idReportCounts(db, 'video-request-invalid').reported === 12 &&
        idReportCounts(db, 'video-request-incompleted').reported === 1,
      'both endpoints reported',
    );
    const sizes = ayo.calls
      .filter((c) => c.endpoint === 'video-request-invalid')
      .map((c) => (c.params.video_request_ids as string[]).length);
    expect(sizes).toEqual([10, 2]);
    expect([...ayo.acceptedIds('video-request-incompleted').keys()]).toEqual(['REQ-900']);
    expect(ayo.acceptedIds('video-unavailable').size).toBe(0);
  });

  it('AYO answering 503, then down: retried, nothing lost, no duplicate; an outage spends no attempt', async () => {
    const db = database();
    const port = await freePort();
    let ayo = await fakeAyo(port);
    ayo.fault({ kind: '503', endpoint: 'video-unavailable', times: 2 });
    queueIdReport(db, 'video-unavailable', ids(15));
    // Two attempts spent on 503s, one left: an outage after them must not use it up.
    const { lines } = reporter(db, ayo.baseUrl, [100, 100]);
    await waitFor(() => ayo.calls.filter((c) => c.answered === 503).length === 2, 'two refused calls');
    await ayo.close();
    queueIdReport(db, 'video-unavailable', ids(5, 'LATE'));
    // Down for a while: every batch waits without spending its attempts.
    await waitFor(
      () =>
        createJobsRepo(db)
          .pending('id-report')
          .some((j) => j.wait_reason === 'unreachable'),
      'a batch waiting for AYO',
    );
    await new Promise((r) => setTimeout(r, 1_500));
    ayo = await fakeAyo(port);
    await waitFor(() => idReportCounts(db, 'video-unavailable').reported === 20, 'all 20 reported', 40_000);
    const accepted = ayo.acceptedIds('video-unavailable');
    expect([...accepted.keys()].sort()).toEqual([...ids(5, 'LATE'), ...ids(15)].sort());
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    const dead = db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'id-report' AND status = 'dead'").get() as {
      n: number;
    };
    expect(dead.n).toBe(0);
    expect(lines.some((l) => l.includes('queued again'))).toBe(true);
  });

  it('a 400 is permanent: the batch is a dead letter, its ids stay recorded, other batches go on', async () => {
    const db = database();
    const ayo = await fakeAyo();
    ayo.fault({ kind: '400', endpoint: 'video-unavailable', times: 1 });
    queueIdReport(db, 'video-unavailable', ids(13));
    reporter(db, ayo.baseUrl);
    await waitFor(() => idReportCounts(db, 'video-unavailable').reported === 3, 'the second batch reported');
    const dead = createJobsRepo(db).byKey('id-report:ids-1');
    expect(dead?.status).toBe('dead');
    expect(dead?.last_error).toMatch(/400/);
    expect(ayo.calls.filter((c) => c.endpoint === 'video-unavailable')).toHaveLength(2);
    expect(idReportCounts(db, 'video-unavailable')).toEqual({ queued: 13, reported: 3 });
  });

  it('kill -9 of the service while AYO holds the call: the restart reports each id in exactly one accepted call', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const ayo = await fakeAyo();
    const db = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
    queueIdReport(db, 'video-unavailable', ids(12));
    db.close();
    ayo.fault({ kind: 'hang', endpoint: 'video-unavailable', times: 1 });
    const fork = () => {
      const p = spawnService({
        PORT: '0',
        DATA_DIR: tmp.dir,
        LOG_FORMAT: 'json',
        BOOKING_SYNC_INTERVAL: '1h',
        AYO_API_BASE_URL: ayo.baseUrl,
        AYO_API_TOKEN: TEST_AYO.token,
        AYO_VENUE_CODE: TEST_AYO.venueCode,
        AYO_VENUE_SECRET: TEST_AYO.secret,
        AYO_API_TIMEOUT: '60s',
        CONNECTIVITY_INTERVAL: '500ms',
        DELIVERY_JOB_RETRY_DELAYS: '200ms,200ms,200ms',
      });
      cleanups.push(async () => {
        if (p.child.exitCode === null && p.child.signalCode === null) {
          p.child.kill('SIGKILL');
          await p.exited;
        }
      });
      return p;
    };
    const first = fork();
    await waitFor(
      () => ayo.calls.some((c) => c.endpoint === 'video-unavailable' && c.answered === 'hang'),
      'a report in flight',
      60_000,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const second = fork();
    const check = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
    cleanups.push(() => void check.close());
    await waitFor(() => idReportCounts(check, 'video-unavailable').reported === 12, 'all 12 reported', 60_000);
    const accepted = ayo.acceptedIds('video-unavailable');
    expect([...accepted.keys()].sort()).toEqual(ids(12));
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    // The held batch was sent again with the same ids: 10, then 2 (never a new mix).
    const sent = ayo.calls.filter((c) => c.endpoint === 'video-unavailable').map((c) => c.params.unique_ids);
    expect(sent[0]).toEqual(sent[1]);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });
});
