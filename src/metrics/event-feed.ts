// Feeds the metrics from the supervision tree's events: actor lifecycle, failure domains, and the actors' own events.

import type { ActorEvent } from '../actors/protocols.js';
import type { RestartCode } from '../recording/recorder.js';
import type { SupervisorEvents, TypedEmitter } from '../supervisor/index.js';
import type { Metrics } from './registry.js';

const CIRCUIT_VALUE = { closed: 0, 'half-open': 1, open: 2, isolated: 2 } as const;

/** The metric's label for each restart code (the labels predate the codes, and dashboards use them). */
const RESTART_LABEL: Record<RestartCode, 'stall' | 'missing' | 'exit'> = {
  stall: 'stall',
  'ffmpeg-missing': 'missing',
  'ffmpeg-failed': 'exit',
};

/** Subscribes the metrics to the supervisor's events. */
export function feedMetrics(events: TypedEmitter<SupervisorEvents<ActorEvent>>, m: Metrics): void {
  events.on('actor:ready', ({ id }) => m.actorUp.set({ actor: id }, 1));
  events.on('actor:crash', ({ id }) => m.actorUp.set({ actor: id }, 0));
  events.on('actor:stop', ({ id }) => m.actorUp.set({ actor: id }, 0));
  events.on('actor:restart', ({ id }) => m.actorRestarts.inc({ actor: id }));
  // A failed domain counts as failed until every actor of it runs again after its retry.
  events.on('domain:failed', ({ domain }) => m.domainFailed.set({ domain }, 1));
  events.on('domain:recovered', ({ domain }) => m.domainFailed.set({ domain }, 0));
  // Two actors may guard one dependency with breakers of their own (SyncActor and NotifyActor both call AYO): the
  // gauge shows the worst of them. Each actor reports its breaker closed when it starts, so a restarted actor's fresh
  // breaker replaces its old state.
  const circuits = new Map<string, Map<string, number>>();
  const setCircuit = (actor: string, dependency: string, value: number) => {
    const byActor = circuits.get(dependency) ?? new Map<string, number>();
    circuits.set(dependency, byActor.set(actor, value));
    m.circuit.set({ dependency }, Math.max(...byActor.values()));
  };
  events.on('actor:event', ({ id, event }) => {
    if (event.type === 'circuit:change') setCircuit(id, event.dependency, CIRCUIT_VALUE[event.state]);
    else onDomainEvent(event, m);
  });
}

function onDomainEvent(e: ActorEvent, m: Metrics): void {
  switch (e.type) {
    case 'sync:run': {
      const r = e.record;
      const outcome = r.error ? 'failed' : r.failedDates.length ? 'partial' : 'success';
      m.syncRuns.inc({ outcome });
      for (const result of ['created', 'updated', 'unchanged', 'skipped'] as const)
        m.syncBookings.inc({ result }, r[result]);
      if (r.finishedAt) {
        m.syncDuration.observe((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000);
        if (outcome === 'success') m.syncLastSuccess.set(Date.parse(r.finishedAt) / 1000);
      }
      return;
    }
    case 'ayo:call':
      m.ayoCalls.inc({ endpoint: e.endpoint, outcome: e.outcome });
      return;
    case 'connectivity:change':
      m.connectivity.set({ dependency: e.target }, e.online ? 1 : 0);
      return;
    case 'recorder:state':
      m.cameraRecording.set({ camera: e.camera }, e.state === 'recording' ? 1 : 0);
      for (const state of ['recording', 'reconnecting', 'offline', 'disabled'])
        m.cameraState.set({ camera: e.camera, state }, state === e.state ? 1 : 0);
      return;
    case 'segment:closed':
      m.segments.inc({ camera: e.camera });
      return;
    case 'recorder:restart':
      m.ffmpegRestarts.inc({ camera: e.camera, reason: RESTART_LABEL[e.code] });
      return;
    case 'recording:gap':
      m.gapSeconds.inc({ camera: e.camera }, (e.endMs - e.startMs) / 1000);
      return;
    case 'clip:done':
      m.clipSeconds.observe({ camera: e.camera }, e.seconds);
      m.clipCoverage.observe({ camera: e.camera }, e.coverage);
      return;
    case 'delivery:done':
      if (e.kind === 'upload' || e.kind === 'upload-full' || e.kind === 'purchase') {
        m.uploads.inc({ outcome: 'success' });
        if (e.kind === 'upload') m.uploadSeconds.observe(e.ms / 1000);
        for (const [kind, bytes] of Object.entries(e.bytesByKind ?? {})) m.uploadBytes.inc({ kind }, bytes);
      } else {
        m.notifications.inc({ outcome: 'success' });
      }
      return;
    case 'delivery:failed':
      (e.kind === 'notify' || e.kind === 'save-video' ? m.notifications : m.uploads).inc({
        outcome: e.final ? 'failed' : 'retry',
      });
      return;
    case 'purchase:outcome':
      m.purchases.inc({ outcome: e.outcome });
      if (e.seconds !== undefined) m.purchaseSeconds.observe(e.seconds);
      return;
    default:
      // The other events (booking changes, the video lifecycle's own) have no metric of their own.
      return;
  }
}
