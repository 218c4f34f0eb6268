// The main thread's notification that the camera list changed (a reload of CAMERAS_FILE): the actors that know the
// list (SyncActor reports each camera's status to AYO, VideoActor maps fields to cameras) take the new one.

import type { CameraConfig } from '../recording/cameras.js';

/** The running camera list after a reload, every camera (disabled ones too). */
export type CamerasChangedNotification = { type: 'cameras:changed'; cameras: CameraConfig[] };
