// Operator views of the job queue: counts, oldest waiting work, dead letters, a video's latest job, pruning.
// Retrying a job moves its video, so it belongs to the lifecycle (src/pipeline/operator.ts), not here.

import type { Db } from './connection.js';
import type { JobRow } from './jobs.repo.js';

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
