// Messages of ConnectivityActor (type-only; both threads import it).

import type { ProbeTarget } from '../connectivity/index.js';

/** Requests ConnectivityActor answers. */
export type ConnectivityRequest = { type: 'connectivity:status' } | { type: 'connectivity:probe' };

/** Per-target state, the reply to both requests. */
export type ConnectivitySnapshot = Record<
  string,
  { online: boolean | null; reason: string | null; since: string | null }
>;

/** A transition of one target; the supervisor forwards it to the other actors. */
export type ConnectivityEvent = {
  type: 'connectivity:change';
  target: string;
  label: string;
  online: boolean;
  reason: string | null;
};

/** The actor's configuration slice. */
export interface ConnectivityActorData {
  targets: ProbeTarget[];
  intervalMs: number;
  timeoutMs: number;
}
