// Id lists reported to AYO: `video-unavailable` (unique_ids of videos whose footage is gone), `video-request-invalid`
// and `video-request-incompleted` (purchase requests refused). Each id is recorded durably and reported once; the
// `id-report` job kind of the one job runner posts them in batches of at most 10, signed, retried like every AYO
// delivery (5xx and timeouts retry with the kind's delays, 4xx is permanent, an outage spends no attempt).
//
// Exactly once: an id joins an open batch (at most 10 ids, not yet started). Its job seals the batch before the first
// call, so every attempt of a batch sends the same ids, and the batch is marked reported in the same transaction that
// completes its job, right after AYO's answer. What remains: a kill -9 after AYO accepted a call and before that
// commit (the answer in flight, its parsing, one SQLite write), or a timeout after AYO accepted it, repeats that one
// batch, with the same ids, at the next attempt. AYO's three endpoints mark ids, so the repeat changes nothing there.

import type { AyoClient } from '../ayo/index.js';
import { createJobsRepo, type Db } from '../db/index.js';
import type { Logger } from '../log.js';
import { attemptsOf, jobKey } from '../pipeline/job-kinds.js';
import type { JobKindSpec } from '../pipeline/job-spec.js';

/** The endpoints that take an id list, and the field each sends it in. */
const ID_FIELDS = {
  'video-unavailable': 'unique_ids',
  'video-request-invalid': 'video_request_ids',
  'video-request-incompleted': 'video_request_ids',
} as const;

/** An AYO endpoint that takes a list of 1 to 10 ids. */
export type IdReportEndpoint = keyof typeof ID_FIELDS;

/** The most ids AYO takes in one call. */
const ID_REPORT_BATCH = 10;

/** The attempts a batch's job is created with; the runner's own delays replace it at its first claim. */
const DEFAULT_ATTEMPTS = attemptsOf([1, 2, 3, 4, 5]);

interface BatchRow {
  id: number;
  endpoint: string;
  sealed: number;
  reported_at_ms: number | null;
}

/** A batch's job names it like a subject (as an export's job does): `ids-<batch>`. */
function batchJobId(batch: number): string {
  return `ids-${batch}`;
}

/** The batch a job's subject names, or NaN. */
function batchOfJob(uniqueId: string): number {
  return /^ids-\d+$/.test(uniqueId) ? Number(uniqueId.slice(4)) : NaN;
}

function isEndpoint(e: string): e is IdReportEndpoint {
  return Object.hasOwn(ID_FIELDS, e);
}

/**
 * Records `ids` to be reported to AYO's `endpoint`, each once (an id already recorded for that endpoint is left as it
 * is), in open batches of at most 10; each new batch gets its job. Returns how many ids were new. Runs in its own
 * transaction (or the caller's), so the ids and their jobs commit together.
 */
export function queueIdReport(db: Db, endpoint: IdReportEndpoint, ids: readonly string[], nowMs = Date.now()): number {
  if (!isEndpoint(endpoint)) throw new TypeError(`not an id list endpoint of AYO: ${String(endpoint)}`);
  const fresh = [...new Set(ids)].filter((id) => typeof id === 'string' && id.length > 0);
  if (fresh.length === 0) return 0;
  const jobs = createJobsRepo(db);
  const known = db.prepare<[string, string], { id: string }>('SELECT id FROM id_reports WHERE endpoint = ? AND id = ?');
  const open = db.prepare<[string, number], { id: number; n: number }>(
    `SELECT b.id, (SELECT COUNT(*) FROM id_reports r WHERE r.batch_id = b.id) AS n FROM id_report_batches b
       WHERE b.endpoint = ? AND b.sealed = 0 AND b.reported_at_ms IS NULL AND n < ? ORDER BY b.id LIMIT 1`,
  );
  const newBatch = db.prepare('INSERT INTO id_report_batches (endpoint, created_at_ms) VALUES (?, ?)');
  const insert = db.prepare('INSERT INTO id_reports (endpoint, id, batch_id, queued_at_ms) VALUES (?, ?, ?, ?)');
  const work = () => {
    let added = 0;
    for (const id of fresh) {
      if (known.get(endpoint, id)) continue;
      let batch = open.get(endpoint, ID_REPORT_BATCH)?.id;
      if (batch === undefined) {
        batch = Number(newBatch.run(endpoint, nowMs).lastInsertRowid);
        jobs.enqueue(
          {
            kind: 'id-report',
            payload: { uniqueId: batchJobId(batch) },
            dedupeKey: jobKey('id-report', batchJobId(batch)),
            maxAttempts: DEFAULT_ATTEMPTS,
            runAtMs: nowMs,
          },
          new Date(nowMs).toISOString(),
        );
      }
      insert.run(endpoint, id, batch, nowMs);
      added++;
    }
    return added;
  };
  return db.inTransaction ? work() : db.transaction(work).immediate();
}

