// Operator views of the job queue: counts, oldest waiting work, the waiting jobs and what each waits for, dead letters,
// a video's latest job, pruning.
// Retrying a job moves its video, so it belongs to the lifecycle (src/pipeline/operator.ts), not here.

import type { Db } from './connection.js';
import type { FailureClass, JobRow } from './jobs.repo.js';

/**
 * What a waiting job waits for. due-time: the time it may run (a backoff after a failure, or its first run).
 * dependency-offline: its dependency is offline or could not be reached. circuit-open: its dependency's circuit is
 * open. gate: its kind's gate let it wait (`detail` says why: the cut's footage not recorded yet). turn: it is due
 * and runs when a slot is free.
 */
export type WaitingFor = 'due-time' | 'dependency-offline' | 'circuit-open' | 'gate' | 'turn';

/** One waiting job, as GET /api/queue lists it. */
export interface WaitingJob {
  id: number;
  kind: string;
  uniqueId: string | null;
  waitingFor: WaitingFor;
  /** The dependency it waits for (`ayo`, `object-store`), if any. */
  dependency: string | null;
  /** How its last attempt failed, if it did. */
  failureClass: FailureClass | null;
  /** The gate's word, or what else explains the wait. */
  detail: string | null;
  dueAt: string;
  /** Since when it has waited for this. */
  since: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  /** A recovery of its dependency made it due before its backoff ended. */
  broughtForward: boolean;
}

/** A page of waiting jobs in queue order; `next` is where the next page starts (null: none). */
export interface WaitingPage {
  jobs: WaitingJob[];
  next: { runAtMs: number; id: number } | null;
}

/** What a job waits for, from why it was put back and whether it is due. */
function waitingFor(j: JobRow, nowMs: number): WaitingFor {
  switch (j.wait_reason) {
    case 'offline':
    case 'unreachable':
      return 'dependency-offline';
    case 'circuit':
      return 'circuit-open';
    case 'gate':
      return 'gate';
    default:
      return j.run_at_ms > nowMs ? 'due-time' : 'turn';
  }
}

/** The queue at a glance, as GET /api/queue answers it. */
export interface QueueSummary {
  counts: { kind: string; status: string; count: number }[];
  oldestPendingAgeSeconds: Record<string, number>;
  deadLetters: {
    id: number;
    kind: string;
    uniqueId: string | null;
    attempts: number;
    lastError: string | null;
    updatedAt: string;
  }[];
}

/** The repository of operator queue views. */
export type QueueRepo = ReturnType<typeof createQueueRepo>;

/** Creates the repository with its statements prepared once. */
export function createQueueRepo(db: Db) {
  const counts = db.prepare<[], { kind: string; status: string; count: number }>(
    'SELECT kind, status, COUNT(*) AS count FROM jobs GROUP BY kind, status ORDER BY kind, status',
  );
  const oldest = db.prepare<[], { kind: string; created: string }>(
    "SELECT kind, MIN(created_at) AS created FROM jobs WHERE status IN ('pending', 'running') GROUP BY kind",
  );
  const dead = db.prepare<[], JobRow>("SELECT * FROM jobs WHERE status = 'dead' ORDER BY updated_at DESC LIMIT 100");
  const latestOf = db.prepare<[string], JobRow>(
    'SELECT * FROM jobs WHERE dedupe_key IN (SELECT value FROM json_each(?)) ORDER BY id DESC LIMIT 1',
  );
  const prune = db.prepare("DELETE FROM jobs WHERE status IN ('done', 'cancelled') AND updated_at < ?");
  // Keyset paging in queue order: stable while jobs come and go, unlike an offset.
  const waiting = db.prepare<[{ afterRunAt: number; afterId: number; limit: number }], JobRow>(`SELECT * FROM jobs
    WHERE status = 'pending' AND (run_at_ms > @afterRunAt OR (run_at_ms = @afterRunAt AND id > @afterId))
    ORDER BY run_at_ms, id LIMIT @limit`);

  return {
    /** Counts per kind and status, the age of the oldest waiting job per kind, and the newest dead letters. */
    summary(nowMs: number, videoOf: (payload: string) => string | null): QueueSummary {
      return {
        counts: counts.all(),
        oldestPendingAgeSeconds: Object.fromEntries(
          oldest.all().map((r) => [r.kind, Math.max(0, Math.round((nowMs - Date.parse(r.created)) / 1000))]),
        ),
        deadLetters: dead.all().map((j) => ({
          id: j.id,
          kind: j.kind,
          uniqueId: videoOf(j.payload),
          attempts: j.attempts,
          lastError: j.last_error,
          updatedAt: j.updated_at,
        })),
      };
    },
    /** Waiting jobs in queue order after `after` (from the start without), at most `limit`, with what each waits for. */
    waiting(
      nowMs: number,
      videoOf: (payload: string) => string | null,
      opts: { limit: number; after?: { runAtMs: number; id: number } },
    ): WaitingPage {
      const rows = waiting.all({
        afterRunAt: opts.after?.runAtMs ?? Number.MIN_SAFE_INTEGER,
        afterId: opts.after?.id ?? 0,
        limit: opts.limit + 1,
      });
      const page = rows.slice(0, opts.limit);
      const last = page.at(-1);
      return {
        jobs: page.map((j) => ({
          id: j.id,
          kind: j.kind,
          uniqueId: videoOf(j.payload),
          waitingFor: waitingFor(j, nowMs),
          dependency: j.wait_dependency,
          failureClass: j.failure_class,
          detail: j.wait_note,
          dueAt: new Date(j.run_at_ms).toISOString(),
          since: j.waiting_since_ms !== null ? new Date(j.waiting_since_ms).toISOString() : j.created_at,
          attempts: j.attempts,
          maxAttempts: j.max_attempts,
          lastError: j.last_error,
          broughtForward: j.forwarded_from_ms !== null && j.run_at_ms < j.forwarded_from_ms,
        })),
        next: rows.length > opts.limit && last ? { runAtMs: last.run_at_ms, id: last.id } : null,
      };
    },
    /** The newest of the jobs with these dedupe keys (a video's cut, upload and notify). */
    latestOf(dedupeKeys: readonly string[]): JobRow | undefined {
      return latestOf.get(JSON.stringify(dedupeKeys));
    },
    /** Deletes finished jobs older than `beforeMs`. */
    pruneFinished(beforeMs: number): number {
      return prune.run(new Date(beforeMs).toISOString()).changes;
    },
  };
}
