// Failure domains' bookkeeping: the children grouped by their spec's domain, each group with its own restart budgets
// and retry backoff, its failure and retry times, and its state as data. The supervisor decides when a domain fails
// or comes back; this module keeps the records.

import type { Child, Domain } from './child-record.js';
import type { DomainStatus } from './child-spec.js';
import { IntensityWindow, restartDelay } from './restart-policy.js';
import type { SupervisorOptions } from './supervisor-options.js';

/** The children's domains by name, in the order of their first child, each with its options applied. */
export function domainsOf(children: readonly Child[], options: SupervisorOptions): Map<string, Domain> {
  const intensity = options.intensity ?? { maxRestarts: 5, withinMs: 60_000 };
  const startupIntensity = options.startupIntensity ?? { maxRestarts: 3, withinMs: 60_000 };
  const retry = options.domainRetry ?? { initialMs: 120_000, maxMs: 900_000, jitter: 0.2 };
  const domains = new Map<string, Domain>();
  for (const child of children) {
    let d = domains.get(child.domain);
    if (!d) {
      const o = options.domains?.[child.domain] ?? {};
      const own = { intensity: o.intensity ?? intensity, startupIntensity: o.startupIntensity ?? startupIntensity };
      d = {
        name: child.domain,
        critical: o.critical ?? child.domain === 'default',
        children: [],
        ...own,
        window: new IntensityWindow(own.intensity),
        startupWindow: new IntensityWindow(own.startupIntensity),
        retry: o.retry ?? retry,
        state: 'running',
        failures: 0,
        reason: null,
        failedAt: null,
        retryAt: null,
        recoveredAt: null,
        timer: undefined,
      };
      domains.set(child.domain, d);
    }
    d.children.push(child);
  }
  return domains;
}

/**
 * Counts a crash of child `id` against its domain's budget (the stricter start-up one before the ready handshake).
 * Returns why the budget is spent, or undefined while it holds.
 */
export function recordCrash(
  domain: Domain,
  id: string,
  duringStartup: boolean,
  now: number,
  last: string,
): string | undefined {
  const budget = duringStartup ? domain.startupWindow : domain.window;
  const limits = duringStartup ? domain.startupIntensity : domain.intensity;
  if (budget.record(now)) return undefined;
  const during = duringStartup ? ' during start-up' : '';
  return `${id} crashed ${limits.maxRestarts + 1} times within ${limits.withinMs / 1000}s${during}; last: ${last}`;
}

/**
 * Marks `domain` failed at `now` for `reason` and returns the delay until its retry: its backoff starts over when it
 * had run stably (`stableAfterMs`) since its last recovery.
 */
export function markFailed(
  domain: Domain,
  reason: string,
  now: number,
  options: Pick<SupervisorOptions, 'stableAfterMs' | 'random'>,
): number {
  if (domain.recoveredAt !== null && now - domain.recoveredAt >= (options.stableAfterMs ?? 30_000)) domain.failures = 0;
  const retryInMs = restartDelay(domain.failures++, domain.retry, options.random);
  domain.state = 'failed';
  domain.reason = reason;
  domain.failedAt = now;
  domain.retryAt = now + retryInMs;
  return retryInMs;
}

/** A failed domain about to start again gets fresh restart budgets. */
export function freshBudgets(domain: Domain): void {
  domain.window = new IntensityWindow(domain.intensity);
  domain.startupWindow = new IntensityWindow(domain.startupIntensity);
}

/** A domain's state as data. */
export function domainStatusOf(d: Domain): DomainStatus {
  return {
    name: d.name,
    state: d.state,
    critical: d.critical,
    children: d.children.map((c) => c.spec.id),
    failures: d.failures,
    reason: d.state === 'running' ? null : d.reason,
    failedAt: d.state === 'running' ? null : iso(d.failedAt),
    retryAt: d.state === 'failed' ? iso(d.retryAt) : null,
  };
}

/** A time as ISO-8601, or null. */
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
