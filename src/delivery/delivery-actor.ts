// What UploadActor and NotifyActor share: a job runner wired to the actor's events, wake-ups and connectivity.

import { createJobsRepo, createVideosRepo, type Db, type JobRow } from '../db/index.js';
import type { DeliveryEvent, DeliveryReply, DeliveryRequest } from '../actors/delivery.messages.js';
import type { ConnectivityEvent } from '../actors/connectivity.messages.js';
import type { Actor, ActorContext } from '../supervisor/index.js';
import { createJobRunner, type JobRunnerDeps } from './job-runner.js';
import type { DeliveryJobPayload } from './upload.js';

/** What differs between the two delivery actors. */
export interface DeliveryActorSpec {
  db: Db;
  kind: 'upload' | 'notify';
  /** ConnectivityActor's target this work depends on. */
  target: 'object-store' | 'ayo';
  dependency: string;
  concurrency: number;
  quickDelaysMs: readonly number[];
  jobDelaysMs: readonly number[];
  pollMs: number;
  breaker: { threshold: number; halfOpenAfterMs: number };
  /** Does the job; an upload answers the bytes it sent. */
  handle(job: JobRow, signal: AbortSignal): Promise<number | void>;
  /** The stage a video waits in while its job is queued (`uploading`, `notifying`). */
  stage: 'uploading' | 'notifying';
  queuedLines(uniqueId: string): string[];
}

/** Builds the actor. */
export function deliveryActor<Data>(ctx: ActorContext<DeliveryEvent, Data>, spec: DeliveryActorSpec): Actor<DeliveryRequest, DeliveryReply> {
  const videos = createVideosRepo(spec.db);
  const uid = (job: JobRow) => (JSON.parse(job.payload) as DeliveryJobPayload).uniqueId;
  const runnerDeps: JobRunnerDeps = {
    db: spec.db, kind: spec.kind, dependency: spec.dependency, owner: `${spec.kind}:${process.pid}`, concurrency: spec.concurrency,
    quickDelaysMs: spec.quickDelaysMs, jobDelaysMs: spec.jobDelaysMs, breaker: spec.breaker,
    logger: ctx.logger,
    label: (job) => `${spec.kind === 'upload' ? 'File Upload' : 'API Notification'} for ${uid(job)}`,
    handle: async (job, signal) => {
      const started = Date.now();
      const bytes = await spec.handle(job, signal);
      ctx.emit({ type: 'delivery:done', kind: spec.kind, uniqueId: uid(job), ms: Date.now() - started, bytes: bytes ?? undefined });
    },
    onFailed: (job, reason, final) => {
      const v = videos.get(uid(job));
      if (v && (v.status === spec.stage || v.status === 'failed')) {
        videos.setStatus(v.id, final ? 'failed' : spec.stage, final ? `${spec.kind === 'upload' ? 'Upload' : 'AYO notification'} failed: ${reason}` : `retrying later: ${reason}`, new Date().toISOString());
      }
      ctx.logger.error(`❌ ERROR: ${spec.kind} of ${uid(job)} failed${final ? ' for good (dead letter)' : ', queued again'}: ${reason}`);
      ctx.emit({ type: 'delivery:failed', kind: spec.kind, uniqueId: uid(job), reason, final });
    },
    onQueued: (job) => { for (const line of spec.queuedLines(uid(job))) ctx.logger.info(line); },
  };
  const runner = createJobRunner(runnerDeps);
  runner.onCircuitChange((state) => ctx.emit({ type: 'circuit:change', dependency: spec.target, state }));
  ctx.emit({ type: 'circuit:change', dependency: spec.target, state: runner.circuit() });
  // Jobs a dead incarnation held go back to the queue at once (this actor is their only owner).
  createJobsRepo(spec.db).releaseRunning(spec.kind);
  const timer = setInterval(() => runner.pump(), spec.pollMs);
  runner.pump();

  return {
    handle(req) {
      if (req.type !== 'delivery:pump') throw new Error(`unknown request ${(req as { type: string }).type}`);
      return { started: runner.pump() };
    },
    notify(message) {
      const m = message as ConnectivityEvent | { type: 'queue:changed' };
      if (m.type === 'connectivity:change' && m.target === spec.target) {
        if (m.online) ctx.logger.info(`🌐 CONNECTIVITY: Online - ${spec.dependency} is back; sending queued ${spec.kind} tasks, oldest first`);
        runner.setOnline(m.online);
      }
      runner.pump();
    },
    async stop() {
      clearInterval(timer);
      await runner.stop();
      spec.db.close();
    },
  };
}
