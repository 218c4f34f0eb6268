// The durable job queue: enqueue with a dedupe key, claim by lease in one atomic statement, complete, retry later,
// dead-letter. A crashed worker's lease expires and its job runs again; the dedupe key makes a second run harmless.

import type { Db } from './connection.js';

/** pending: waiting for run_at. running: leased. done. dead: out of attempts (visible, retryable by an operator). cancelled. */
export type JobStatus = 'pending' | 'running' | 'done' | 'dead' | 'cancelled';

/** A job as stored; `payload` is JSON. */
export interface JobRow {
  id: number;
  kind: string;
  payload: string;
  group_key: string | null;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at_ms: number;
  lease_until_ms: number | null;
  lease_owner: string | null;
  dedupe_key: string;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  /** Why a pending job waits (see {@link JobWaitReason}); null for one that never ran. */
  wait_reason: JobWaitReason | null;
  /** The dependency (`ayo`, `object-store`) whose failure or absence it waits out. */
  wait_dependency: string | null;
  /** How its last attempt failed (see {@link FailureClass}). */
  failure_class: FailureClass | null;
  /** Since when it has waited for this reason. */
  waiting_since_ms: number | null;
  /** Set while a recovery brought the job forward: the due time it had before (it goes back there if the try fails). */
  forwarded_from_ms: number | null;
  /** What its kind's gate said when it let the job wait (`footage not recorded yet`). */
  wait_note: string | null;
}

/**
 * Why a pending job waits. retry: its due time after a failed attempt. unreachable: its dependency could not be
 * reached (the link is back soon, or a probe says so). offline: ConnectivityActor reports its dependency offline.
 * circuit: its dependency's circuit is open. gate: its kind's gate said wait (the cut: footage not recorded yet).
 * shutdown: a shutdown interrupted it; it runs again at the next start.
 */
export type JobWaitReason = 'retry' | 'unreachable' | 'offline' | 'circuit' | 'gate' | 'shutdown';

/**
 * How an attempt failed. server-error: the dependency answered with a failure worth another attempt (5xx, 429, a
 * bad answer). timeout: it did not answer in time. unreachable: it could not be reached. rejected: a permanent
 * refusal (4xx). other: any other failure (a local one).
 */
export type FailureClass = 'server-error' | 'timeout' | 'unreachable' | 'rejected' | 'other';

/** What a job waits for, as stored with a state change. */
export interface JobWait {
  reason: JobWaitReason;
  dependency?: string | null;
  failureClass?: FailureClass | null;
  /** Kept when the job already waited for the same reason and dependency. */
  sinceMs: number;
  /** Where a failed try of a brought-forward job goes back to (kept while it still waits to be tried). */
  forwardedFromMs?: number | null;
  /** The gate's word on why (`footage not recorded yet`). */
  note?: string | null;
}

/** The wait columns of a state change; none for a job that no longer waits. */
function waitParams(wait: JobWait | undefined) {
  return {
    wait_reason: wait?.reason ?? null,
    wait_dependency: wait?.dependency ?? null,
    failure_class: wait?.failureClass ?? null,
    since: wait?.sinceMs ?? null,
    forwarded: wait?.forwardedFromMs ?? null,
    note: wait?.note ?? null,
  };
}

