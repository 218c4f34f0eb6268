// What UploadActor and NotifyActor share: a job runner of their kind wired to the lifecycle, the actor's events,
// wake-ups, connectivity and its dependency's answers. Each stage only names its I/O and the lifecycle events it ends
// with.

import type {
  DeliveryActorData,
  DeliveryEvent,
  DeliveryReply,
  DeliveryRequest,
  UploadedKind,
} from '../actors/delivery.messages.js';
import type { NotificationOf } from '../actors/protocols.js';
import type { AnsweredVia } from '../connectivity/index.js';
import { retryWhileBusy } from '../db/busy.js';
import { createJobsRepo, createVideosRepo, type Db, type JobRow, type VideoRow } from '../db/index.js';
import {
  createJobRunner,
  createVideoLifecycle,
  type ApplyOptions,
  type JobKind,
  type JobKindSpec,
  type VideoLifecycle,
  type VideoLifecycleEvent,
  type VideoStatus,
  videoOfJob,
} from '../pipeline/index.js';
import { assertNever, type Actor, type ActorContext } from '../supervisor/index.js';

/** What differs between the two delivery stages. */
export interface DeliveryStage<K extends 'upload' | 'notify', R> {
  kind: K;
  /** The status a video waits in while its job is queued. */
  stage: Extract<VideoStatus, 'uploading' | 'notifying'>;
  /** ConnectivityActor's target this work depends on, and its name in logs. */
  target: 'object-store' | 'ayo';
  dependency: string;
  /** `File Upload`, `API Notification`: names a job in 🔄 RETRY lines. */
  label: string;
  /** `Upload`, `AYO notification`: starts the reason of a failed video. */
  failure: string;
  /** The stage's I/O for a video in `stage`. */
  run(v: VideoRow, job: JobRow, signal: AbortSignal): Promise<R>;
  /** What the lifecycle's `<kind>:done` records of the result. */
  doneOptions?(r: R): ApplyOptions;
  /** Bytes sent, for the metrics. */
  bytes?(r: R): number;
  /** Bytes sent by `upload_bytes_total` kind. */
  bytesByKind?(r: R): Partial<Record<UploadedKind, number>>;
  /** The lifecycle event of success (default `<kind>:done`). */
  doneEvent?: VideoLifecycleEvent;
  /** The stage's log line once its video moved on. */
  doneLine(uniqueId: string): string;
  /** The line when the video was moved elsewhere (cancelled) while the stage ran. */
  lateLine(uniqueId: string, status: string): string;
  queuedLines(uniqueId: string): string[];
}

/** The job kind of a delivery stage, over one thread's lifecycle. */
export function deliveryJobSpec<K extends 'upload' | 'notify', R>(
  ctx: ActorContext<DeliveryEvent, DeliveryActorData>,
  db: Db,
  lifecycle: VideoLifecycle,
  stage: DeliveryStage<K, R>,
): JobKindSpec<K, R> {
  const videos = createVideosRepo(db);
  const d = ctx.data;
  return {
    kind: stage.kind,
    delaysMs: d.jobDelays[stage.kind],
    quickDelaysMs: d.quickDelaysMs,
    concurrency: d.concurrency,
    dependency: { name: stage.dependency, key: stage.target, breaker: d.breaker },
    label: (job) => `${stage.label} for ${job.payload.uniqueId}`,
    // Only a video waiting in this stage: one cancelled meanwhile is left alone.
    admit: (job) =>
      videos.get(job.payload.uniqueId)?.status === stage.stage ? { run: true } : { skip: 'not in its stage' },
    run: (job, signal) => stage.run(videos.get(job.payload.uniqueId)!, job.job, signal),
    onDone(job, r, ms) {
      const uid = job.payload.uniqueId;
      const { moved, video } = lifecycle.apply(uid, stage.doneEvent ?? `${stage.kind}:done`, {
        reason: null,
        ...stage.doneOptions?.(r),
      });
      ctx.logger.info(moved ? stage.doneLine(uid) : stage.lateLine(uid, video?.status ?? 'deleted'));
      ctx.emit({
        type: 'delivery:done',
        kind: stage.kind,
        uniqueId: uid,
        ms,
        bytes: stage.bytes?.(r),
        bytesByKind: stage.bytesByKind?.(r),
      });
    },
    onFailed(job, reason, final) {
      const uid = job.payload.uniqueId;
      const r = lifecycle.apply(uid, final ? `${stage.kind}:failed` : `${stage.kind}:retry`, {
        reason: final ? `${stage.failure} failed: ${reason}` : `retrying later: ${reason}`,
      });
      // Moved elsewhere while it ran (a cancelled booking, whose files went with it): not a failure of this stage.
      if (!r.moved) return ctx.logger.info(stage.lateLine(uid, r.video?.status ?? 'deleted'));
      ctx.logger.error(
        `❌ ERROR: ${stage.kind} of ${uid} failed${final ? ' for good (dead letter)' : ', queued again'}: ${reason}`,
      );
      ctx.emit({ type: 'delivery:failed', kind: stage.kind, uniqueId: uid, reason, final });
    },
    onQueued: (job) => {
      const uid = videoOfJob(job.payload);
      if (uid) for (const line of stage.queuedLines(uid)) ctx.logger.info(line);
    },
  };
}

