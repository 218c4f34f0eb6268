// Messages of SyncActor (type-only; both threads import it).

import type { AyoConfig } from '../config.js';
import type { SyncRunRecord } from '../db/index.js';
import type { PartnerCallEvent, SyncEvent } from '../sync/index.js';
import type { CircuitName } from '../util/resilience.js';
import type { ConnectivityEvent } from './connectivity.messages.js';
import type { CamerasChangedNotification } from './cameras.messages.js';
import type { RecorderStateEvent } from './recorder.messages.js';

/** Requests SyncActor answers: run a sync now (sharing a running one) and answer its record. */
export type SyncRequest = { type: 'sync:run'; trigger: string };

/** The reply to `sync:run`. */
export type SyncReply = SyncRunRecord;

/** What SyncActor reports: the sync's own events and its AYO circuit's transitions. */
export type SyncActorEvent =
  SyncEvent | PartnerCallEvent | { type: 'circuit:change'; dependency: 'ayo'; state: CircuitName };

/** A booking the sync created, changed or no longer finds at AYO: the actors that make videos look at once. */
export type BookingChangeEvent = Extract<SyncEvent, { type: 'booking:changed' | 'booking:vanished' }>;

/**
 * What SyncActor accepts: AYO reachable again (it syncs at once), and a camera's recording state (AYO hears the
 * change at once; the periodic report reads the recording index, so a missed one costs nothing), and a new camera
 * list (a reload of CAMERAS_FILE).
 */
export type SyncNotification = ConnectivityEvent | RecorderStateEvent | CamerasChangedNotification;

/** The actor's configuration slice. */
export interface SyncActorData {
  dbPath: string;
  timeZone: string;
  ayo: AyoConfig | undefined;
  intervalMs: number;
  daysBack: number;
  daysAhead: number;
  retentionDays: number;
  /** Every configured camera by name (their statuses go to AYO). */
  cameras: string[];
  /** The recorders' segment length: a camera whose last segment closed within a few of them is recording. */
  segmentSeconds: number;
  healthIntervalMs: number;
  cameraStatusIntervalMs: number;
}
