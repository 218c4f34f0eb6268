// The one job runner, over a real database in a temp dir, with small kinds: attempts come from the kind's delays, a
// gate waits without spending an attempt, leases are renewed for every kind, one job per group runs at a time, and a
// cancelled, failed or interrupted run leaves the job as its owner (the canceller, the kind, the shutdown) says.

import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createJobsRepo,
  createQueueRepo,
  createVideosRepo,
  openDatabase,
  type Db,
  type JobRow,
} from '../src/db/index.js';
import { PermanentError, RetryableError, type ErrorCode } from '../src/errors.js';
import { RECOVERY_GAP_MS } from '../src/pipeline/recovery.js';
import {
  createJobRunner,
  createVideoLifecycle,
  jobKey,
  type Admission,
  type JobContext,
  type JobKind,
  type JobKindSpec,
  type VideoLifecycle,
  videoOfJob,
} from '../src/pipeline/index.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const T = 1_750_000_000_000;
let tmp: ReturnType<typeof tempDir>;
let db: Db;
let clock: number;
const runners: { stop(): Promise<void> }[] = [];
beforeEach(() => {
  tmp = tempDir();
  db = openDatabase(path.join(tmp.dir, 'q.db'));
  clock = T;
});
afterEach(async () => {
  for (const r of runners.splice(0)) await r.stop();
  db.close();
  tmp.cleanup();
});

const jobs = () => createJobsRepo(db);
const lifecycleOf = (onStopped?: (uid: string, kinds: readonly JobKind[]) => void): VideoLifecycle =>
  createVideoLifecycle({
    db,
    jobDelays: { cut: [1_000], upload: [1_000], notify: [1_000] },
    now: () => clock,
    onJobsStopped: onStopped,
  });

/** A job of `kind` enqueued straight into the queue, as an older enqueuer might have stored it. */
const enqueue = (kind: JobKind, uid: string, maxAttempts: number, groupKey?: string): JobRow =>
  jobs().enqueue(
    { kind, payload: { uniqueId: uid }, dedupeKey: jobKey(kind, uid), groupKey, maxAttempts, runAtMs: clock },
    new Date(clock).toISOString(),
  );

/** A runner of a small kind over the test's database and clock; stopped after the test. */
function runner<K extends JobKind, R>(
  spec: Partial<JobKindSpec<K, R>> & Pick<JobKindSpec<K, R>, 'kind' | 'run'>,
  opts: { leaseMs?: number; owner?: string } = {},
) {
  const r = createJobRunner<K, R>(
    {
      delaysMs: [],
      quickDelaysMs: [],
      concurrency: 1,
      label: (ctx) => `${spec.kind} ${ctx.payload.uniqueId}`,
      ...spec,
    },
    {
      db,
      owner: opts.owner ?? 'runner',
      logger: captureLogger().logger,
      leaseMs: opts.leaseMs,
      now: () => clock,
    },
  );
  runners.push(r);
  return r;
}

/** Runs due jobs once and waits for them to finish. */
async function pumpOnce(r: ReturnType<typeof runner>): Promise<number> {
  const n = r.pump();
  await r.idle();
  return n;
}

/** A run that finishes only when the test says so; it rejects when its attempt is aborted. */
function held() {
  const calls: { uid: string; signal: AbortSignal; finish: (v?: unknown) => void }[] = [];
  const run = (ctx: JobContext<JobKind>, signal: AbortSignal) =>
    new Promise<unknown>((resolve, reject) => {
      calls.push({ uid: ctx.payload.uniqueId, signal, finish: resolve });
      signal.addEventListener('abort', () => reject(new PermanentError('aborted', { code: 'cancelled' })), {
        once: true,
      });
    });
  return { calls, run };
}

