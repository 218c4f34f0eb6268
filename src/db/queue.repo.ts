// Operator views of the job queue: counts, oldest waiting work, dead letters, manual retries, pruning.

import type { Db } from './connection.js';
import type { JobRow } from './jobs.repo.js';

/** The queue at a glance, as GET /api/queue answers it. */
export interface QueueSummary {
  counts: { kind: string; status: string; count: number }[];
  oldestPendingAgeSeconds: Record<string, number>;
  deadLetters: { id: number; kind: string; uniqueId: string | null; attempts: number; lastError: string | null; updatedAt: string }[];
}

/** The stage a video returns to when a job of this kind is retried. */
const STAGE: Record<string, string> = { cut: 'pending', upload: 'uploading', notify: 'notifying' };

/** Job states an operator can retry, and why the others are refused. */
const RETRYABLE: readonly string[] = ['dead', 'pending'];
const REFUSAL: Record<string, string> = {
  running: 'it is running now and finishes by itself',
  done: 'it is done; running it again would deliver twice',
  cancelled: 'its booking was cancelled',
};

/** The repository of operator queue actions. */
export type QueueRepo = ReturnType<typeof createQueueRepo>;

/** Creates the repository with its statements prepared once. */
export function createQueueRepo(db: Db) {
  const counts = db.prepare<[], { kind: string; status: string; count: number }>('SELECT kind, status, COUNT(*) AS count FROM jobs GROUP BY kind, status ORDER BY kind, status');
  const oldest = db.prepare<[], { kind: string; created: string }>("SELECT kind, MIN(created_at) AS created FROM jobs WHERE status IN ('pending', 'running') GROUP BY kind");
  const dead = db.prepare<[], JobRow>("SELECT * FROM jobs WHERE status = 'dead' ORDER BY updated_at DESC LIMIT 100");
  const byId = db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?');
  const latestForVideo = db.prepare<[string, string, string], JobRow>(
    "SELECT * FROM jobs WHERE dedupe_key IN ('cut:' || ?, 'upload:' || ?, 'notify:' || ?) ORDER BY id DESC LIMIT 1",
  );
  // Only a dead job or one waiting out a backoff: a running job has an owner, a done one was delivered (again would
  // break exactly-once), a cancelled one belongs to a cancelled booking.
  const requeue = db.prepare(`UPDATE jobs SET status = 'pending', attempts = 0, run_at_ms = ?, lease_until_ms = NULL, updated_at = ?
    WHERE id = ? AND status IN ('dead', 'pending')`);
  const videoStage = db.prepare("UPDATE videos SET status = ?, reason = ?, updated_at = ? WHERE unique_id = ? AND status NOT IN ('cancelled', 'ready')");
  const videoStatus = db.prepare<[string], { status: string }>('SELECT status FROM videos WHERE unique_id = ?');
  const videoEvent = db.prepare('INSERT INTO video_events (video_id, at, status, reason) SELECT id, ?, ?, ? FROM videos WHERE unique_id = ?');
  const prune = db.prepare("DELETE FROM jobs WHERE status IN ('done', 'cancelled') AND updated_at < ?");

  const uid = (j: JobRow) => {
    try {
      return (JSON.parse(j.payload) as { uniqueId?: string }).uniqueId ?? null;
    } catch {
      return null;
    }
  };

  return {
    summary(nowMs: number): QueueSummary {
      return {
        counts: counts.all(),
        oldestPendingAgeSeconds: Object.fromEntries(oldest.all().map((r) => [r.kind, Math.max(0, Math.round((nowMs - Date.parse(r.created)) / 1000))])),
        deadLetters: dead.all().map((j) => ({ id: j.id, kind: j.kind, uniqueId: uid(j), attempts: j.attempts, lastError: j.last_error, updatedAt: j.updated_at })),
      };
    },
    /**
     * Puts a dead job, or one waiting out a backoff, back in the queue due now with fresh attempts, and its video back
     * to that stage. Any other job is left alone: `refused` says why.
     */
    retry(id: number, nowMs: number): { job: JobRow } | { refused: string } | undefined {
      const job = byId.get(id);
      if (!job) return undefined;
      if (!RETRYABLE.includes(job.status)) return { refused: REFUSAL[job.status] ?? `Job ${id} is ${job.status}` };
      const u = uid(job);
      const video = u ? videoStatus.get(u)?.status : undefined;
      if (video === 'cancelled') return { refused: 'its video was cancelled with its booking' };
      if (video === 'ready') return { refused: 'its video is delivered already' };
      const now = new Date(nowMs).toISOString();
      db.transaction(() => {
        if (requeue.run(nowMs, now, id).changes === 0) return;
        if (u && STAGE[job.kind]) {
          videoStage.run(STAGE[job.kind], 'retried by an operator', now, u);
          videoEvent.run(now, STAGE[job.kind], 'retried by an operator', u);
        }
      })();
      const after = byId.get(id)!;
      return after.status === 'pending' ? { job: after } : { refused: REFUSAL[after.status] ?? `Job ${id} is ${after.status}` };
    },
    /** The newest job of a video (cut, upload or notify). */
    latestJobOf(uniqueId: string): JobRow | undefined {
      return latestForVideo.get(uniqueId, uniqueId, uniqueId);
    },
    /** Deletes finished jobs older than `beforeMs`. */
    pruneFinished(beforeMs: number): number {
      return prune.run(new Date(beforeMs).toISOString()).changes;
    },
  };
}