/** What the `id-report` kind needs: AYO, the database of its thread, its delays and circuit. */
export interface IdReportDeps {
  db: Db;
  ayo: AyoClient;
  logger: Logger;
  delaysMs: readonly number[];
  quickDelaysMs: readonly number[];
  breaker: { threshold: number; halfOpenAfterMs: number };
}

/** The `id-report` job kind: one batch's ids posted to its endpoint. Runs in NotifyActor's thread (AYO's). */
export function idReportJobSpec(d: IdReportDeps): JobKindSpec<'id-report', number> {
  const batchOf = d.db.prepare<[number], BatchRow>('SELECT * FROM id_report_batches WHERE id = ?');
  const idsOf = d.db.prepare<[number], { id: string }>(
    'SELECT id FROM id_reports WHERE batch_id = ? ORDER BY queued_at_ms, id',
  );
  const seal = d.db.prepare('UPDATE id_report_batches SET sealed = 1 WHERE id = ?');
  const reported = d.db.prepare('UPDATE id_report_batches SET reported_at_ms = ? WHERE id = ?');
  const batchLabel = (id: number) => {
    const b = batchOf.get(id);
    return b ? `${b.endpoint} batch ${id}` : `id report batch ${id}`;
  };
  return {
    kind: 'id-report',
    delaysMs: d.delaysMs,
    quickDelaysMs: d.quickDelaysMs,
    concurrency: 1,
    dependency: { name: 'AYO', key: 'ayo', breaker: d.breaker },
    label: (job) => `Id report (${batchLabel(batchOfJob(job.payload.uniqueId))})`,
    // From here on the batch takes no more ids: every attempt sends the same list.
    admit(job) {
      const b = batchOf.get(batchOfJob(job.payload.uniqueId));
      if (!b) return { skip: 'its batch is gone' };
      if (b.reported_at_ms !== null) return { skip: 'already reported' };
      if (!isEndpoint(b.endpoint)) return { skip: `not an id list endpoint: ${b.endpoint}` };
      if (b.sealed === 0) seal.run(b.id);
      return idsOf.all(b.id).length > 0 ? { run: true } : { skip: 'no ids' };
    },
    async run(job, signal) {
      const b = batchOf.get(batchOfJob(job.payload.uniqueId))!;
      const ids = idsOf.all(b.id).map((r) => r.id);
      const endpoint = b.endpoint as IdReportEndpoint;
      await d.ayo.call('POST', endpoint, { [ID_FIELDS[endpoint]]: ids }, signal);
      return ids.length;
    },
    // In the transaction that completes the job: the batch is reported exactly when its job is done.
    onDone(job, n) {
      reported.run(Date.now(), batchOfJob(job.payload.uniqueId));
      d.logger.info(`📮 REPORTED: ${batchLabel(batchOfJob(job.payload.uniqueId))} (${n} id(s)) accepted by AYO`);
    },
    onFailed(job, reason, final) {
      const what = batchLabel(batchOfJob(job.payload.uniqueId));
      d.logger.error(
        `❌ ERROR: ${what} not accepted${final ? ' for good (dead letter; an operator can retry it)' : ', queued again'}: ${reason}`,
      );
    },
  };
}

/** How many ids of `endpoint` are recorded, and how many of them AYO accepted (for tests, the doctor, the status). */
export function idReportCounts(db: Db, endpoint: IdReportEndpoint): { queued: number; reported: number } {
  return db
    .prepare<[string], { queued: number; reported: number }>(
      `SELECT COUNT(*) AS queued, COALESCE(SUM(b.reported_at_ms IS NOT NULL), 0) AS reported
         FROM id_reports r JOIN id_report_batches b ON b.id = r.batch_id WHERE r.endpoint = ?`,
    )
    .get(endpoint)!;
}
