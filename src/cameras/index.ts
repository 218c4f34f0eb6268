// Cameras changed while the service runs: CAMERAS_FILE read, written and watched, the reload that touches only the
// recorders that changed, the dashboard's editor and its ffprobe test.

export { createCameraRuntime, type CameraRuntimeDeps } from './camera-runtime.js';
export { type LiveCameras } from './apply-cameras.js';
export { diffCameras, type CameraDiff } from './camera-diff.js';
export {
  isCameraEditError,
  withStoredSecrets,
  type CameraEditor,
  type CameraTestResult,
  type CamerasConfigView,
  type EditorCamera,
} from './camera-editor.js';
export { type CameraProbe } from './camera-probe.js';
export {
  type CameraReloader,
  type CameraReloadResult,
  type CameraReloadStatus,
  type ReloadTrigger,
} from './camera-reload.js';
export { readCamerasFile, writeCamerasFileAtomically } from './cameras-file.js';
export { watchFile, type FileWatch } from './file-watch.js';
