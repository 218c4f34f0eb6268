// What a new camera list changes in the running service: the recorders of the cameras that changed (and only those),
// then everything else that knows the list. The HTTP layer, the scrape-time metrics and the snapshots read the live
// list; SyncActor and VideoActor are told (and their specs updated, so that a restart of either gets the new list).

import type { ServiceSupervisor } from '../actors/protocols.js';
import type { SyncActorData } from '../actors/sync.messages.js';
import type { VideoActorData } from '../actors/video.messages.js';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics/registry.js';
import { secretsOfUrl, type CameraConfig } from '../recording/cameras.js';
import type { RecorderState } from '../recording/recorder.js';
import { recorderId, recorderSpec } from '../recorder-spec.js';
import { addSecrets } from '../redact.js';
import type { CameraDiff } from './camera-diff.js';

const STATES: RecorderState[] = ['recording', 'reconnecting', 'offline', 'disabled'];

/** The running camera list, and the names in it as a list that other parts hold on to (snapshots, metrics). */
export interface LiveCameras {
  current: () => readonly CameraConfig[];
  /** Every camera's name; the same array throughout, updated in place. */
  readonly names: string[];
  set: (next: readonly CameraConfig[]) => void;
  /** Calls `listener` with every new list (a part of the main thread that keeps its own view, e.g. the buttons). */
  onChange: (listener: (next: readonly CameraConfig[]) => void) => void;
}

/** Creates the live list from the configuration's. */
export function createLiveCameras(initial: readonly CameraConfig[]): LiveCameras {
  let list = [...initial];
  const names = list.map((c) => c.name);
  const listeners: ((next: readonly CameraConfig[]) => void)[] = [];
  return {
    current: () => list,
    names,
    set: (next) => {
      list = [...next];
      names.splice(0, names.length, ...list.map((c) => c.name));
      // A throwing listener cannot stop the reload: the recorders still change.
      for (const l of listeners) {
        try {
          l(list);
        } catch {
          /* its own concern */
        }
      }
    },
    onChange: (listener) => void listeners.push(listener),
  };
}

/** Dependencies of {@link createCameraApplier}. */
export interface CameraApplierDeps {
  config: Config;
  live: LiveCameras;
  supervisor: () => ServiceSupervisor | undefined;
  metrics: Metrics;
  cameraStates: Map<string, unknown>;
}

/** Sets a camera's state gauges to `state` (the others 0). */
function setStateGauge(m: Metrics, camera: string, state: RecorderState): void {
  for (const s of STATES) m.cameraState.set({ camera, state: s }, s === state ? 1 : 0);
  m.cameraRecording.set({ camera }, state === 'recording' ? 1 : 0);
}

/** Returns the reloader's `apply`: recorders first stopped, then restarted, then started; then the list's readers. */
export function createCameraApplier(deps: CameraApplierDeps) {
  const { config, live, metrics } = deps;
  return async (next: CameraConfig[], diff: CameraDiff): Promise<void> => {
    const sup = deps.supervisor();
    if (!sup) throw new Error('the service is starting');
    // The scrubber learns the new passwords before anything (a recorder's log line, an error) can carry them.
    addSecrets(next.flatMap((c) => secretsOfUrl(c.url)));
    const names = new Set(next.map((c) => c.name));
    live.set(next);
    // SyncActor and VideoActor hear the new list at once, and get it again if they restart.
    if (sup.hasChild('sync'))
      sup.updateChildData('sync', (d) => ({ ...(d as SyncActorData), cameras: next.map((c) => c.name) }));
    if (sup.hasChild('video')) sup.updateChildData('video', (d) => ({ ...(d as VideoActorData), cameras: next }));
    sup.broadcast({ type: 'cameras:changed', cameras: next });

    await Promise.all(
      diff.stop.map(async (c) => {
        if (sup.hasChild(recorderId(c.name))) await sup.removeChild(recorderId(c.name));
        metrics.actorUp.remove({ actor: recorderId(c.name) });
        deps.cameraStates.delete(c.name);
        if (names.has(c.name)) setStateGauge(metrics, c.name, 'disabled');
        else {
          for (const s of STATES) metrics.cameraState.remove({ camera: c.name, state: s });
          metrics.cameraRecording.remove({ camera: c.name });
          metrics.segmentAge.remove({ camera: c.name });
        }
      }),
    );
    await Promise.all(
      diff.restart.map((c) =>
        sup.hasChild(recorderId(c.name))
          ? sup.replaceChild(recorderSpec(config, c))
          : sup.addChild(recorderSpec(config, c)),
      ),
    );
    await Promise.all(
      diff.start.map((c) => {
        setStateGauge(metrics, c.name, 'reconnecting');
        return sup.addChild(recorderSpec(config, c));
      }),
    );
  };
}