/** Creates the repository with its statements prepared once. */
export function createJobsRepo(db: Db) {
  const insert =
    db.prepare(`INSERT INTO jobs (kind, payload, group_key, status, max_attempts, run_at_ms, dedupe_key, created_at, updated_at)
    VALUES (@kind, @payload, @group_key, 'pending', @max_attempts, @run_at_ms, @dedupe_key, @now, @now)
    ON CONFLICT (dedupe_key) DO NOTHING`);
  const byKey = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE dedupe_key = ?');
  const byId = db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?');
  // One statement: the sub-select and the update run under SQLite's write lock, so two claimers never get one job.
  // `status IN (...)` lets the (kind, status, run_at_ms) index skip the finished jobs kept for 7 days.
  const claim = db.prepare<[Record<string, string | number>], JobRow>(`UPDATE jobs
    SET status = 'running', attempts = attempts + 1, max_attempts = CASE WHEN @max >= 0 THEN @max ELSE max_attempts END, lease_until_ms = @lease, lease_owner = @owner, updated_at = @now
    WHERE id = (SELECT id FROM jobs WHERE kind = @kind AND status IN ('pending', 'running')
        AND ((status = 'pending' AND run_at_ms <= @nowMs) OR (status = 'running' AND lease_until_ms < @nowMs))
        AND (group_key IS NULL OR group_key NOT IN (SELECT value FROM json_each(@busy)))
        AND id NOT IN (SELECT value FROM json_each(@exclude))
      ORDER BY run_at_ms, id LIMIT 1)
    RETURNING *`);
  // With an owner, only a job that owner still holds: one cancelled or restarted meanwhile keeps what was set.
  const setState =
    db.prepare(`UPDATE jobs SET status = @status, run_at_ms = @run_at_ms, lease_until_ms = NULL, lease_owner = NULL,
    last_error = @last_error, attempts = attempts - @refund, updated_at = @now,
    waiting_since_ms = CASE WHEN @wait_reason IS NULL THEN NULL
      WHEN wait_reason IS @wait_reason AND wait_dependency IS @wait_dependency THEN COALESCE(waiting_since_ms, @since)
      ELSE @since END,
    wait_reason = @wait_reason, wait_dependency = @wait_dependency, failure_class = @failure_class,
    forwarded_from_ms = @forwarded, wait_note = @note
    WHERE id = @id AND (@owner IS NULL OR (status = 'running' AND lease_owner = @owner))`);
  // A recovery: the jobs that back off after this dependency's answered failures (not refusals) are due now, oldest
  // first; each remembers its due time, to go back there if its try fails too.
  const forward = db.prepare(`UPDATE jobs SET forwarded_from_ms = run_at_ms, run_at_ms = @nowMs
    WHERE id IN (SELECT id FROM jobs WHERE kind = @kind AND status = 'pending' AND wait_reason = 'retry'
      AND wait_dependency = @dependency AND failure_class IN (SELECT value FROM json_each(@classes))
      AND run_at_ms > @nowMs AND waiting_since_ms <= @answeredAt ORDER BY run_at_ms, id LIMIT @limit)`);
  const markWaiting = db.prepare(`UPDATE jobs SET wait_reason = @reason, wait_dependency = @dependency,
    waiting_since_ms = @nowMs, wait_note = NULL WHERE kind = @kind AND status = 'pending' AND run_at_ms <= @nowMs
      AND (wait_reason IS NOT @reason OR wait_dependency IS NOT @dependency)`);
  const pendingOf = db.prepare<[string], JobRow>(
    "SELECT * FROM jobs WHERE kind = ? AND status = 'pending' ORDER BY run_at_ms, id",
  );
  const dueNow = db.prepare("UPDATE jobs SET run_at_ms = ? WHERE kind = ? AND status = 'pending' AND run_at_ms > ?");
  const release = db.prepare(
    "UPDATE jobs SET status = 'pending', lease_until_ms = NULL WHERE kind = ? AND status = 'running'",
  );
  const noWait =
    'wait_reason = NULL, wait_dependency = NULL, failure_class = NULL, waiting_since_ms = NULL, forwarded_from_ms = NULL, wait_note = NULL';
  const fresh =
    db.prepare(`UPDATE jobs SET status = 'pending', attempts = 0, run_at_ms = ?, lease_until_ms = NULL, lease_owner = NULL,
    last_error = NULL, updated_at = ?, ${noWait} WHERE id = ?`);
  const reviveDead =
    db.prepare(`UPDATE jobs SET status = 'pending', attempts = 0, run_at_ms = ?, lease_until_ms = NULL, lease_owner = NULL,
    updated_at = ?, ${noWait} WHERE id = ? AND status IN ('dead', 'pending')`);
  const renew = db.prepare(
    "UPDATE jobs SET lease_until_ms = ? WHERE id = ? AND status = 'running' AND lease_owner = ?",
  );
  const cancelKeys = db.prepare(`UPDATE jobs SET status = 'cancelled', lease_until_ms = NULL, updated_at = ?
    WHERE dedupe_key = ? AND status IN ('pending', 'running', 'dead')`);

  return {
    /** Adds a job unless one with the same dedupe key exists; returns the job either way. */
    enqueue(
      job: {
        kind: string;
        payload: unknown;
        dedupeKey: string;
        groupKey?: string;
        maxAttempts: number;
        runAtMs: number;
      },
      now: string,
    ): JobRow {
      insert.run({
        kind: job.kind,
        payload: JSON.stringify(job.payload),
        group_key: job.groupKey ?? null,
        max_attempts: job.maxAttempts,
        run_at_ms: job.runAtMs,
        dedupe_key: job.dedupeKey,
        now,
      });
      return byKey.get(job.dedupeKey)!;
    },
    /**
     * Leases the oldest due job of `kind` whose group is not busy; undefined when none is due. The claimer's
     * `maxAttempts` is stored on the job: the runner's delays decide, whoever enqueued it.
     */
    claim(
      kind: string,
      owner: string,
      leaseMs: number,
      nowMs: number,
      opts: { busyGroups?: readonly string[]; excludeIds?: readonly number[]; maxAttempts?: number } = {},
    ): JobRow | undefined {
      return claim.get({
        kind,
        owner,
        lease: nowMs + leaseMs,
        nowMs,
        now: new Date(nowMs).toISOString(),
        busy: JSON.stringify(opts.busyGroups ?? []),
        exclude: JSON.stringify(opts.excludeIds ?? []),
        max: opts.maxAttempts ?? -1,
      });
    },
    /** Marks a job done (with `owner`: only if that owner still holds it). */
    complete(id: number, nowMs: number, owner: string | null = null): void {
      setState.run({
        id,
        status: 'done',
        run_at_ms: nowMs,
        last_error: null,
        refund: 0,
        now: new Date(nowMs).toISOString(),
        owner,
        ...waitParams(undefined),
      });
    },
    /**
     * Puts a job back for later; `refund` undoes the attempt (waiting for footage or a dependency is not a failure).
     * With `owner`: only if that owner still holds it. `wait` records why it waits (default: its due time).
     */
    retryAt(
      id: number,
      runAtMs: number,
      error: string | null,
      nowMs: number,
      refund = false,
      owner: string | null = null,
      wait: JobWait = { reason: 'retry', sinceMs: nowMs },
    ): void {
      setState.run({
        id,
        status: 'pending',
        run_at_ms: runAtMs,
        last_error: error,
        refund: refund ? 1 : 0,
        now: new Date(nowMs).toISOString(),
        owner,
        ...waitParams(wait),
      });
    },
    /** Starts a job over for new work under the same dedupe key (a video redone for a new window): due at `runAtMs`, no attempts spent. */
    restart(id: number, runAtMs: number, nowMs: number): void {
      fresh.run(runAtMs, new Date(nowMs).toISOString(), id);
    },
    /** A dead job, or one waiting out a backoff, due at `nowMs` with all its attempts again; false for any other. */
    revive(id: number, nowMs: number): boolean {
      return reviveDead.run(nowMs, new Date(nowMs).toISOString(), id).changes > 0;
    },
    /** Out of attempts: stays visible with its last error until an operator retries it. */
    deadLetter(id: number, error: string, nowMs: number, owner: string | null = null): void {
      setState.run({
        id,
        status: 'dead',
        run_at_ms: nowMs,
        last_error: error,
        refund: 0,
        now: new Date(nowMs).toISOString(),
        owner,
        ...waitParams(undefined),
      });
    },
    /** Cancels the job with this dedupe key if it has not finished. */
    cancelByKey(dedupeKey: string, now: string): boolean {
      return cancelKeys.run(now, dedupeKey).changes > 0;
    },
    /** Extends the lease of a job its owner is still running; false when the job is no longer that owner's. */
    renewLease(id: number, owner: string, untilMs: number): boolean {
      return renew.run(untilMs, id, owner).changes > 0;
    },
    /** Waiting jobs of a kind, in queue order. */
    pending(kind: string): JobRow[] {
      return pendingOf.all(kind);
    },
    /**
     * A recovery of `dependency` (it answered at `answeredAtMs`): the kind's jobs backing off after its failures of
     * these classes (5xx answers, timeouts) before then are due at `nowMs`, keeping their queue order, the oldest
     * `limit` of them if given; returns how many moved.
     */
    bringForward(
      kind: string,
      dependency: string,
      classes: readonly FailureClass[],
      answeredAtMs: number,
      nowMs: number,
      limit = -1,
    ): number {
      const classList = JSON.stringify(classes);
      return forward.run({ kind, dependency, classes: classList, answeredAt: answeredAtMs, nowMs, limit }).changes;
    },
    /** Records that the kind's due jobs wait for `reason` (an offline dependency, an open circuit); returns how many changed. */
    markWaiting(kind: string, reason: JobWaitReason, dependency: string | null, nowMs: number): number {
      return markWaiting.run({ kind, reason, dependency, nowMs }).changes;
    },
    /** Makes every waiting job of a kind due at `nowMs` (the link is back); returns how many moved. */
    makeDue(kind: string, nowMs: number): number {
      return dueNow.run(nowMs, kind, nowMs).changes;
    },
    /**
     * Puts a kind's leased jobs back in the queue at once. Only for the kind's single owner at its start: the jobs
     * its dead incarnation held need not wait for their leases to expire.
     */
    releaseRunning(kind: string): number {
      return release.run(kind).changes;
    },
    get(id: number): JobRow | undefined {
      return byId.get(id);
    },
    /** The job with this dedupe key, if any. */
    byKey(dedupeKey: string): JobRow | undefined {
      return byKey.get(dedupeKey);
    },
  };
}
