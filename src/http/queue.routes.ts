// Queue endpoints: GET /api/queue (counts, the waiting jobs page by page, dead letters), POST /api/queue/:id/retry,
// POST /api/videos/:unique_id/retry. A retry is the lifecycle's `operator:retry-<kind>` event; this module only reads
// the request and maps the outcome.

import { defineEventHandler, type Router } from 'h3';
import type { Db, QueueRepo, VideosRepo } from '../db/index.js';
import { jobKey, retryJobByOperator, VIDEO_JOB_KINDS, videoOfJob, type VideoLifecycle } from '../pipeline/index.js';
import { httpError, quote } from './errors.js';
import { parseLimit, parseStoredId, pathParam, readQuery } from './query.js';

/** Waiting jobs per page: by default, and at most. */
const WAITING_PAGE = 50;
const WAITING_PAGE_MAX = 500;

/** A page cursor `<due time ms>.<job id>`, as `waiting.nextCursor` gives it; 400 otherwise. */
function parseCursor(value: string | undefined): { runAtMs: number; id: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{1,16})\.(\d{1,12})$/.exec(value);
  if (!m)
    throw httpError(400, `Invalid cursor ${quote(value)}: pass the waiting.nextCursor of the page before, as it is`);
  return { runAtMs: Number(m[1]), id: Number(m[2]) };
}

/** What the queue endpoints need; `wake` tells the actors that work is due. */
export interface QueueRouteDeps {
  db: Db;
  queue: QueueRepo;
  videos: VideosRepo;
  lifecycle: VideoLifecycle;
  wake: () => void;
  now?: () => number;
}

/** Registers the queue endpoints. */
export function registerQueueRoutes(router: Router, deps: QueueRouteDeps): void {
  const now = deps.now ?? Date.now;
  router.get(
    '/api/queue',
    defineEventHandler((event) => {
      const q = readQuery(event, ['limit', 'cursor']);
      const limit = parseLimit(q.limit, WAITING_PAGE, WAITING_PAGE_MAX);
      const after = parseCursor(q.cursor);
      const t = now();
      const page = deps.queue.waiting(t, videoOfJob, { limit, after });
      const nextCursor = page.next ? `${page.next.runAtMs}.${page.next.id}` : null;
      return {
        status: 'success',
        data: { ...deps.queue.summary(t, videoOfJob), waiting: { jobs: page.jobs, nextCursor } },
      };
    }),
  );

  router.post(
    '/api/queue/:id/retry',
    defineEventHandler((event) => {
      readQuery(event, []);
      const raw = event.context.params?.id ?? '';
      if (!/^\d{1,12}$/.test(raw)) throw httpError(400, `Invalid job id ${quote(raw)}: must be a whole number`);
      const result = retryJobByOperator(deps.db, deps.lifecycle, Number(raw), now());
      if (!result) throw httpError(404, `Job ${raw} not found`);
      if ('refused' in result) throw httpError(409, `Job ${raw} cannot be retried: ${result.refused}`);
      deps.wake();
      const { job } = result;
      return { status: 'success', data: { id: job.id, kind: job.kind, status: job.status, attempts: job.attempts } };
    }),
  );

  router.post(
    '/api/videos/:unique_id/retry',
    defineEventHandler((event) => {
      readQuery(event, []);
      const id = pathParam(event, 'unique_id');
      parseStoredId(id, 'video id');
      const v = deps.videos.get(id);
      if (!v) throw httpError(404, `Video ${quote(id)} not found`);
      const job = deps.queue.latestOf(VIDEO_JOB_KINDS.map((k) => jobKey(k, id)));
      if (!job) throw httpError(409, `Video ${id} has no job to retry`);
      if (v.status === 'ready' || v.status === 'cancelled')
        throw httpError(409, `Video ${id} is ${v.status}; there is nothing to retry`);
      if (job.status !== 'dead' && v.status !== 'failed')
        throw httpError(
          409,
          `Video ${id} is ${v.status} and its ${job.kind} job is ${job.status}; it will run by itself`,
        );
      const result = retryJobByOperator(deps.db, deps.lifecycle, job.id, now())!;
      if ('refused' in result)
        throw httpError(409, `Video ${id} cannot be retried: its ${job.kind} job ${result.refused}`);
      const retried = result.job;
      deps.wake();
      return {
        status: 'success',
        data: { uniqueId: id, job: { id: retried.id, kind: retried.kind, status: retried.status } },
      };
    }),
  );
}
