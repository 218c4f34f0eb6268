// A video's objects leave the bucket: BUCKET_RETENTION_DAYS after their last upload (0: never), and within a minute
// when its booking is cancelled (it was never announced, or AYO's announcement no longer stands; the sweep below
// queues it). Where the store accepts lifecycle rules (R2, S3) its own rule, scoped to S3_KEY_PREFIX, deletes them, and
// the service only records it when the rule's time has passed; otherwise (or for a cancelled booking) the
// `bucket-delete` job of UploadActor's runner deletes them: durable, retried, each key once more at worst (a delete of
// a missing key is not an error).

import { createVideosRepo, createJobsRepo, type Db } from '../db/index.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { attemptsOf, jobKey, type JobKindSpec } from '../pipeline/index.js';
import { videoObjectKeys, type ObjectStore } from '../storage/index.js';
import { createStoredObjects } from './stored-objects.js';

const DAY_MS = 86_400_000;

/** Which mechanism deletes a video's objects after BUCKET_RETENTION_DAYS. */
export type BucketRetention =
  { mode: 'off' } | { mode: 'rule'; days: number; prefix: string } | { mode: 'service'; days: number; why: string };

/**
 * Writes the store's rule for `days` (0 removes ours, keeping every other rule) and reads it back: `rule` when the
 * store holds it, else `service` with the reason (a store without lifecycle rules, a key without the permission).
 */
export async function applyBucketRetention(
  store: ObjectStore,
  prefix: string,
  days: number,
  signal?: AbortSignal,
): Promise<BucketRetention> {
  if (!store.expiry)
    return days > 0 ? { mode: 'service', days, why: 'the store has no lifecycle rules' } : { mode: 'off' };
  try {
    // Off: our rule, if an earlier setting left one, is removed; a bucket without it is not written to.
    if (days === 0) {
      if (await store.expiry.get(signal)) await store.expiry.set(prefix, 0, signal);
      return { mode: 'off' };
    }
    await store.expiry.set(prefix, days, signal);
    const r = await store.expiry.get(signal);
    return r?.days === days && r.prefix === prefix
      ? { mode: 'rule', days, prefix }
      : { mode: 'service', days, why: 'the store accepted the lifecycle rule but does not hold it' };
  } catch (e) {
    if (days === 0) return { mode: 'off' };
    return { mode: 'service', days, why: `the store refused a lifecycle rule: ${describeError(e)}` };
  }
}

/** One line for the log and the doctor. */
function describeBucketRetention(r: BucketRetention): string {
  switch (r.mode) {
    case 'off':
      return 'objects are kept forever (BUCKET_RETENTION_DAYS=0)';
    case 'rule':
      return `the bucket's own lifecycle rule deletes objects under "${r.prefix}" ${r.days} days after upload`;
    case 'service':
      return `the service deletes a video's objects ${r.days} days after its last upload (a durable job): ${r.why}`;
  }
}

/** Why a video's objects went, as recorded on it. */
const REASON = {
  cancelled: 'its booking was cancelled',
  rule: (days: number) => `deleted by the bucket's lifecycle rule, ${days} days after upload`,
  service: (days: number) => `BUCKET_RETENTION_DAYS: ${days} days after its last upload`,
};

/**
 * Queues what is due at `nowMs`: the `bucket-delete` job of every cancelled video with objects in the store (whatever
 * the retention: an upload that finished after the cancel is caught here) and, under `service`, of every video past
 * its days; under `rule`, records the rule's deletions a day after they were due (S3 runs rules once a day). Returns
 * how many videos it queued or recorded.
 */
export function dueBucketDeletes(db: Db, retention: BucketRetention, nowMs: number): number {
  const jobs = createJobsRepo(db);
  const stored = createStoredObjects(db);
  const due = (sql: string, ...params: number[]) =>
    db
      .prepare<number[], { unique_id: string }>(sql)
      .all(...params)
      .map((r) => r.unique_id);
  const uploadedBefore = (cutoffMs: number) =>
    due(
      `SELECT unique_id FROM videos WHERE bucket_uploaded_at_ms < ? AND bucket_deleted_at_ms IS NULL
         AND status != 'cancelled'`,
      cutoffMs,
    );
  const queue = (uid: string) => {
    const job = jobs.enqueue(
      {
        kind: 'bucket-delete',
        payload: { uniqueId: uid },
        dedupeKey: jobKey('bucket-delete', uid),
        maxAttempts: attemptsOf([1, 2, 3, 4, 5]),
        runAtMs: nowMs,
      },
      new Date(nowMs).toISOString(),
    );
    // Done or cancelled before: new objects went up since. A dead one waits for an operator.
    if (job.status === 'done' || job.status === 'cancelled') jobs.restart(job.id, nowMs, nowMs);
  };
  return db
    .transaction(() => {
      const cancelled = due(
        `SELECT unique_id FROM videos WHERE status = 'cancelled' AND bucket_uploaded_at_ms IS NOT NULL
           AND bucket_deleted_at_ms IS NULL`,
      );
      for (const uid of cancelled) queue(uid);
      if (retention.mode === 'off') return cancelled.length;
      if (retention.mode === 'service') {
        const old = uploadedBefore(nowMs - retention.days * DAY_MS);
        for (const uid of old) queue(uid);
        return cancelled.length + old.length;
      }
      const expired = uploadedBefore(nowMs - (retention.days + 1) * DAY_MS);
      for (const uid of expired) stored.deleted(uid, REASON.rule(retention.days), nowMs);
      return cancelled.length + expired.length;
    })
    .immediate();
}

