// The running service's camera list and what changes it: the live list, the reloader (CAMERAS_FILE watched,
// SIGHUP) with the applier that touches only the recorders that changed, and the dashboard's editor.

import type { ServiceSupervisor } from '../actors/protocols.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/registry.js';
import { createCameraApplier, createLiveCameras } from './apply-cameras.js';
import { createCameraEditor } from './camera-editor.js';
import { createCameraReloader } from './camera-reload.js';

/** Dependencies of {@link createCameraRuntime}. */
export interface CameraRuntimeDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  cameraStates: Map<string, unknown>;
  supervisor: () => ServiceSupervisor | undefined;
}

/** Builds the live list, reloader and editor; call `reloader.watch()` once the actors run. */
export function createCameraRuntime(deps: CameraRuntimeDeps) {
  const { config } = deps;
  const live = createLiveCameras(config.cameras);
  const demoCameras = !!config.demo && config.cameras.every((c) => c.name.startsWith('DEMO_CAM_'));
  const reloader = createCameraReloader({
    file: config.camerasFile,
    source: config.camerasFile ? 'CAMERAS_FILE' : demoCameras ? 'demo' : 'CAMERAS',
    current: live.current,
    apply: createCameraApplier({ ...deps, live }),
    logger: deps.logger,
  });
  const editor = createCameraEditor({ reloader, current: live.current, ffprobe: config.recording.ffprobePath });
  return { live, reloader, editor };
}
