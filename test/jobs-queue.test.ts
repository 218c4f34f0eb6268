import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJobsRepo, createQueueRepo, openDatabase, type Db } from '../src/db/index.js';
import { createJobRunner, createVideoLifecycle, retryJobByOperator, videoOfJob } from '../src/pipeline/index.js';
import { RetryableError } from '../src/errors.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

let tmp: ReturnType<typeof tempDir>;
let db: Db;
const file = () => path.join(tmp.dir, 'q.db');
beforeEach(() => {
  tmp = tempDir();
  db = openDatabase(file());
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

const T = 1_750_000_000_000;
/** An operator's retry (these jobs name no stored video, so only the job moves). */
const retry = (id: number, nowMs: number) =>
  retryJobByOperator(db, createVideoLifecycle({ db, jobDelays: { cut: [], upload: [], notify: [] } }), id, nowMs);
const enqueue = (key: string, runAtMs = T) =>
  createJobsRepo(db).enqueue(
    { kind: 'upload', payload: { uniqueId: key }, dedupeKey: `upload:${key}`, maxAttempts: 3, runAtMs },
    new Date(T).toISOString(),
  );

function claimer(owner: string, started: SharedArrayBuffer, self: 0 | 1): Promise<number[]> {
  const url = pathToFileURL(path.resolve('test/fixtures/claimer.ts')).href;
  const w = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); });`,
    { eval: true, workerData: { dbPath: file(), owner, started, self } },
  );
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe('the durable job queue', () => {
  it('deduplicates by key', () => {
    const a = enqueue('x');
    const b = enqueue('x');
    expect(b.id).toBe(a.id);
    expect(db.prepare('SELECT COUNT(*) AS n FROM jobs').get()).toEqual({ n: 1 });
  });

  it('two workers racing on one table never take one job twice', async () => {
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) enqueue(`v${i}`, 0);
    })();
    // Each waits after its first claim for the other's: on a busy machine one thread could start after the other ended.
    const started = new SharedArrayBuffer(8);
    const [a, b] = await Promise.all([claimer('a', started, 0), claimer('b', started, 1)]);
    const all = [...a, ...b];
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(3000);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
  });

  it("a dead worker's lease expires and the job runs again; due time and order are kept", () => {
    const jobs = createJobsRepo(db);
    enqueue('late', T + 10_000);
    enqueue('first', T);
    const j = jobs.claim('upload', 'w1', 100, T)!;
    expect(JSON.parse(j.payload).uniqueId).toBe('first');
    expect(jobs.claim('upload', 'w2', 100, T + 50)).toBeUndefined();
    const again = jobs.claim('upload', 'w2', 100, T + 150)!;
    expect(again).toMatchObject({ id: j.id, attempts: 2, lease_owner: 'w2' });
    jobs.complete(again.id, T + 200);
    expect(jobs.claim('upload', 'w2', 100, T + 200)).toBeUndefined();
    expect(JSON.parse(jobs.claim('upload', 'w2', 100, T + 10_000)!.payload).uniqueId).toBe('late');
  });

  it('waiting gives the attempt back; a dead letter stays visible and an operator retry revives it', () => {
    const jobs = createJobsRepo(db);
    const queue = createQueueRepo(db);
    const j = enqueue('v');
    jobs.claim('upload', 'w', 1_000, T);
    jobs.retryAt(j.id, T, 'offline', T, true);
    expect(jobs.get(j.id)).toMatchObject({ status: 'pending', attempts: 0 });
    jobs.claim('upload', 'w', 1_000, T);
    jobs.deadLetter(j.id, 'HTTP 403', T);
    expect(queue.summary(T, videoOfJob).deadLetters).toEqual([
      {
        id: j.id,
        kind: 'upload',
        uniqueId: 'v',
        attempts: 1,
        lastError: 'HTTP 403',
        updatedAt: new Date(T).toISOString(),
      },
    ]);
    expect(retry(j.id, T + 1)).toMatchObject({ job: { status: 'pending', attempts: 0 } });
    expect(jobs.claim('upload', 'w', 1_000, T + 1)?.id).toBe(j.id);
  });

  it('an operator retry leaves running, done and cancelled jobs alone (no second delivery, no second worker)', () => {
    const jobs = createJobsRepo(db);
    const running = enqueue('running');
    const done = enqueue('done');
    const cancelled = enqueue('cancelled');
    const waiting = enqueue('waiting');
    jobs.claim('upload', 'w', 60_000, T); // running
    jobs.claim('upload', 'w', 60_000, T);
    jobs.complete(done.id, T);
    jobs.cancelByKey(cancelled.dedupe_key, new Date(T).toISOString());
    expect(retry(running.id, T)).toEqual({ refused: 'it is running now and finishes by itself' });
    expect(retry(done.id, T)).toEqual({ refused: 'it is done; running it again would deliver twice' });
    expect(retry(cancelled.id, T)).toEqual({ refused: 'its booking was cancelled' });
    expect(jobs.get(running.id)).toMatchObject({ status: 'running', lease_owner: 'w' });
    expect(jobs.get(done.id)?.status).toBe('done');
    expect(jobs.get(cancelled.id)?.status).toBe('cancelled');
    // A job waiting out a backoff is made due now.
    jobs.claim('upload', 'w', 60_000, T);
    jobs.retryAt(waiting.id, T + 3_600_000, 'HTTP 500', T);
    expect(retry(waiting.id, T + 5)).toMatchObject({ job: { status: 'pending', run_at_ms: T + 5, attempts: 0 } });
  });

  it('a job that runs longer than its lease keeps it: nobody else claims it meanwhile, and it runs once', async () => {
    const jobs = createJobsRepo(db);
    const j = createJobsRepo(db).enqueue(
      { kind: 'upload', payload: { uniqueId: 'slow' }, dedupeKey: 'upload:slow', maxAttempts: 3, runAtMs: Date.now() },
      new Date().toISOString(),
    );
    let runs = 0;
    let finish!: () => void;
    const runner = createJobRunner(
      {
        kind: 'upload',
        dependency: { name: 'object store', key: 'object-store', breaker: { threshold: 5, halfOpenAfterMs: 1000 } },
        concurrency: 2,
        quickDelaysMs: [],
        delaysMs: [],
        label: () => 'slow',
        run: () => {
          runs++;
          return new Promise<void>((r) => {
            finish = r;
          });
        },
      },
      { db, owner: 'uploader', logger: captureLogger().logger, leaseMs: 100 },
    );
    expect(runner.pump()).toBe(1);
    // Ten lease lengths later the job is still the uploader's: another worker and the uploader itself find nothing.
    const until = Date.now() + 1_000;
    await waitFor(
      () => {
        expect(jobs.claim('upload', 'other', 100, Date.now())).toBeUndefined();
        expect(runner.pump()).toBe(0);
        return Date.now() > until;
      },
      'ten lease lengths',
      5_000,
    );
    expect(jobs.get(j.id)).toMatchObject({ status: 'running', lease_owner: 'uploader', attempts: 1 });
    finish();
    await runner.idle();
    expect(runs).toBe(1);
    expect(jobs.get(j.id)?.status).toBe('done');
  });

  it('a runner back from an outage starts with a closed circuit and says so (the metric follows it)', async () => {
    createJobsRepo(db).enqueue(
      { kind: 'notify', payload: { uniqueId: 'c' }, dedupeKey: 'notify:c', maxAttempts: 3, runAtMs: Date.now() },
      new Date().toISOString(),
    );
    const states: string[] = [];
    const runner = createJobRunner(
      {
        kind: 'notify',
        dependency: { name: 'AYO', key: 'ayo', breaker: { threshold: 1, halfOpenAfterMs: 3_600_000 } },
        concurrency: 1,
        quickDelaysMs: [],
        delaysMs: [60_000, 60_000],
        label: () => 'c',
        run: async () => {
          throw new RetryableError('HTTP 500');
        },
      },
      { db, owner: 'n', logger: captureLogger().logger },
    );
    runner.onCircuitChange((s) => states.push(s));
    runner.pump();
    await runner.idle();
    expect(runner.circuit()).toBe('open');
    runner.setOnline(false);
    runner.setOnline(true);
    expect(runner.circuit()).toBe('closed');
    expect(states).toEqual(['open', 'closed']);
  });

  it('prunes finished jobs after their time, never waiting ones', () => {
    const jobs = createJobsRepo(db);
    const done = enqueue('done');
    enqueue('waiting');
    jobs.claim('upload', 'w', 1_000, T);
    jobs.complete(done.id, T);
    const queue = createQueueRepo(db);
    expect(queue.pruneFinished(T - 1)).toBe(0);
    expect(queue.pruneFinished(T + 7 * 86_400_000)).toBe(1);
    expect(queue.summary(T, videoOfJob).counts).toEqual([{ kind: 'upload', status: 'pending', count: 1 }]);
  });
});
