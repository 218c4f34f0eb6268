// The one job runner for every kind of durable work. It claims due jobs of its kind oldest first (at most one per
// group), renews their leases while they run, asks the kind's gate whether a job may run now (waiting spends no
// attempt), runs the handler through the kind's quick retries and circuit, then retries later with the kind's
// delays or dead-letters the job. A kind with a remote dependency also waits while that dependency is offline, and
// its jobs backing off after the dependency's failures are brought forward when it answers again. Each job records
// why it waits. A held database lock delays the runner's own bookkeeping; it never fails a job or the actor.

import type { AnsweredVia } from '../connectivity/index.js';
import { createJobsRepo, type FailureClass, type JobRow, type JobWait, type JobWaitReason } from '../db/index.js';
import { BUSY, busyEpisodes, isBusyError, retryWhileBusy } from '../db/busy.js';
import { describeError, isRetryable, isUnreachable, PermanentError } from '../errors.js';
import { createResilience, isCircuitOpenError, type CircuitName, type Resilience } from '../util/resilience.js';
import { failureClassOf, isDependencyFailure } from './failure-class.js';
import { attemptsOf, videoOfJob, type JobKind, type JobPayloads } from './job-kinds.js';
import type { JobContext, JobKindSpec, JobRunnerOptions } from './job-spec.js';
import { RecoveryGate } from './recovery.js';

/** How long an unreachable dependency is left alone before one job tries it again. */
const RECHECK_MS = 10_000;
/**
 * A running job's lease. Every kind renews it while the job runs: a large upload or a long cut can outlast any
 * fixed lease, and an expired lease would let a second run of the same job start beside it. A worker that died
 * stops renewing, and its jobs are free again within this time.
 */
const LEASE_MS = 10 * 60_000;

type StopWhy = 'cancel' | 'stop';
interface Slot {
  abort: AbortController;
  why: StopWhy | undefined;
  group: string | null;
  video: string | null;
  done: Promise<void>;
}

