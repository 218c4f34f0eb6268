// The intake of purchases: GET video-requests every VIDEO_REQUEST_INTERVAL, each PENDING request recorded once in
// `purchases` and decided (decide.ts) in the same transaction that queues what follows: the `purchase` job, or the
// request's id in the durable batched report to AYO (video-request-invalid / -incompleted). A request seen again is
// left as it is (never repeated, never rebuilt), except one that waits for its video, which is decided again.
// Runs on the main thread, as the daily settings read: one small GET a minute and a few row writes.

import { fetchVideoRequests } from './ayo-calls.js';
import type { AyoClient } from '../ayo/index.js';
import { retryWhileBusy } from '../db/busy.js';
import {
  createJobsRepo,
  createPurchasesRepo,
  createSegmentsRepo,
  createVideosRepo,
  type Db,
  type PurchaseState,
} from '../db/index.js';
import { queueIdReport } from '../delivery/id-reports.js';
import { createStoredObjects } from '../delivery/stored-objects.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { attemptsOf, jobKey } from '../pipeline/index.js';
import { decide, parseVideoRequests, type Decision, type VideoRequest } from './decide.js';

/** The outcome of a request decided at intake, for the metrics. */
export type IntakeOutcome = 'invalid' | 'incompleted';

/** Options of {@link createPurchaseIntake}. */
export interface PurchaseIntakeOptions {
  db: Db;
  ayo: AyoClient | undefined;
  intervalMs: number;
  minCoverage: number;
  /** DELIVERY_JOB_RETRY_DELAYS: the attempts of the `purchase` job it queues (its runner's own delays decide). */
  jobDelaysMs: readonly number[];
  logger: Logger;
  /** New work is queued: the actors that run it look now. */
  wake?: () => void;
  /** A request was decided invalid or incompleted. */
  onOutcome?: (o: IntakeOutcome) => void;
  now?: () => number;
}

const STATE_OF: Record<Decision['kind'], PurchaseState> = {
  deliver: 'queued',
  wait: 'waiting',
  invalid: 'invalid',
  incompleted: 'incompleted',
};

/** Records and decides `requests` (and every waiting purchase); returns the decisions taken now, by request. */
function applyRequests(
  db: Db,
  requests: readonly VideoRequest[],
  o: Pick<PurchaseIntakeOptions, 'minCoverage' | 'jobDelaysMs'> & { nowMs: number },
): Map<string, Decision> {
  const purchases = createPurchasesRepo(db);
  const videos = createVideosRepo(db);
  const jobs = createJobsRepo(db);
  const segments = createSegmentsRepo(db);
  const stored = createStoredObjects(db);
  const decided = new Map<string, Decision>();
  const one = (r: VideoRequest) => {
    const known = purchases.get(r.videoRequestId);
    // In progress, delivered, or already reported: neither repeated nor rebuilt.
    if (known && known.state !== 'waiting') return;
    const d = decide(
      videos.get(r.uniqueId),
      o.minCoverage,
      undefined,
      (v) =>
        segments.overlapping(v.camera, v.window_start_ms, v.window_end_ms).length > 0 ||
        stored.of(v.unique_id).includes('mp4'),
    );
    const state = STATE_OF[d.kind];
    const why = d.kind === 'deliver' ? null : d.why;
    if (!known) purchases.add(r, state, why, o.nowMs);
    else if (d.kind === 'wait' || !purchases.move(r.videoRequestId, ['waiting'], state, why, o.nowMs)) return;
    decided.set(r.videoRequestId, d);
    if (d.kind === 'deliver')
      jobs.enqueue(
        {
          kind: 'purchase',
          payload: { uniqueId: r.uniqueId, videoRequestId: r.videoRequestId },
          dedupeKey: jobKey('purchase', r.videoRequestId),
          // One purchase of a video at a time: its renditions are made in one folder.
          groupKey: `purchase:${r.uniqueId}`,
          maxAttempts: attemptsOf(o.jobDelaysMs),
          runAtMs: o.nowMs,
        },
        new Date(o.nowMs).toISOString(),
      );
    if (d.kind === 'invalid' || d.kind === 'incompleted')
      queueIdReport(
        db,
        d.kind === 'invalid' ? 'video-request-invalid' : 'video-request-incompleted',
        [r.videoRequestId],
        o.nowMs,
      );
  };
  const waiting = purchases.inState('waiting').map((p) => ({
    videoRequestId: p.video_request_id,
    uniqueId: p.unique_id,
    bookingId: p.booking_id,
    userId: p.user_id,
    raw: null,
  }));
  const listed = new Set(requests.map((r) => r.videoRequestId));
  for (const r of [...requests, ...waiting.filter((w) => !listed.has(w.videoRequestId))])
    db.transaction(() => one(r)).immediate();
  return decided;
}

/** The poller: `start()` polls now and every interval; `poll()` runs one round (tests call it). */
export function createPurchaseIntake(o: PurchaseIntakeOptions) {
  const now = o.now ?? Date.now;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let lastSkipped = '';

  const round = async () => {
    let requests: VideoRequest[] = [];
    if (o.ayo) {
      try {
        const parsed = parseVideoRequests(await fetchVideoRequests(o.ayo, stopping.signal));
        requests = parsed.requests;
        // The same bad item listed at every poll is named once, not every minute.
        const skipped = parsed.skipped.join('; ');
        if (skipped && skipped !== lastSkipped) o.logger.warn(`🛒 PURCHASE: video-requests: ${skipped}; skipped`);
        lastSkipped = skipped;
      } catch (e) {
        if (stopping.signal.aborted) return;
        // AYO down or a bad answer: nothing is lost; waiting purchases are still looked at, the rest next round.
        o.logger.warn(`🛒 PURCHASE: video-requests failed: ${describeError(e)}; polled again in ${o.intervalMs} ms`);
      }
    }
    const decided = await retryWhileBusy(() => applyRequests(o.db, requests, { ...o, nowMs: now() }), {
      what: 'record purchase requests',
      logger: o.logger,
      signal: stopping.signal,
    });
    for (const [id, d] of decided) {
      if (d.kind === 'deliver') o.logger.info(`🛒 PURCHASE: request ${id} accepted; its renditions are queued`);
      else if (d.kind === 'wait') o.logger.info(`🛒 PURCHASE: request ${id} waits: ${d.why}`);
      else {
        o.logger.warn(`🛒 PURCHASE: request ${id} is ${d.kind}: ${d.why}; reported to AYO`);
        o.onOutcome?.(d.kind);
      }
    }
    if (decided.size > 0) o.wake?.();
  };
  const poll = (): Promise<void> => {
    running ??= round()
      .catch((e: unknown) => o.logger.error(`🛒 PURCHASE: intake round failed: ${describeError(e)}`))
      .finally(() => (running = undefined));
    return running;
  };
  return {
    start(): void {
      void poll();
      timer = setInterval(() => void poll(), o.intervalMs);
      timer.unref();
    },
    poll,
    async stop(): Promise<void> {
      clearInterval(timer);
      stopping.abort();
      await running;
    },
  };
}
