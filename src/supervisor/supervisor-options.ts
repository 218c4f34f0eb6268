// How a supervisor is configured (type-only): its children, restart strategy, budgets, backoff and clock.

import type { Logger } from '../log.js';
import type { ChildSpec } from './child-spec.js';
import type { Clock } from './clock.js';
import type { BackoffOptions, IntensityOptions } from './restart-policy.js';

/**
 * one-for-one: only the crashed child restarts. rest-for-one: the children started after it are stopped (in reverse
 * order) and, after the crashed child is running again, started again in order — except temporary children and
 * children that had ended for good (they stay stopped). As in OTP, the restart intensity counts one restart per
 * crash, the cascade included; each child the cascade restarts still gets its own `actor:restart` event (and so its
 * restart counter and metric).
 */
export type Strategy = 'one-for-one' | 'rest-for-one';

/**
 * A failure domain: a group of children with a restart intensity of its own. Past it, a critical domain gives up the
 * whole supervisor (the process exits); any other domain is marked failed, its children are stopped, and the whole
 * domain is started again after a long backoff (`retry`), while the other domains keep running.
 */
export interface DomainOptions {
  /** Exhausting this domain's intensity gives up the supervisor (default: false; the `default` domain: true). */
  critical?: boolean;
  /** Default: the supervisor's `intensity`. */
  intensity?: IntensityOptions;
  /** Default: the supervisor's `startupIntensity`. */
  startupIntensity?: IntensityOptions;
  /** Backoff between a failure of the domain and its next start. Default: the supervisor's `domainRetry`. */
  retry?: BackoffOptions;
}

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  children: ChildSpec[];
  strategy?: Strategy;
  /** Restarts allowed of running children (default 5 within 60 s), one per crash (a rest-for-one cascade counts once). */
  intensity?: IntensityOptions;
  /** Stricter budget for crashes before the ready handshake (default 3 within 60 s). */
  startupIntensity?: IntensityOptions;
  /**
   * The failure domains by name (children name theirs in `ChildSpec.domain`). Intensities are counted per domain;
   * children without a domain share the critical `default` domain, so a supervisor without domains gives up as one.
   */
  domains?: Record<string, DomainOptions>;
  /** Backoff between a domain's failure and its retry (default 2 min doubling to 15 min, ±20%). */
  domainRetry?: BackoffOptions;
  backoff?: BackoffOptions;
  /**
   * A child that ran this long starts its backoff from the beginning again (default 30 s); a domain that ran this long
   * after a retry starts its retry backoff over.
   */
  stableAfterMs?: number;
  logger: Logger;
  random?: () => number;
  /** Time for backoff, the stable-run reset and the intensity windows (default: real time). */
  clock?: Clock;
}