/** Creates a runner of one kind; `pump()` claims due jobs, `setOnline()` follows ConnectivityActor. */
export function createJobRunner<K extends JobKind, R>(spec: JobKindSpec<K, R>, opts: JobRunnerOptions) {
  const jobs = createJobsRepo(opts.db);
  const now = opts.now ?? Date.now;
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  const maxAttempts = attemptsOf(spec.delaysMs);
  const dep = spec.dependency;
  const circuitListeners: ((s: CircuitName) => void)[] = [];
  let openedAt = 0;
  // The circuit counts the dependency's own failures (5xx, bad answers); an unreachable link is ConnectivityActor's.
  const makePolicy = (): Resilience => {
    const p = createResilience(
      {
        name: dep?.name ?? spec.policyName ?? spec.kind,
        maxAttempts: spec.quickDelaysMs.length + 1,
        delaysMs: spec.quickDelaysMs,
        breaker: dep?.breaker,
        breakOn: (e) => !isUnreachable(e),
      },
      opts.logger,
    );
    p.onCircuitChange((s) => {
      if (s === 'open') openedAt = now();
      circuitListeners.forEach((l) => l(s));
    });
    return p;
  };
  let policy = makePolicy();
  /** A fresh, closed circuit in place of one a past outage or failure run opened. */
  const resetCircuit = () => {
    if (policy.circuit() === 'closed') return;
    policy = makePolicy();
    circuitListeners.forEach((l) => l('closed'));
  };
  const running = new Map<number, Slot>();
  const announced = new Set<number>();
  let online = true;
  let unreachableUntil = 0;
  let stopped = false;
  const stopping = new AbortController();
  // One gate per failure class a recovery brings forward: a probe's answer proves the link (timeouts), only a call
  // that succeeded proves the service (5xx answers).
  const recovery: Record<'server-error' | 'timeout', RecoveryGate> = {
    'server-error': new RecoveryGate(spec.delaysMs[0] ?? 0),
    timeout: new RecoveryGate(spec.delaysMs[0] ?? 0),
  };
  const gateOf = (c: FailureClass) => (c === 'server-error' || c === 'timeout' ? recovery[c] : undefined);
  const depKey = dep?.key ?? null;
  // A held lock met by a claim: no job is claimed until it goes, looked at again with backoff.
  const claims = busyEpisodes(`${spec.kind} runner`, opts.logger, {
    waiting: 'no job is claimed until it is released',
    resumed: 'claiming again',
  });
  let lastCause: JobWaitReason | null = null;

  // An open circuit moves to half-open only inside a call (cockatiel), so once its time is up one job is let through
  // to be that call; until the circuit has closed again, one job at a time.
  const circuitAllows = () => !dep || policy.circuit() !== 'open' || now() - openedAt >= dep.breaker.halfOpenAfterMs;
  const available = () => online && now() >= unreachableUntil && circuitAllows();
  const slots = () => (policy.circuit() === 'closed' ? spec.concurrency : 1);
  const queued = (job: JobRow) => {
    if (announced.has(job.id)) return;
    announced.add(job.id);
    spec.onQueued?.(job);
  };
  /** Waiting keeps the job's place in the queue (its run_at) unless a later time is given; the attempt is refunded. */
  const wait = (job: JobRow, runAtMs: number, why: string | null, w: Omit<JobWait, 'sinceMs'>) =>
    jobs.retryAt(job.id, runAtMs, why, now(), true, opts.owner, { ...w, sinceMs: now() });
  /** The runner's own database bookkeeping: waits out a held lock (one log line per episode) rather than fail. */
  const book = <T>(what: string, work: () => T): Promise<T> =>
    retryWhileBusy(() => opts.db.transaction(work).immediate(), {
      what: `${spec.kind} runner: ${what}`,
      logger: opts.logger,
      signal: stopping.signal,
    });

  function settle(ctx: JobContext<K>, e: unknown): void {
    const { job } = ctx;
    const reason = spec.failureReason?.(ctx, e) ?? describeError(e);
    const failureClass = failureClassOf(e);
    // Refused by the open circuit before any call (execute throws the real failure once a call was made), or the link
    // or the service is down: the job waits with its place and its attempt. The circuit says when it goes again; an
    // unreachable dependency is tried again by one job after RECHECK_MS.
    if (dep && (isCircuitOpenError(e) || isUnreachable(e))) {
      if (!isCircuitOpenError(e)) unreachableUntil = now() + RECHECK_MS;
      wait(job, job.run_at_ms, reason, {
        reason: isCircuitOpenError(e) ? 'circuit' : 'unreachable',
        dependency: depKey,
        failureClass,
        forwardedFromMs: job.forwarded_from_ms,
      });
      return queued(job);
    }
    const fromDependency = !!dep && isRetryable(e) && isDependencyFailure(failureClass);
    const retry: JobWait = {
      reason: 'retry',
      dependency: fromDependency ? depKey : null,
      failureClass,
      sinceMs: now(),
    };
    // A try a recovery brought forward, failed the same way: the dependency relapsed. The job goes back to the due
    // time it had, with its attempt: bringing work forward never spends attempts faster than the kind's delays.
    const forwardedFrom = job.forwarded_from_ms;
    if (fromDependency && forwardedFrom !== null && job.run_at_ms < forwardedFrom) {
      gateOf(failureClass)?.relapsed();
      jobs.retryAt(job.id, forwardedFrom, reason, now(), true, opts.owner, retry);
      spec.onFailed?.(ctx, reason, false, e);
      return;
    }
    if (fromDependency) gateOf(failureClass)?.failed();
    const delay = spec.delaysMs[job.attempts - 1];
    const final = !isRetryable(e) || job.attempts >= maxAttempts || delay === undefined;
    if (final) jobs.deadLetter(job.id, reason, now(), opts.owner);
    else jobs.retryAt(job.id, now() + delay, reason, now(), false, opts.owner, retry);
    spec.onFailed?.(ctx, reason, final, e);
  }

  /**
   * The dependency answered at `answeredAtMs`: once per recovery (see RecoveryGate), its jobs that back off after its
   * failures are due. A call that succeeded proves the service: every job it failed with 5xx or a timeout goes, and a
   * circuit their failures opened is closed (the trial has been made). A probe's answer proves only the link: the jobs
   * that timed out go, and of those failed with 5xx the oldest alone, as a canary whose success brings the rest.
   */
  function answered(answeredAtMs: number, via: AnsweredVia): void {
    if (!dep || stopped) return;
    const t = now();
    const moves: { classes: FailureClass[]; limit: number }[] = [];
    if (recovery.timeout.answered(t)) moves.push({ classes: ['timeout'], limit: -1 });
    if (recovery['server-error'].answered(t, via === 'probe'))
      moves.push({ classes: ['server-error'], limit: via === 'probe' ? 1 : -1 });
    if (moves.length === 0) return;
    const move = () =>
      moves.reduce((n, m) => n + jobs.bringForward(spec.kind, dep.key, m.classes, answeredAtMs, t, m.limit), 0);
    book('bring work forward', move)
      .then((n) => {
        if (n === 0 || stopped) return;
        if (via === 'call') resetCircuit();
        const line = `🌐 RECOVERY: ${dep.name} answers again; ${n} ${spec.kind} task(s) that waited after its failures are due now, oldest first`;
        // A probe's canary goes every gap while the dependency is down: not worth a line each time.
        if (via === 'call') opts.logger.info(line);
        else opts.logger.debug(`${line} (a probe answered)`);
        self.pump();
      })
      .catch((e) => opts.logger.warn(`🌐 RECOVERY: ${spec.kind} work not brought forward: ${describeError(e)}`));
  }

  /** Claims one job, unless a held lock says to look again later (logged once per episode). */
  function claimNext(): JobRow | undefined | typeof BUSY {
    const busy = [...new Set([...running.values()].map((r) => r.group).filter((g): g is string => g !== null))];
    // Never its own running jobs again, even if a renewal was missed and the lease ran out.
    return claims.run(() =>
      jobs.claim(spec.kind, opts.owner, leaseMs, now(), {
        busyGroups: busy,
        excludeIds: [...running.keys()],
        maxAttempts,
      }),
    );
  }

  /** The dependency is not available: its due jobs say why they wait (written when that changes, or new jobs came). */
  function noteUnavailable(): void {
    const cause: JobWaitReason = !online ? 'offline' : now() < unreachableUntil ? 'unreachable' : 'circuit';
    const pending = jobs.pending(spec.kind);
    if (cause !== lastCause || pending.some((j) => !announced.has(j.id))) {
      try {
        jobs.markWaiting(spec.kind, cause, depKey, now());
        lastCause = cause;
      } catch (e) {
        if (!isBusyError(e)) throw e;
      }
    }
    for (const job of pending) queued(job);
  }

  async function run(job: JobRow, slot: Slot): Promise<void> {
    const renewal = setInterval(() => {
      try {
        jobs.renewLease(job.id, opts.owner, now() + leaseMs);
      } catch {
        // Closing (the job ends with the actor), or a held lock: the next renewal is a fifth of the lease away.
      }
    }, leaseMs / 5);
    let ctx: JobContext<K> | undefined;
    try {
      ctx = { job, payload: JSON.parse(job.payload) as JobPayloads[K] };
      // A job whose worker died on every attempt (a crash, a kill) comes back with its attempts spent: it must not
      // take the worker down forever.
      if (job.attempts > maxAttempts)
        throw new PermanentError(`gave up after ${job.attempts - 1} attempts whose worker stopped`, {
          code: 'gave-up',
        });
      const admission = spec.admit?.(ctx) ?? { run: true };
      if ('skip' in admission)
        return await book('finish a skipped job', () => jobs.complete(job.id, now(), opts.owner));
      if ('wait' in admission)
        return await book('let a job wait', () =>
          wait(job, now() + admission.wait, null, { reason: 'gate', note: admission.why }),
        );
      const started = now();
      const c = ctx;
      const result = await policy.execute(
        spec.label(c),
        (signal) => {
          const stop = () => slot.abort.abort();
          signal.addEventListener('abort', stop, { once: true });
          return spec.run(c, slot.abort.signal).finally(() => signal.removeEventListener('abort', stop));
        },
        slot.abort.signal,
      );
      // Even a cancelled job's result goes to onDone: the lifecycle refuses it there and the stage cleans up after it.
      // Completing is conditional on still holding the job, so a cancel or restart meanwhile keeps what it set. Both in
      // one transaction that waits out a held lock: the work is done, and must not be done again for a lock.
      const ms = now() - started;
      await book('record a finished job', () => {
        spec.onDone?.(c, result, ms);
        jobs.complete(job.id, now(), opts.owner);
      });
      announced.delete(job.id);
      answered(now(), 'call');
    } catch (e) {
      // Cancelled or restarted by the lifecycle: whoever did that owns the job now; leave it as they set it.
      if (slot.why === 'cancel') return;
      // Stopping while the runner's own bookkeeping waited for a lock: the job stays leased and its actor's next start
      // takes it back.
      if (stopping.signal.aborted && isBusyError(e)) return;
      const c = ctx ?? { job, payload: {} as JobPayloads[K] };
      await book('record a failed attempt', () => {
        if (slot.why === 'stop' && ctx) {
          spec.onInterrupted?.(ctx);
          return wait(job, job.run_at_ms, 'interrupted by shutdown', { reason: 'shutdown' });
        }
        // A hook that met a held lock (a gate moving its video, say): not a failure of the job; it keeps its place.
        if (isBusyError(e)) return wait(job, job.run_at_ms, null, { reason: 'retry', note: 'database locked' });
        // A failed attempt, or a hook that threw (a payload that is not JSON, a database error): the job is retried
        // or dead-lettered like any failure rather than left leased.
        settle(c, e);
      });
    } finally {
      clearInterval(renewal);
    }
  }

  const self = {
    /** The kind this runner serves. */
    kind: spec.kind,
    /** Claims due jobs up to the concurrency while the dependency is available; returns how many started. */
    pump(): number {
      if (stopped) return 0;
      if (!available()) {
        noteUnavailable();
        return 0;
      }
      lastCause = null;
      let started = 0;
      while (running.size < slots() && available()) {
        const job = claimNext();
        if (!job || job === BUSY) break;
        const slot: Slot = {
          abort: new AbortController(),
          why: undefined,
          group: job.group_key,
          video: videoOfJob(job.payload),
          done: Promise.resolve(),
        };
        running.set(job.id, slot);
        slot.done = run(job, slot)
          .catch((e) => opts.logger.error(`${spec.kind} job ${job.id} crashed: ${describeError(e)}`))
          .finally(() => {
            running.delete(job.id);
            // A free slot takes the next due job at once rather than at the next poll.
            if (!stopped)
              setImmediate(() => {
                try {
                  self.pump();
                } catch {
                  /* closed meanwhile: the next poll retries */
                }
              });
          });
        started++;
      }
      return started;
    },
    /** Stops the running job of a video (the lifecycle cancelled or restarted it); its result is dropped. */
    abortVideo(uniqueId: string): void {
      for (const slot of running.values()) {
        if (slot.video !== uniqueId) continue;
        slot.why = 'cancel';
        slot.abort.abort();
      }
    },
    /** Follows ConnectivityActor. Back online, queued work becomes due at once, oldest first. */
    setOnline(isOnline: boolean): void {
      const wasOnline = online;
      online = isOnline;
      if (!isOnline) return;
      unreachableUntil = 0;
      // Back from an outage: start with a closed circuit rather than wait out one opened during it.
      if (!wasOnline) resetCircuit();
      void book('make queued work due', () => jobs.makeDue(spec.kind, now())).catch(() => undefined);
    },
    /**
     * The dependency answered elsewhere at `answeredAtMs`: a call of its API (AYO's health-check, a sync) brings
     * forward the jobs that back off after its 5xx answers or timeouts, a probe those after its timeouts.
     */
    dependencyAnswered(answeredAtMs: number, via: AnsweredVia): void {
      answered(answeredAtMs, via);
    },
    /** Jobs running now. */
    get active(): number {
      return running.size;
    },
    /** The dependency's circuit (always closed for a kind without one). */
    circuit: (): CircuitName => policy.circuit(),
    /** Follows the circuit's transitions. */
    onCircuitChange: (l: (s: CircuitName) => void) => void circuitListeners.push(l),
    /** Resolves when every running job has finished. */
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.all([...running.values()].map((r) => r.done));
    },
    /** Interrupts running jobs; they go back to the queue without spending an attempt. */
    async stop(): Promise<void> {
      stopped = true;
      stopping.abort();
      for (const r of running.values()) {
        r.why = 'stop';
        r.abort.abort();
      }
      await self.idle();
    },
  };
  return self;
}
