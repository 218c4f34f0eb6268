// Runtime endpoints: GET /readyz, GET /api/actors, GET /api/cameras, POST /api/sync.

import { defineEventHandler, setResponseStatus, type Router } from 'h3';
import type { SyncRunRecord } from '../db/index.js';
import type { ChildStatus } from '../supervisor/index.js';
import { httpErrorFrom } from './errors.js';
import type { RequestClip } from './videos.routes.js';
import { readQuery } from './query.js';

/** What the HTTP layer may ask of the running service. */
export interface ServiceControl {
  actors(): ChildStatus[];
  /** Why the service is not ready, or undefined when it is. */
  notReadyReason(): string | undefined;
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
    defineEventHandler((event) => {
      const reason = control.notReadyReason();
      if (reason === undefined)
        return { status: 'ready', actors: control.actors().map((a) => ({ id: a.id, state: a.state })) };
      setResponseStatus(event, 503);
      return { status: 'error', message: `not ready: ${reason}` };
    }),
  );

  router.get(
    '/api/actors',
    defineEventHandler((event) => {
      readQuery(event, []);
      const data = control.actors();
      return { status: 'success', count: data.length, data };
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
