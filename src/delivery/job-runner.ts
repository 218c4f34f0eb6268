// Runs one kind of delivery job (upload, notify) from the durable queue: oldest first, a few at once, quick retries
// with the seed's delays, then the queue's long delays, then a dead letter. While the dependency is offline or its
// circuit is open, nothing is claimed; a failure to reach it at all gives the attempt back.

import { createJobsRepo, type Db, type JobRow } from '../db/index.js';
import { describeError, isRetryable, isUnreachable } from '../errors.js';
import type { Logger } from '../log.js';
import { createResilience, isCircuitOpenError, type Resilience } from '../util/resilience.js';

/** What a runner needs. */
export interface JobRunnerDeps {
  db: Db;
  kind: 'upload' | 'notify';
  /** Dependency name for logs: `object store`, `AYO`. */
  dependency: string;
  owner: string;
  concurrency: number;
  quickDelaysMs: readonly number[];
  jobDelaysMs: readonly number[];
  /** Consecutive failures that open the dependency's circuit, and for how long. */
  breaker: { threshold: number; halfOpenAfterMs: number };
  logger: Logger;
  /** Does the job; throws to fail it. The label names it in 🔄 RETRY lines. */
  handle(job: JobRow, signal: AbortSignal): Promise<unknown>;
  label(job: JobRow): string;
  /** A permanent failure or a dead letter: show it on the video. */
  onFailed(job: JobRow, reason: string, final: boolean): void;
  /** A job that waits for the dependency (logged once per job). */
  onQueued?(job: JobRow): void;
  now?: () => number;
  /** The lease of a running job, renewed while it runs (default {@link LEASE_MS}). */
  leaseMs?: number;
}

/** How long an unreachable dependency is left alone before one job tries it again. */
const RECHECK_MS = 10_000;
/**
 * A running job's lease, renewed every fifth of it while the job runs: a large upload over a slow link can take
 * longer than any fixed lease, and an expired lease would let a second run of the same job start beside it.
 * A worker that died stops renewing, and its jobs are free again within this time.
 */
const LEASE_MS = 10 * 60_000;

