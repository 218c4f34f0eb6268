// Messages of SyncActor (type-only; both threads import it).

import type { AyoConfig } from '../config.js';
import type { SyncRunRecord } from '../db/index.js';
import type { PartnerCallEvent, SyncEvent } from '../sync/index.js';
import type { CircuitName } from '../util/resilience.js';

/** Requests SyncActor answers: run a sync now (sharing a running one) and answer its record. */
export type SyncRequest = { type: 'sync:run'; trigger: string };

/** The reply to `sync:run`. */
export type SyncReply = SyncRunRecord;

/** What SyncActor reports: the sync's own events and its AYO circuit's transitions. */
export type SyncActorEvent = SyncEvent | PartnerCallEvent | { type: 'circuit:change'; dependency: 'ayo'; state: CircuitName };

/** The actor's configuration slice. */
export interface SyncActorData {
  dbPath: string;
  timeZone: string;
  ayo: AyoConfig | undefined;
  intervalMs: number;
  daysBack: number;
  daysAhead: number;
  retentionDays: number;
  /** Enabled cameras by name (their statuses go to AYO). */
  cameras: string[];
  healthIntervalMs: number;
  cameraStatusIntervalMs: number;
}
