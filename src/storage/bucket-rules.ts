// The bucket's own lifecycle rule for BUCKET_RETENTION_DAYS: one expiration rule of ours, scoped to S3_KEY_PREFIX,
// merged into whatever rules the bucket already has (PutBucketLifecycleConfiguration replaces the whole list, so
// another tool's rules must be written back as they were). Pure: the S3 store sends and reads the documents.

import type { LifecycleRule } from '@aws-sdk/client-s3';

/** The ID of the service's rule: the one rule it writes, replaces or removes. */
export const RETENTION_RULE_ID = 'venue-recorder-bucket-retention';

/** The expiration rule: objects under `prefix` are deleted `days` after they were written. */
export function retentionRule(prefix: string, days: number): LifecycleRule {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`a lifecycle rule needs whole days ≥ 1, not ${days}`);
  return { ID: RETENTION_RULE_ID, Status: 'Enabled', Filter: { Prefix: prefix }, Expiration: { Days: days } };
}

/**
 * The bucket's rules with ours set to `prefix` and `days` (or removed for 0 days): every other rule is kept as it
 * was, in its place.
 */
export function withRetentionRule(existing: readonly LifecycleRule[], prefix: string, days: number): LifecycleRule[] {
  const others = existing.filter((r) => r.ID !== RETENTION_RULE_ID);
  return days > 0 ? [...others, retentionRule(prefix, days)] : others;
}

/** Our rule as the bucket holds it (enabled, its prefix and days), or undefined when it is absent or disabled. */
export function retentionRuleIn(rules: readonly LifecycleRule[]): { prefix: string; days: number } | undefined {
  const r = rules.find((x) => x.ID === RETENTION_RULE_ID);
  const days = r?.Expiration?.Days;
  if (!r || r.Status !== 'Enabled' || days === undefined) return undefined;
  return { prefix: r.Filter?.Prefix ?? r.Prefix ?? '', days };
}
