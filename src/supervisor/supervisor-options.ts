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

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  children: ChildSpec[];
  strategy?: Strategy;
  /** Restarts allowed of running children (default 5 within 60 s), one per crash (a rest-for-one cascade counts once). */
  intensity?: IntensityOptions;
  /** Stricter budget for crashes before the ready handshake (default 3 within 60 s). */
  startupIntensity?: IntensityOptions;
  backoff?: BackoffOptions;
  /** A child that ran this long starts its backoff from the beginning again (default 30 s). */
  stableAfterMs?: number;
  logger: Logger;
  random?: () => number;
  /** Time for backoff, the stable-run reset and the intensity windows (default: real time). */
  clock?: Clock;
}
