// Runtime endpoints: GET /readyz, GET /api/actors, GET /api/cameras, POST /api/sync.

import { defineEventHandler, setResponseStatus, type Router } from 'h3';
import type { SyncRunRecord } from '../db/index.js';
import type { ChildStatus, DomainStatus } from '../supervisor/index.js';
import { httpErrorFrom } from './errors.js';
import type { RequestClip } from './videos.routes.js';
import { readQuery } from './query.js';

/** What the HTTP layer may ask of the running service. */
export interface ServiceControl {
  actors(): ChildStatus[];
  /** The failure domains (recording, sync, delivery, ...) and their states. */
  domains?(): DomainStatus[];
  /** Why the service is not ready, or undefined when it is (never blocks the event loop). */
  notReadyReason(): Promise<string | undefined> | string | undefined;
  /** False once shutdown began: requests that start work are refused. */
  accepting(): boolean;
  runSync(): Promise<SyncRunRecord>;
  cameras(): CameraDto[];
  requestClip?: RequestClip;
  /** Tells the actors that queued work is due (after an operator's retry). */
  wake?: () => void;
}

/** A camera as GET /api/cameras answers it (its URL with the password hidden). */
export interface CameraDto {
  name: string;
  fieldId: number;
  enabled: boolean;
  url: string;
  state: 'recording' | 'reconnecting' | 'offline' | 'disabled';
  reason: string | null;
  lastSegmentEndAt: string | null;
  lastSegmentAgeSeconds: number | null;
  segmentsLastHour: number;
  bytesLastHour: number;
}

/** Registers the runtime endpoints. */
export function registerRuntimeRoutes(router: Router, control: ServiceControl): void {
  router.get(
    '/readyz',
    defineEventHandler(async (event) => {
      const reason = await control.notReadyReason();
      if (reason === undefined) {
        const actors = control.actors().map((a) => ({ id: a.id, state: a.state }));
        return { status: 'ready', actors, domains: control.domains?.().map((d) => ({ name: d.name, state: d.state })) };
      }
      setResponseStatus(event, 503);
      // A failed domain is named in the message (see notReadyReason).
      return { status: 'error', message: `not ready: ${reason}` };
    }),
  );

  router.get(
    '/api/actors',
    defineEventHandler((event) => {
      readQuery(event, []);
      const data = control.actors();
      return { status: 'success', count: data.length, data, domains: control.domains?.() ?? [] };
    }),
  );

  router.get(
    '/api/cameras',
    defineEventHandler((event) => {
      readQuery(event, []);
      const data = control.cameras();
      return { status: 'success', count: data.length, data };
    }),
  );

  router.post(
    '/api/sync',
    defineEventHandler(async (event) => {
      readQuery(event, []);
      try {
        return { status: 'success', data: await control.runSync() };
      } catch (e) {
        throw httpErrorFrom(e, 'Booking sync');
      }
    }),
  );
}