/** When and how the stage's dependency answered, if the notification says so (a probe, or SyncActor's AYO calls). */
function answerOf(m: NotificationOf<'notify'>, target: string): { atMs: number; via: AnsweredVia } | undefined {
  switch (m.type) {
    case 'dependency:answered':
      return m.dependency === target ? { atMs: m.atMs, via: m.via } : undefined;
    case 'ayo:call':
      return target === 'ayo' && m.outcome === 'success' ? { atMs: Date.now(), via: 'call' } : undefined;
    case 'sync:run':
      // A run that fetched at least one date (a partial one too): AYO answered.
      return target === 'ayo' && m.record.failedDates.length < m.record.dates.length
        ? { atMs: Date.now(), via: 'call' }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Builds a delivery actor around its stage; `after` are kinds of the same dependency that run in the stage's thread
 * after it (UploadActor's `upload-full`, which shares its store and rate cap), each with its own runner.
 */
export async function deliveryActor<K extends 'upload' | 'notify', R, A extends JobKind = never, AR = unknown>(
  ctx: ActorContext<DeliveryEvent, DeliveryActorData>,
  db: Db,
  stage: DeliveryStage<K, R>,
  after: readonly JobKindSpec<A, AR>[] = [],
): Promise<Actor<DeliveryRequest, DeliveryReply, NotificationOf<K>>> {
  const lifecycle = createVideoLifecycle({ db, jobDelays: ctx.data.jobDelays });
  const runnerOf = <J extends JobKind, S>(spec: JobKindSpec<J, S>) =>
    createJobRunner(spec, { db, owner: `${spec.kind}:${process.pid}`, logger: ctx.logger });
  const runner = runnerOf(deliveryJobSpec(ctx, db, lifecycle, stage));
  const others = after.map(runnerOf);
  const all = [runner, ...others];
  const each = (f: (r: (typeof all)[number]) => void) => all.forEach(f);
  runner.onCircuitChange((state) => ctx.emit({ type: 'circuit:change', dependency: stage.target, state }));
  ctx.emit({ type: 'circuit:change', dependency: stage.target, state: runner.circuit() });
  // Jobs a dead incarnation held go back to the queue at once (this actor is their only owner), before any is claimed;
  // a held database lock delays the start rather than fail it.
  for (const kind of [stage.kind, ...after.map((a) => a.kind)])
    await retryWhileBusy(() => createJobsRepo(db).releaseRunning(kind), {
      what: `${kind}: take back the jobs of the last run`,
      logger: ctx.logger,
    });
  const timer = setInterval(() => each((r) => r.pump()), ctx.data.pollMs ?? 1_000);
  each((r) => r.pump());

  return {
    handle(req) {
      if (req.type !== 'delivery:pump') throw new Error(`unknown request ${(req as { type: string }).type}`);
      let started = 0;
      each((r) => (started += r.pump()));
      return { started };
    },
    notify(m: NotificationOf<'notify'>) {
      switch (m.type) {
        case 'connectivity:change':
          if (m.target !== stage.target) break;
          if (m.online)
            ctx.logger.info(
              `🌐 CONNECTIVITY: Online - ${stage.dependency} is back; sending queued ${stage.kind} tasks, oldest first`,
            );
          each((r) => r.setOnline(m.online));
          break;
        case 'dependency:answered':
        case 'ayo:call':
        case 'sync:run': {
          // The runner looks for due jobs itself when a recovery brought some forward.
          const answer = answerOf(m, stage.target);
          if (answer) each((r) => r.dependencyAnswered(answer.atMs, answer.via));
          return;
        }
        case 'queue:changed':
          break;
        default:
          assertNever(m);
      }
      each((r) => r.pump());
    },
    async stop() {
      clearInterval(timer);
      await Promise.all(all.map((r) => r.stop()));
      db.close();
    },
  };
}
