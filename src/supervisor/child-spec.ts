// Child specs: what the supervisor starts, how it restarts it, and how long it may take to stop.

import type { ResourceLimits } from 'node:worker_threads';

/**
 * permanent: always restarted. transient: restarted only after an abnormal end (a crash, a non-zero exit).
 * temporary: never restarted.
 */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/** One child of the supervisor. */
export interface ChildSpec<Data = unknown> {
  id: string;
  /** The worker file (a path or file: URL); `.ts` entries run through tsx. */
  entry: string | URL;
  restart: RestartType;
  /** Time the actor gets to stop cleanly before it is terminated. */
  shutdownMs: number;
  /** Time from spawn to the ready handshake before it counts as a start-up crash (default 15 s). */
  startTimeoutMs?: number;
  /** How often the actor sends a heartbeat (default 1 s). */
  heartbeatIntervalMs?: number;
  /**
   * Silence after the ready handshake after which the actor is terminated and restarted like a crashed one
   * (default 10 s). Before the handshake only startTimeoutMs applies (the worker may still be loading).
   */
  heartbeatTimeoutMs?: number;
  /** V8 heap limits of the worker thread. */
  resourceLimits?: ResourceLimits;
  /** The actor's slice of configuration (structured-cloneable). */
  data?: Data;
  /**
   * Notification types the actor accepts: a broadcast of any other type skips it, so that its `notify` can be an
   * exhaustive switch. Without it the actor gets every broadcast.
   */
  accepts?: readonly string[];
  /**
   * The failure domain the child belongs to (see SupervisorOptions.domains): its crashes count against that domain's
   * restart intensity only. Children without one share the `default` domain, which is critical.
   */
  domain?: string;
}

/** Lifecycle of a child, as `GET /api/actors` shows it. */
export type ChildState =
  | 'starting' // spawned, waiting for the ready handshake
  | 'running' // ready and answering heartbeats
  | 'stopping' // asked to stop, within its shutdownMs
  | 'stopped' // ended on purpose (or not restarted by its restart type)
  | 'crashed' // ended abnormally; a restart is being decided
  | 'restarting'; // waiting out its backoff before the next start

/** Lifecycle of a failure domain, as `GET /api/actors` and `/readyz` show it. */
export type DomainState =
  | 'running' // within its restart intensity
  | 'failed' // exhausted its intensity: its actors are stopped until its retry (a critical one gives up instead)
  | 'retrying'; // started again after a failure, not every permanent actor of it is running yet

/** A failure domain's state as data. */
export interface DomainStatus {
  name: string;
  state: DomainState;
  /** Whether exhausting its intensity gives up the whole supervisor (the process exits) instead of failing it. */
  critical: boolean;
  children: string[];
  /** How many times it failed since it last ran stably. */
  failures: number;
  /** Why it failed last (while failed or retrying), else null. */
  reason: string | null;
  failedAt: string | null;
  /** When it is started again (while failed), else null. */
  retryAt: string | null;
}

/** A child's state as data. */
export interface ChildStatus {
  id: string;
  state: ChildState;
  /** Its failure domain and that domain's state. */
  domain: string;
  domainState: DomainState;
  restart: RestartType;
  restarts: number;
  lastError: string | null;
  startedAt: string | null;
  lastHeartbeat: string | null;
}