/** What the `bucket-delete` kind needs. */
export interface BucketDeleteDeps {
  db: Db;
  store: ObjectStore;
  keyPrefix: string;
  logger: Logger;
  delaysMs: readonly number[];
  quickDelaysMs: readonly number[];
  breaker: { threshold: number; halfOpenAfterMs: number };
  /** BUCKET_RETENTION_DAYS (for the reason recorded on the video). */
  days: number;
  now?: () => number;
}

/** Stages that put objects of a video: while one runs, its deletion waits. */
const UPLOADING = ['upload', 'upload-full', 'purchase'] as const;

/** The `bucket-delete` kind: every object of one video, its purchase renditions too, deleted from the store. */
export function bucketDeleteJobSpec(d: BucketDeleteDeps): JobKindSpec<'bucket-delete', number> {
  const videos = createVideosRepo(d.db);
  const stored = createStoredObjects(d.db);
  const now = d.now ?? Date.now;
  const uploading = d.db.prepare<[string, string, string, string], { n: number }>(
    `SELECT COUNT(*) AS n FROM jobs WHERE status = 'running' AND kind IN (${UPLOADING.map(() => '?').join(', ')})
       AND json_extract(payload, '$.uniqueId') = ?`,
  );
  return {
    kind: 'bucket-delete',
    delaysMs: d.delaysMs,
    quickDelaysMs: d.quickDelaysMs,
    concurrency: 1,
    dependency: { name: 'object store', key: 'object-store', breaker: d.breaker },
    label: (job) => `Bucket deletion for ${job.payload.uniqueId}`,
    admit(job) {
      const v = videos.get(job.payload.uniqueId);
      if (!v) return { skip: 'its video is gone' };
      if (v.bucket_uploaded_at_ms === null) return { skip: 'nothing of it was ever uploaded' };
      if (v.bucket_deleted_at_ms !== null) return { skip: 'already deleted' };
      // Queued for a cancel, then the booking was reinstated (or uploaded again since): not due any more.
      const due = d.days > 0 && v.bucket_uploaded_at_ms < now() - d.days * DAY_MS;
      if (v.status !== 'cancelled' && !due) return { skip: 'not due: its booking stands and its days are not over' };
      if (uploading.get(...UPLOADING, v.unique_id)!.n > 0) return { wait: 5_000, why: 'an upload of it runs' };
      return { run: true };
    },
    async run(job, signal) {
      const uid = job.payload.uniqueId;
      const own = Object.values(videoObjectKeys(d.keyPrefix, uid));
      const renditions = await d.store.list(`${d.keyPrefix}hls/${uid}/`, signal);
      for (const key of [...renditions, ...own]) await d.store.remove(key, signal);
      return renditions.length + own.length;
    },
    onDone(job, n) {
      const uid = job.payload.uniqueId;
      const v = videos.get(uid);
      const reason = v?.status === 'cancelled' ? REASON.cancelled : REASON.service(d.days);
      stored.deleted(uid, reason, now());
      d.logger.info(`🗑️ BUCKET: deleted the objects of ${uid} (${n} key(s) removed): ${reason}`);
    },
    onFailed(job, reason, final) {
      d.logger.error(
        `❌ ERROR: bucket deletion of ${job.payload.uniqueId} failed${final ? ' for good (dead letter; an operator can retry it)' : ', queued again'}: ${reason}`,
      );
    },
  };
}

/** What UploadActor runs for the bucket's retention. */
export interface BucketRetentionLoopOptions {
  db: Db;
  store: ObjectStore;
  keyPrefix: string;
  days: number;
  logger: Logger;
  /** How often due deletions are queued (default 1 min). */
  sweepMs?: number;
  /** How often the store's rule is written again (default 24 h: a rule removed by hand comes back). */
  ruleEveryMs?: number;
}

/** Writes the rule at once and every `ruleEveryMs`, and queues due deletions every `sweepMs`, until `stop`. */
export function startBucketRetention(o: BucketRetentionLoopOptions) {
  let retention: BucketRetention =
    o.days > 0 ? { mode: 'service', days: o.days, why: 'not checked yet' } : { mode: 'off' };
  const stopping = new AbortController();
  const writeRule = async () => {
    const next = await applyBucketRetention(
      o.store,
      o.keyPrefix,
      o.days,
      AbortSignal.any([stopping.signal, AbortSignal.timeout(30_000)]),
    );
    if (stopping.signal.aborted) return;
    const changed = JSON.stringify(next) !== JSON.stringify(retention);
    retention = next;
    if (changed) o.logger.info(`🗑️ BUCKET: ${describeBucketRetention(next)}`);
  };
  const sweep = () => {
    try {
      dueBucketDeletes(o.db, retention, Date.now());
    } catch (e) {
      o.logger.warn(`🗑️ BUCKET: queueing due deletions failed (tried again in a minute): ${describeError(e)}`);
    }
  };
  const first = writeRule().finally(sweep);
  const ruleTimer = setInterval(() => void writeRule(), o.ruleEveryMs ?? DAY_MS);
  const sweepTimer = setInterval(sweep, o.sweepMs ?? 60_000);
  return {
    /** The mechanism in force. */
    current: () => retention,
    async stop() {
      stopping.abort();
      clearInterval(ruleTimer);
      clearInterval(sweepTimer);
      await first.catch(() => {});
    },
  };
}