/** Creates the runner; `pump()` claims due jobs, `setOnline()` follows ConnectivityActor. */
export function createJobRunner(deps: JobRunnerDeps) {
  const jobs = createJobsRepo(deps.db);
  const now = deps.now ?? Date.now;
  const leaseMs = deps.leaseMs ?? LEASE_MS;
  const circuitListeners: ((s: ReturnType<Resilience['circuit']>) => void)[] = [];
  // The circuit counts the dependency's own failures (5xx, bad answers); an unreachable link is ConnectivityActor's.
  const makePolicy = () => {
    const p = createResilience(
      { name: deps.dependency, maxAttempts: deps.quickDelaysMs.length + 1, delaysMs: deps.quickDelaysMs, breaker: deps.breaker, breakOn: (e) => !isUnreachable(e) },
      deps.logger,
    );
    p.onCircuitChange((s) => {
      if (s === 'open') openedAt = now();
      circuitListeners.forEach((l) => l(s));
    });
    return p;
  };
  let openedAt = 0;
  let policy: Resilience = makePolicy();
  const running = new Map<number, { abort: AbortController; stopping: boolean; done: Promise<void> }>();
  const announced = new Set<number>();
  let online = true;
  let unreachableUntil = 0;

  // An open circuit moves to half-open only inside a call (cockatiel), so once its time is up one job is let through
  // to be that call; until the circuit has closed again, one job at a time.
  const circuitAllows = () => policy.circuit() !== 'open' || now() - openedAt >= deps.breaker.halfOpenAfterMs;
  const available = () => online && now() >= unreachableUntil && circuitAllows();
  const slots = () => (policy.circuit() === 'closed' ? deps.concurrency : 1);

  const announce = () => {
    for (const job of jobs.pending(deps.kind)) {
      if (announced.has(job.id)) continue;
      announced.add(job.id);
      deps.onQueued?.(job);
    }
  };

  async function run(job: JobRow, slot: { abort: AbortController; stopping: boolean }): Promise<void> {
    const renewal = setInterval(() => {
      try { jobs.renewLease(job.id, deps.owner, now() + leaseMs); } catch { /* closing: the job ends with the actor */ }
    }, leaseMs / 5);
    try {
      await policy.execute(deps.label(job), (signal) => {
        const stop = () => slot.abort.abort();
        signal.addEventListener('abort', stop, { once: true });
        return deps.handle(job, slot.abort.signal).finally(() => signal.removeEventListener('abort', stop));
      }, slot.abort.signal);
      jobs.complete(job.id, now());
      announced.delete(job.id);
    } catch (e) {
      const reason = describeError(e);
      // Waiting keeps the job's place in the queue (its run_at): oldest first once the link is back.
      if (slot.stopping) return jobs.retryAt(job.id, job.run_at_ms, 'interrupted by shutdown', now(), true);
      // Refused by the open circuit before any call (execute throws the real failure once a call was made), or the
      // link or the service is down: the job waits with its place and its attempt. The circuit says when it goes
      // again; an unreachable dependency is tried again by one job after RECHECK_MS.
      if (isCircuitOpenError(e) || isUnreachable(e)) {
        if (!isCircuitOpenError(e)) unreachableUntil = now() + RECHECK_MS;
        jobs.retryAt(job.id, job.run_at_ms, reason, now(), true);
        if (!announced.has(job.id)) { announced.add(job.id); deps.onQueued?.(job); }
        return;
      }
      if (!isRetryable(e)) {
        deps.onFailed(job, reason, true);
        return jobs.deadLetter(job.id, reason, now());
      }
      const delay = deps.jobDelaysMs[job.attempts - 1];
      if (job.attempts < job.max_attempts && delay !== undefined) {
        jobs.retryAt(job.id, now() + delay, reason, now());
        deps.onFailed(job, reason, false);
      } else {
        jobs.deadLetter(job.id, reason, now());
        deps.onFailed(job, reason, true);
      }
    } finally {
      clearInterval(renewal);
    }
  }

  const self = {
    /** Claims due jobs up to the concurrency while the dependency is available; returns how many started. */
    pump(): number {
      if (!available()) {
        announce();
        return 0;
      }
      let started = 0;
      while (running.size < slots() && available()) {
        // Never its own running jobs again, even if a renewal was missed and the lease ran out.
        const job = jobs.claim(deps.kind, deps.owner, leaseMs, now(), [], [...running.keys()]);
        if (!job) break;
        const slot = { abort: new AbortController(), stopping: false, done: Promise.resolve() };
        running.set(job.id, slot);
        slot.done = run(job, slot)
          .catch((e) => deps.logger.error(`${deps.kind} job ${job.id} crashed: ${describeError(e)}`))
          .finally(() => {
            running.delete(job.id);
            // A free slot takes the next due job at once rather than at the next poll.
            if (!slot.stopping) setImmediate(() => { try { self.pump(); } catch { /* closed meanwhile: the next poll retries */ } });
          });
        started++;
      }
      return started;
    },
    /** Follows ConnectivityActor. Back online, queued work becomes due at once, oldest first. */
    setOnline(isOnline: boolean): void {
      const wasOnline = online;
      online = isOnline;
      if (!isOnline) return;
      unreachableUntil = 0;
      // Back from an outage: start with a closed circuit rather than wait out one opened during it.
      if (!wasOnline && policy.circuit() !== 'closed') {
        policy = makePolicy();
        circuitListeners.forEach((l) => l('closed'));
      }
      jobs.makeDue(deps.kind, now());
    },
    get active(): number {
      return running.size;
    },
    circuit: () => policy.circuit(),
    onCircuitChange: (l: (s: ReturnType<Resilience['circuit']>) => void) => void circuitListeners.push(l),
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.all([...running.values()].map((r) => r.done));
    },
    /** Interrupts running jobs; they go back to the queue without spending an attempt. */
    async stop(): Promise<void> {
      for (const r of running.values()) { r.stopping = true; r.abort.abort(); }
      await this.idle();
    },
  };
  return self;
}

/** The runner's interface. */
export type JobRunner = ReturnType<typeof createJobRunner>;
