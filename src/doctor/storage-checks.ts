// The doctor's look at the bucket's lifecycle (BUCKET_RETENTION_DAYS): which of the two mechanisms deletes old
// objects, the store's own rule or the service's durable job. Read only: the service writes its rule at start.

import type { Config } from '../config.js';
import { describeError } from '../errors.js';
import { createS3Store } from '../storage/index.js';
import type { CheckResult } from './checks.js';

/** How old objects leave the bucket; undefined without a bucket. */
export async function checkBucketRetention(config: Config): Promise<CheckResult | undefined> {
  if (!config.s3) return undefined;
  const name = 'bucket retention';
  const days = config.delivery.bucketRetentionDays;
  const prefix = config.s3.keyPrefix;
  const store = createS3Store(config.s3, { timeoutMs: 15_000 });
  let rule: { prefix: string; days: number } | undefined;
  try {
    rule = await store.expiry?.get(AbortSignal.timeout(15_000));
  } catch (e) {
    return days === 0
      ? { name, status: 'ok', detail: 'objects are kept forever (BUCKET_RETENTION_DAYS=0)' }
      : {
          name,
          status: 'ok',
          detail: `the service deletes a video's objects ${days} days after its last upload (durable job): the store's lifecycle rules cannot be read (${describeError(e)})`,
        };
  }
  if (days === 0)
    return rule
      ? {
          name,
          status: 'warn',
          detail: `BUCKET_RETENTION_DAYS=0, but the bucket's rule of this service still deletes objects under "${rule.prefix}" after ${rule.days} days`,
          hint: 'the service removes its rule at its next start; or set BUCKET_RETENTION_DAYS to keep it',
        }
      : { name, status: 'ok', detail: 'objects are kept forever (BUCKET_RETENTION_DAYS=0)' };
  if (rule?.days === days && rule.prefix === prefix)
    return {
      name,
      status: 'ok',
      detail: `the bucket's own lifecycle rule deletes objects under "${prefix}" ${days} days after upload (in force)`,
    };
  return {
    name,
    status: 'ok',
    detail: `the store reads lifecycle rules but holds none for ${days} days under "${prefix}" yet: the service writes it at its next start (if the store refuses it, the service deletes through a durable job)`,
  };
}
