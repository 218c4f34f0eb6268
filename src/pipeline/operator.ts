// An operator's retry of a job: only a dead job or one waiting out a backoff, and never one whose video is settled.
// The video goes back to that job's stage through the lifecycle table (`operator:retry-<kind>`).

import { createJobsRepo, createPurchasesRepo, createVideosRepo, type Db, type JobRow } from '../db/index.js';
import type { VideoLifecycle } from './apply.js';
import { isJobKind, videoOfJob } from './job-kinds.js';
import { operatorRetryEvent } from './video-lifecycle.js';

/** The outcome: the job as it is now, or why it was refused; undefined when there is no such job. */
export type OperatorRetry = { job: JobRow } | { refused: string } | undefined;

/** Job states an operator can retry; the others are refused with the reason. */
const RETRYABLE: readonly string[] = ['dead', 'pending'];
const REFUSAL: Record<string, string> = {
  running: 'it is running now and finishes by itself',
  done: 'it is done; running it again would deliver twice',
  cancelled: 'its booking was cancelled',
};
/** A purchase's jobs: the state the purchase goes back to when an operator retries one that failed it. */
const PURCHASE_STAGE = { purchase: 'queued', 'save-video': 'saving' } as const;

const refusalOf = (job: JobRow) => REFUSAL[job.status] ?? `Job ${job.id} is ${job.status}`;

/**
 * Puts a dead job, or one waiting out a backoff, back in the queue due now with fresh attempts, and its video back
 * to that job's stage. A running job has an owner, a done one was delivered (again would break exactly-once), a
 * cancelled one belongs to a cancelled booking.
 */
export function retryJobByOperator(db: Db, lifecycle: VideoLifecycle, id: number, nowMs: number): OperatorRetry {
  const jobs = createJobsRepo(db);
  const videos = createVideosRepo(db);
  const purchases = createPurchasesRepo(db);
  // IMMEDIATE: the job's state is read under the write lock, so a runner cannot claim it between check and change.
  return db
    .transaction((): OperatorRetry => {
      const job = jobs.get(id);
      if (!job) return undefined;
      if (!RETRYABLE.includes(job.status)) return { refused: refusalOf(job) };
      const uid = videoOfJob(job.payload);
      // A purchase's job: its video is delivered; the purchase (failed for good, or still in that stage) takes it back.
      if (job.kind === 'purchase' || job.kind === 'save-video') {
        const request = (JSON.parse(job.payload) as { videoRequestId?: unknown }).videoRequestId;
        const purchase = typeof request === 'string' ? purchases.get(request) : undefined;
        const stage = PURCHASE_STAGE[job.kind];
        if (!purchase) return { refused: 'its purchase is gone' };
        if (purchase.state === 'failed')
          purchases.move(purchase.video_request_id, ['failed'], stage, 'retried by an operator', nowMs);
        else if (job.status === 'dead') return { refused: `its purchase is ${purchase.state}` };
        jobs.revive(id, nowMs);
        return { job: jobs.get(id)! };
      }
      const video = uid ? videos.get(uid) : undefined;
      if (video?.status === 'cancelled') return { refused: 'its video was cancelled with its booking' };
      if (video?.status === 'ready') return { refused: 'its video is delivered already' };
      const event = isJobKind(job.kind) ? operatorRetryEvent(job.kind) : undefined;
      if (video && event) {
        const r = lifecycle.apply(video, event);
        if (!r.moved) return { refused: `its video is ${r.video?.status ?? 'gone'}` };
      } else {
        jobs.revive(id, nowMs);
      }
      const after = jobs.get(id)!;
      return after.status === 'pending' ? { job: after } : { refused: refusalOf(after) };
    })
    .immediate();
}