describe('the job runner', () => {
  it.each([
    { delays: [1_000, 2_000, 3_000], kind: 'upload' as const },
    { delays: [1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000], kind: 'notify' as const },
  ])(
    "takes attempts from the kind's $delays.length delays, whatever was stored at enqueue",
    async ({ delays, kind }) => {
      const j = enqueue(kind, 'v', 6);
      let runs = 0;
      const failed: boolean[] = [];
      const r = runner({
        kind,
        delaysMs: delays,
        run: async () => {
          runs++;
          throw new RetryableError('HTTP 500');
        },
        onFailed: (_c, _r, final) => failed.push(final),
      });
      for (let i = 0; i < delays.length; i++) {
        expect(await pumpOnce(r)).toBe(1);
        expect(jobs().get(j.id)).toMatchObject({
          status: 'pending',
          attempts: i + 1,
          max_attempts: delays.length + 1,
          run_at_ms: clock + delays[i]!,
          last_error: 'HTTP 500',
        });
        // Not due before its delay.
        clock += delays[i]! - 1;
        expect(await pumpOnce(r)).toBe(0);
        clock += 1;
      }
      expect(await pumpOnce(r)).toBe(1);
      expect(jobs().get(j.id)).toMatchObject({
        status: 'dead',
        attempts: delays.length + 1,
        max_attempts: delays.length + 1,
        last_error: 'HTTP 500',
      });
      expect(runs).toBe(delays.length + 1);
      expect(failed).toEqual([...delays.map(() => false), true]);
      clock += 3_600_000;
      expect(await pumpOnce(r)).toBe(0);
    },
  );

  it('a gate that says wait leaves the job pending with its attempt and a later run_at; one that says skip completes it unrun', async () => {
    const j = enqueue('upload', 'gated', 1);
    let answer: Admission = { wait: 5_000, why: 'not yet' };
    let runs = 0;
    const r = runner({
      kind: 'upload',
      delaysMs: [],
      admit: () => answer,
      run: async () => {
        runs++;
      },
    });
    // Waiting many times never spends the one attempt the kind gives.
    for (let i = 0; i < 4; i++) {
      expect(await pumpOnce(r)).toBe(1);
      expect(jobs().get(j.id)).toMatchObject({
        status: 'pending',
        attempts: 0,
        run_at_ms: clock + 5_000,
        lease_owner: null,
        wait_reason: 'gate',
        wait_note: 'not yet',
      });
      // The queue's view says so (the cut's gate: footage not recorded yet).
      expect(createQueueRepo(db).waiting(clock, videoOfJob, { limit: 10 }).jobs).toEqual([
        expect.objectContaining({ id: j.id, waitingFor: 'gate', detail: 'not yet', attempts: 0 }),
      ]);
      expect(await pumpOnce(r)).toBe(0);
      clock += 5_000;
    }
    expect(runs).toBe(0);
    answer = { skip: 'nothing to do' };
    expect(await pumpOnce(r)).toBe(1);
    expect(jobs().get(j.id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(runs).toBe(0);
  });

  it('renews the lease of a long cut: nobody else claims it past ten lease lengths, and it runs once', async () => {
    const j = enqueue('cut', 'long', 3, 'CAM_A');
    let runs = 0;
    let finish!: () => void;
    const long = (_ctx: unknown, signal: AbortSignal) => {
      runs++;
      return new Promise<void>((res, rej) => {
        finish = res;
        signal.addEventListener('abort', () => rej(new Error('aborted')), { once: true });
      });
    };
    const r = runner({ kind: 'cut', run: long }, { leaseMs: 100, owner: 'video' });
    const other = runner({ kind: 'cut', run: long }, { leaseMs: 100, owner: 'other' });
    expect(r.pump()).toBe(1);
    // The runner renews on the real clock (every fifth of the lease) and stamps leases with the injected one. Each
    // step moves the injected clock half a lease on and waits for a renewal stamped with it: without renewals the
    // lease would run out at the second step. Thirty steps are fifteen lease lengths; the real time passed is over
    // ten as well.
    const realUntil = Date.now() + 1_000;
    for (let step = 0; step < 30 || Date.now() <= realUntil; step++) {
      clock += 50;
      await waitFor(() => jobs().get(j.id)!.lease_until_ms === clock + 100, `a renewal of the lease (step ${step})`);
      expect(jobs().claim('cut', 'thief', 100, clock + 99)).toBeUndefined();
      expect(other.pump()).toBe(0);
      expect(r.pump()).toBe(0);
    }
    expect(clock - T).toBeGreaterThanOrEqual(15 * 100);
    expect(jobs().get(j.id)).toMatchObject({ status: 'running', lease_owner: 'video', attempts: 1 });
    finish();
    await r.idle();
    expect(runs).toBe(1);
    expect(jobs().get(j.id)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('runs at most one job of a group at a time; another group runs beside it', async () => {
    const lifecycle = lifecycleOf();
    const make = (n: number, camera: string) =>
      lifecycle.create({
        unique_id: `BK-${n}_${camera}`,
        booking_id: `BK/${n}`,
        camera,
        field_id: 50,
        type: 'full',
        window_start_ms: T - 60_000,
        window_end_ms: T,
      }).video.unique_id;
    const a1 = make(1, 'CAM_A');
    const a2 = make(2, 'CAM_A');
    const b1 = make(3, 'CAM_B');
    const h = held();
    const r = runner({ kind: 'cut', concurrency: 2, run: h.run });
    expect(r.pump()).toBe(2);
    expect(h.calls.map((c) => c.uid)).toEqual([a1, b1]);
    expect(jobs().byKey(jobKey('cut', a2))).toMatchObject({ status: 'pending', attempts: 0 });
    // A free slot does not take the other job of a busy group.
    h.calls[1]!.finish();
    await waitFor(() => jobs().byKey(jobKey('cut', b1))?.status === 'done', 'the CAM_B cut to finish');
    expect(r.pump()).toBe(0);
    expect(r.active).toBe(1);
    expect(jobs().byKey(jobKey('cut', a2))?.status).toBe('pending');
    // Once the group is free, its next job runs.
    h.calls[0]!.finish();
    await waitFor(() => h.calls.length === 3, 'the second CAM_A cut to start');
    expect(h.calls[2]!.uid).toBe(a2);
    expect(jobs().byKey(jobKey('cut', a1))?.status).toBe('done');
    h.calls[2]!.finish();
    await waitFor(() => jobs().byKey(jobKey('cut', a2))?.status === 'done', 'the second CAM_A cut to finish');
  });

  describe('a run whose video the lifecycle took away', () => {
    function cutKind(
      lifecycle: VideoLifecycle,
      run: (ctx: JobContext<'cut'>, signal: AbortSignal) => Promise<unknown>,
    ) {
      const outcomes: string[] = [];
      const r = runner<'cut', unknown>({
        kind: 'cut',
        delaysMs: [1_000],
        admit: (ctx) => (lifecycle.apply(ctx.payload.uniqueId, 'cut:start').moved ? { run: true } : { skip: 'moved' }),
        run,
        // As the cut kind does: a result goes to the lifecycle, which refuses it for a video taken away meanwhile.
        onDone: (ctx) => outcomes.push(`done:${lifecycle.apply(ctx.payload.uniqueId, 'cut:done').moved}`),
        onFailed: (_ctx, reason, final) => outcomes.push(`failed:${final}:${reason}`),
        onInterrupted: () => outcomes.push('interrupted'),
      });
      return { r, outcomes };
    }
    const newVideo = (lifecycle: VideoLifecycle) =>
      lifecycle.create({
        unique_id: 'BK-X_CAM_A',
        booking_id: 'BK/X',
        camera: 'CAM_A',
        field_id: 50,
        type: 'full',
        window_start_ms: T - 60_000,
        window_end_ms: T,
      }).video.unique_id;

    it('a cancelled booking: the aborted run is dropped and its job stays cancelled', async () => {
      const lifecycle = lifecycleOf();
      const uid = newVideo(lifecycle);
      const h = held();
      const { r, outcomes } = cutKind(lifecycle, h.run);
      expect(r.pump()).toBe(1);
      await waitFor(() => h.calls.length === 1, 'the cut to start');
      // As the scanner does: the lifecycle cancels the video and its jobs, then the runner aborts the running cut.
      expect(lifecycle.apply(uid, 'booking:cancelled').moved).toBe(true);
      r.abortVideo(uid);
      await r.idle();
      expect(h.calls[0]!.signal.aborted).toBe(true);
      expect(outcomes).toEqual([]);
      expect(jobs().byKey(jobKey('cut', uid))).toMatchObject({ status: 'cancelled', attempts: 1 });
      expect(createVideosRepo(db).get(uid)?.status).toBe('cancelled');
      expect(jobs().byKey(jobKey('upload', uid))).toBeUndefined();
      expect(r.pump()).toBe(0);
    });

    it('a result that arrives anyway is refused by the lifecycle, and the job is not marked done', async () => {
      const lifecycle = lifecycleOf();
      const uid = newVideo(lifecycle);
      let finish!: () => void;
      const started: AbortSignal[] = [];
      // This run does not listen to its signal: it finishes with a result after the cancel.
      const { r, outcomes } = cutKind(lifecycle, (_ctx, signal) => {
        started.push(signal);
        return new Promise<void>((res) => {
          finish = res;
        });
      });
      expect(r.pump()).toBe(1);
      await waitFor(() => started.length === 1, 'the cut to start');
      expect(lifecycle.apply(uid, 'booking:cancelled').moved).toBe(true);
      r.abortVideo(uid);
      finish();
      await r.idle();
      // Whether the late result reaches onDone or not, the lifecycle does not take it.
      expect([[], ['done:false']]).toContainEqual(outcomes);
      expect(jobs().byKey(jobKey('cut', uid))).toMatchObject({ status: 'cancelled' });
      expect(createVideosRepo(db).get(uid)?.status).toBe('cancelled');
      expect(jobs().byKey(jobKey('upload', uid))).toBeUndefined();
    });

    it('a changed window: the aborted run is dropped, the restarted job runs again with fresh attempts', async () => {
      // Wired as the video pipeline wires them: a transition that restarts a cut aborts the running one.
      const wired: { r?: ReturnType<typeof cutKind>['r'] } = {};
      const lifecycle = lifecycleOf((uid, kinds) => {
        if (kinds.includes('cut')) wired.r?.abortVideo(uid);
      });
      const uid = newVideo(lifecycle);
      const h = held();
      const k = cutKind(lifecycle, h.run);
      wired.r = k.r;
      expect(k.r.pump()).toBe(1);
      await waitFor(() => h.calls.length === 1, 'the cut to start');
      expect(lifecycle.apply(uid, 'window:changed', { window: { startMs: T - 60_000, endMs: T + 30_000 } }).moved).toBe(
        true,
      );
      await waitFor(() => h.calls.length === 2, 'the cut to run again for the new window');
      expect(h.calls[0]!.signal.aborted).toBe(true);
      expect(jobs().byKey(jobKey('cut', uid))).toMatchObject({ status: 'running', attempts: 1 });
      h.calls[1]!.finish();
      await waitFor(() => jobs().byKey(jobKey('cut', uid))?.status === 'done', 'the second cut to finish');
      expect(k.outcomes).toEqual(['done:true']);
      expect(createVideosRepo(db).get(uid)).toMatchObject({ status: 'uploading', window_end_ms: T + 30_000 });
    });
  });

  it('dead-letters a non-retryable error at once, with its reason', async () => {
    const j = enqueue('upload', 'perm', 3);
    const errors: unknown[] = [];
    const r = runner({
      kind: 'upload',
      delaysMs: [1_000, 2_000],
      quickDelaysMs: [1, 1],
      run: async () => {
        throw new PermanentError('HTTP 403 Forbidden', { code: 'store-failed' });
      },
      onFailed: (_c, reason, final, e) => errors.push({ reason, final, code: (e as { code?: string }).code }),
    });
    expect(await pumpOnce(r)).toBe(1);
    expect(jobs().get(j.id)).toMatchObject({ status: 'dead', attempts: 1, last_error: 'HTTP 403 Forbidden' });
    expect(errors).toEqual([{ reason: 'HTTP 403 Forbidden', final: true, code: 'store-failed' }]);
  });

  it('gives up on a job whose worker died on every attempt, without running it again', async () => {
    const j = enqueue('cut', 'poison', 9);
    // Two workers that took the job and died with it (their leases ran out, nothing settled the attempt).
    for (const dead of ['w1', 'w2']) {
      expect(jobs().claim('cut', dead, 10, clock)?.id).toBe(j.id);
      clock += 20;
    }
    let runs = 0;
    const failures: { final: boolean; code?: string }[] = [];
    const r = runner({
      kind: 'cut',
      delaysMs: [1_000],
      run: async () => {
        runs++;
      },
      onFailed: (_c, _reason, final, e) => failures.push({ final, code: (e as { code?: string }).code }),
    });
    expect(await pumpOnce(r)).toBe(1);
    expect(runs).toBe(0);
    expect(jobs().get(j.id)).toMatchObject({
      status: 'dead',
      attempts: 3,
      max_attempts: 2,
      last_error: 'gave up after 2 attempts whose worker stopped',
    });
    expect(failures).toEqual([{ final: true, code: 'gave-up' }]);
  });

  it("retries a retryable error with the kind's delays", async () => {
    const j = enqueue('notify', 'flaky', 1);
    let calls = 0;
    const r = runner({
      kind: 'notify',
      delaysMs: [7_000, 9_000],
      run: async () => {
        if (++calls < 3) throw new RetryableError('HTTP 502');
        return 'ok';
      },
    });
    expect(await pumpOnce(r)).toBe(1);
    expect(jobs().get(j.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      run_at_ms: T + 7_000,
      last_error: 'HTTP 502',
    });
    clock = T + 7_000;
    expect(await pumpOnce(r)).toBe(1);
    expect(jobs().get(j.id)).toMatchObject({ status: 'pending', attempts: 2, run_at_ms: T + 16_000 });
    clock = T + 16_000;
    expect(await pumpOnce(r)).toBe(1);
    expect(jobs().get(j.id)).toMatchObject({ status: 'done', attempts: 3 });
  });

  it('stop() during a run puts the job back pending with its attempt refunded and says it was interrupted', async () => {
    const j = enqueue('cut', 'stopped', 3, 'CAM_A');
    const h = held();
    const seen: string[] = [];
    const r = runner({
      kind: 'cut',
      delaysMs: [1_000, 2_000],
      run: h.run,
      onInterrupted: (ctx) => seen.push(`interrupted:${ctx.payload.uniqueId}`),
      onFailed: () => seen.push('failed'),
      onDone: () => seen.push('done'),
    });
    expect(r.pump()).toBe(1);
    await waitFor(() => h.calls.length === 1, 'the job to start');
    clock = T + 500;
    await r.stop();
    expect(h.calls[0]!.signal.aborted).toBe(true);
    expect(seen).toEqual(['interrupted:stopped']);
    expect(jobs().get(j.id)).toMatchObject({
      status: 'pending',
      attempts: 0,
      run_at_ms: T,
      lease_owner: null,
      lease_until_ms: null,
      last_error: 'interrupted by shutdown',
    });
    expect(r.pump()).toBe(0);
  });
});

describe('a held database lock (another connection in BEGIN IMMEDIATE)', () => {
  it('neither throws from a claim nor fails a job: claims wait, finished runs are recorded once the lock goes, one warning per episode', async () => {
    const file = path.join(tmp.dir, 'q.db');
    // The runner's own connection gives up on a lock quickly, so the test meets SQLITE_BUSY without waiting seconds.
    const mine = openDatabase(file, { busyTimeoutMs: 20 });
    const log = captureLogger();
    const [a, b] = ['A', 'B'].map((uid) => enqueue('upload', uid, 2));
    const pending: { uid: string; ok: () => void; fail: (e: Error) => void }[] = [];
    const r = createJobRunner<'upload', void>(
      {
        kind: 'upload',
        delaysMs: [60_000],
        quickDelaysMs: [],
        concurrency: 3,
        label: (ctx) => ctx.payload.uniqueId,
        run: (ctx) =>
          new Promise<void>((ok, fail) => pending.push({ uid: ctx.payload.uniqueId, ok: () => ok(), fail })),
      },
      { db: mine, owner: 'uploader', logger: log.logger, now: () => clock },
    );
    runners.push(r);
    expect(r.pump()).toBe(2);
    await waitFor(() => pending.length === 2, 'A and B to start');
    const c = enqueue('upload', 'C', 2);
    const lock = new Database(file);
    lock.exec('BEGIN IMMEDIATE');
    try {
      // A succeeds and B fails while the lock is held: neither outcome can be written yet, and neither is lost.
      pending[0]!.ok();
      pending[1]!.fail(new RetryableError('HTTP 503', { code: 'store-failed' }));
      // Claiming meets the lock: no exception (an actor's poll timer would crash its thread), nothing claimed.
      await waitFor(
        () => r.pump() === 0 && log.lines.some((l) => l.includes('no job is claimed until it is released')),
        'the claim to meet the lock',
      );
      // Recording A's success and B's failure waits for the lock (each says so once).
      for (const what of ['record a finished job', 'record a failed attempt'])
        await waitFor(
          () => log.lines.some((l) => l.includes(`${what}: the database is locked by another connection`)),
          `the runner to wait to ${what}`,
        );
      for (let i = 0; i < 20; i++) expect(r.pump()).toBe(0);
      const status = lock.prepare<[number], { status: string }>('SELECT status FROM jobs WHERE id = ?');
      expect([a, b, c].map((j) => status.get(j!.id)!.status)).toEqual(['running', 'running', 'pending']);
    } finally {
      lock.exec('COMMIT');
      lock.close();
    }
    await waitFor(() => jobs().get(a!.id)?.status === 'done', 'A recorded as done');
    await waitFor(() => jobs().get(b!.id)?.status === 'pending', 'B recorded as failed once');
    // B failed once, as it did: one attempt spent and its backoff, not a dead letter.
    expect(jobs().get(b!.id)).toMatchObject({ attempts: 1, last_error: 'HTTP 503', run_at_ms: clock + 60_000 });
    expect(jobs().get(a!.id)).toMatchObject({ attempts: 1 });
    // C is claimed once the lock is gone.
    await waitFor(() => (r.pump(), pending.length === 3), 'C to start');
    expect(pending[2]!.uid).toBe('C');
    pending[2]!.ok();
    await waitFor(() => jobs().get(c.id)?.status === 'done', 'C done');
    await r.stop();
    mine.close();
    // One warning for the claim's episode however often the runner looked, and the line that ends it.
    expect(log.lines.filter((l) => l.includes('no job is claimed until it is released'))).toHaveLength(1);
    expect(log.lines.filter((l) => /lock was released after \d+ ms; claiming again/.test(l))).toHaveLength(1);
  });
});

describe('a recovery of the dependency', () => {
  const AYO = { name: 'AYO', key: 'ayo', breaker: { threshold: 100, halfOpenAfterMs: 60_000 } };
  /** A notify kind whose calls fail as `failure` says for each video while `healthy` is false. */
  function notifier(failure: Record<string, () => Error>) {
    const state = { healthy: false, runs: [] as string[] };
    const log = captureLogger();
    const r = createJobRunner<'notify', void>(
      {
        kind: 'notify',
        delaysMs: [300_000, 1_200_000],
        quickDelaysMs: [],
        concurrency: 1,
        dependency: AYO,
        label: (ctx) => ctx.payload.uniqueId,
        run: async (ctx) => {
          state.runs.push(ctx.payload.uniqueId);
          if (!state.healthy) throw failure[ctx.payload.uniqueId]!();
        },
      },
      { db, owner: 'notifier', logger: log.logger, now: () => clock },
    );
    runners.push(r);
    return { r, state, log };
  }
  const fail =
    (message: string, code: ErrorCode, retryable = true) =>
    () =>
      retryable ? new RetryableError(message, { code }) : new PermanentError(message, { code });
  const row = (uid: string) => jobs().byKey(jobKey('notify', uid))!;

  it("brings forward, oldest first, the jobs backing off after its 5xx answers and timeouts, not those it refused or that failed on their own; a probe's answer lets the oldest 5xx one go first as a canary", async () => {
    const uids = ['five-1', 'refused', 'slow', 'five-2', 'local'];
    for (const uid of uids) enqueue('notify', uid, 3);
    const { r, state, log } = notifier({
      'five-1': fail('HTTP 500', 'partner-failed'),
      refused: fail('HTTP 403', 'partner-rejected', false),
      slow: fail('no answer within 10 s', 'timeout'),
      'five-2': fail('HTTP 502', 'partner-failed'),
      local: fail('disk full', 'file-missing'),
    });
    for (const _ of uids) expect(await pumpOnce(r)).toBe(1);
    expect(state.runs).toEqual(uids);
    // Each records why it waits and after whose failure.
    expect(row('five-1')).toMatchObject({
      status: 'pending',
      attempts: 1,
      run_at_ms: T + 300_000,
      wait_reason: 'retry',
      wait_dependency: 'ayo',
      failure_class: 'server-error',
    });
    expect(row('slow')).toMatchObject({ wait_dependency: 'ayo', failure_class: 'timeout', run_at_ms: T + 300_000 });
    expect(row('local')).toMatchObject({ wait_dependency: null, failure_class: 'other', run_at_ms: T + 300_000 });
    expect(row('refused')).toMatchObject({ status: 'dead' });

    state.healthy = true;
    clock += 60_000;
    // A probe proves the link, not the service: the job that timed out is due now, and of those AYO failed with 5xx
    // only the oldest, as a canary.
    r.dependencyAnswered(clock, 'probe');
    expect(row('slow').run_at_ms).toBe(clock);
    expect(row('five-1').run_at_ms).toBe(clock);
    expect(row('five-2').run_at_ms).toBe(T + 300_000);
    // The canary's success is a call that went through: the rest follow, in their queue order.
    await waitFor(() => row('five-2').status === 'done', 'the brought-forward jobs to go');
    await r.idle();
    expect(state.runs.slice(uids.length)).toEqual(['five-1', 'slow', 'five-2']);
    expect(row('five-1')).toMatchObject({ status: 'done', attempts: 2 });
    // Neither the refusal nor the local failure moved.
    expect(row('refused')).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row('local')).toMatchObject({ status: 'pending', attempts: 1, run_at_ms: T + 300_000 });
    expect(log.lines.some((l) => l.includes('🌐 RECOVERY: AYO answers again; 1 notify task(s)'))).toBe(true);
  });

  it('a relapse: the early try that fails again goes back to its due time with its attempt, and answers within the doubled gap bring nothing forward', async () => {
    enqueue('notify', 'flaky', 3);
    const { r, state } = notifier({ flaky: fail('HTTP 500', 'partner-failed') });
    expect(await pumpOnce(r)).toBe(1);
    expect(row('flaky')).toMatchObject({ attempts: 1, run_at_ms: T + 300_000 });
    clock += 10_000;
    r.dependencyAnswered(clock, 'call');
    await waitFor(() => state.runs.length === 2, 'the early try');
    await r.idle();
    // Still failing: back to its own due time, the attempt not spent.
    expect(row('flaky')).toMatchObject({
      status: 'pending',
      attempts: 1,
      run_at_ms: T + 300_000,
      wait_reason: 'retry',
    });
    // The dependency answers every second for a while: no storm of tries, not even one within the doubled gap.
    for (let i = 0; i < 2 * (RECOVERY_GAP_MS / 1000) - 1; i++) {
      clock += 1_000;
      r.dependencyAnswered(clock, 'call');
      expect(r.pump()).toBe(0);
    }
    expect(state.runs).toHaveLength(2);
    expect(row('flaky').run_at_ms).toBe(T + 300_000);
    // Past the gap, a healthy answer brings it forward and it goes through.
    state.healthy = true;
    clock += 1_000;
    r.dependencyAnswered(clock, 'call');
    await waitFor(() => row('flaky').status === 'done', 'the job to go through');
    expect(row('flaky')).toMatchObject({ attempts: 2 });
    expect(state.runs).toHaveLength(3);
  });
});
