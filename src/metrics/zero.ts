// Every label value known in advance starts at 0, as Prometheus' instrumentation guidelines advise: a fresh box
// shows "0 uploads failed", not "No data", which an operator cannot tell from a broken scrape. Values only known
// later (a camera added at runtime) are started when first seen; a series that already counts is never touched.

import { BOOKING_STATUSES } from '../db/index.js';
import type { Metrics } from './registry.js';

/** Label values of the service's metrics that are known before any event. */
export const KNOWN_LABELS = {
  syncOutcomes: ['success', 'partial', 'failed'],
  syncResults: ['created', 'updated', 'unchanged', 'skipped'],
  deliveryOutcomes: ['success', 'retry', 'failed'],
  restartReasons: ['exit', 'stall', 'missing'],
  ayoEndpoints: ['health-check', 'update-camera-status'],
  ayoOutcomes: ['success', 'failed'],
  bookingStatuses: [...BOOKING_STATUSES, 'other'],
  videoTypes: ['full', 'clip'],
  purchaseOutcomes: ['delivered', 'invalid', 'incompleted', 'failed'],
} as const;

/** What is known at start: the cameras and the actors (child ids). */
export interface KnownAtStart {
  cameras: readonly string[];
  actors: readonly string[];
}

/** The zeroer: `start` once before the actors run, `cameras` whenever the list may have grown (each scrape). */
export interface MetricZeroer {
  start(known: KnownAtStart): void;
  cameras(names: readonly string[]): void;
}

/** Creates the zeroer of `m`. Example: `const zero = createMetricZeroer(m); zero.start({ cameras, actors })`. */
export function createMetricZeroer(m: Metrics): MetricZeroer {
  const K = KNOWN_LABELS;
  const seenCameras = new Set<string>();
  const seenActors = new Set<string>();
  // Counters: inc by 0 creates the series at 0 and leaves an existing one as it is.
  const cameras = (names: readonly string[]) => {
    for (const camera of names) {
      if (seenCameras.has(camera)) continue;
      seenCameras.add(camera);
      m.segments.inc({ camera }, 0);
      m.gapSeconds.inc({ camera }, 0);
      for (const reason of K.restartReasons) m.ffmpegRestarts.inc({ camera, reason }, 0);
      // A histogram's zero() would wipe observations: only for a camera seen for the first time.
      m.clipSeconds.zero({ camera });
      m.clipCoverage.zero({ camera });
    }
  };
  return {
    start(known) {
      for (const outcome of K.syncOutcomes) m.syncRuns.inc({ outcome }, 0);
      for (const result of K.syncResults) m.syncBookings.inc({ result }, 0);
      for (const outcome of K.deliveryOutcomes) {
        m.uploads.inc({ outcome }, 0);
        m.notifications.inc({ outcome }, 0);
      }
      for (const outcome of K.purchaseOutcomes) m.purchases.inc({ outcome }, 0);
      for (const endpoint of K.ayoEndpoints)
        for (const outcome of K.ayoOutcomes) m.ayoCalls.inc({ endpoint, outcome }, 0);
      for (const actor of known.actors) {
        if (seenActors.has(actor)) continue;
        seenActors.add(actor);
        m.actorRestarts.inc({ actor }, 0);
      }
      cameras(known.cameras);
    },
    cameras,
  };
}
