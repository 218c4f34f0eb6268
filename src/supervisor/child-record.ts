// What the supervisor keeps per child and per restart in flight (internal to the supervisor).

import type { ActorHandle } from './actor-handle.js';
import type { ChildSpec, ChildState, ChildStatus, DomainState } from './child-spec.js';
import type { ClockTimer } from './clock.js';
import type { BackoffOptions, IntensityOptions, IntensityWindow } from './restart-policy.js';

/** One failure domain: its children, its own restart budgets, and its failure and retry. */
export interface Domain {
  name: string;
  critical: boolean;
  children: Child[];
  intensity: IntensityOptions;
  startupIntensity: IntensityOptions;
  window: IntensityWindow;
  startupWindow: IntensityWindow;
  retry: BackoffOptions;
  state: DomainState;
  /** Failures since the domain last ran stably: the exponent of its retry backoff. */
  failures: number;
  reason: string | null;
  failedAt: number | null;
  retryAt: number | null;
  /** When every permanent child of it last became running after a retry. */
  recoveredAt: number | null;
  timer: ClockTimer;
}

/**
 * One restart in flight: it stops the live children after the crashed one (rest-for-one), waits out the backoff,
 * then starts its children in order, each after the previous one is ready. A child belongs to at most one restart
 * (`Child.pending`); a newer restart that claims a child cancels the older one, whose remaining work it covers.
 */
export interface Restart {
  children: Child[];
  delayMs: number;
  cancelled: boolean;
  timer: ClockTimer;
  wake: (() => void) | undefined;
}

/** One child of the supervisor and its current incarnation. */
export interface Child {
  spec: ChildSpec;
  /** The name of its failure domain (`default` when the spec names none). */
  domain: string;
  state: ChildState;
  handle: ActorHandle | undefined;
  /** The restart that spawned `handle` (undefined: spawned by start()). */
  spawnedBy: Restart | undefined;
  /** The restart in flight that will (re)start this child; cleared once the child is running again. */
  pending: Restart | undefined;
  restarts: number;
  /** Restarts since the child last ran stably (stableAfterMs): the exponent of its backoff. */
  consecutive: number;
  lastError: string | null;
  startedAt: number | null;
  readyAt: number | null;
  /** Woken on every state change; each waiter re-checks its own condition. */
  waiters: (() => void)[];
}

/** Fresh records of the children, in order; their ids must be unique. */
export function newChildren(specs: readonly ChildSpec[]): Child[] {
  const ids = new Set<string>();
  for (const c of specs) {
    if (ids.has(c.id)) throw new Error(`duplicate child id ${c.id}`);
    ids.add(c.id);
  }
  return specs.map(newChild);
}

/** A fresh record of a child that has not started yet. */
function newChild(spec: ChildSpec): Child {
  return {
    spec,
    domain: spec.domain ?? 'default',
    state: 'stopped',
    handle: undefined,
    spawnedBy: undefined,
    pending: undefined,
    restarts: 0,
    consecutive: 0,
    lastError: null,
    startedAt: null,
    readyAt: null,
    waiters: [],
  };
}

/** Whether the child has a worker that has not exited. */
export const live = (c: Child): boolean => c.handle !== undefined && !c.handle.ended;

/** A child's state as data (`GET /api/actors`), with its domain's state. */
export function childStatusOf(c: Child, domainState: DomainState): ChildStatus {
  return {
    id: c.spec.id,
    state: c.state,
    domain: c.domain,
    domainState,
    restart: c.spec.restart,
    restarts: c.restarts,
    lastError: c.lastError,
    startedAt: c.startedAt === null ? null : new Date(c.startedAt).toISOString(),
    lastHeartbeat: c.handle && c.state === 'running' ? new Date(c.handle.lastHeartbeat).toISOString() : null,
  };
}
