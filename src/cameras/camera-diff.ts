// What a new camera list changes for the recorders, camera by camera: only what changed is touched.

import type { CameraConfig } from '../recording/cameras.js';

/** The recorders to start, stop and restart for a new list, and whether anything else (a button) changed. */
export interface CameraDiff {
  /** Enabled now, and absent or disabled before: a new RecorderActor. */
  start: CameraConfig[];
  /** Enabled before, and absent or disabled now: its recorder stops cleanly. */
  stop: CameraConfig[];
  /** Enabled before and now, with a new URL or field: that recorder only restarts. */
  restart: CameraConfig[];
  /** Whether the lists differ at all (a disabled camera's URL, a buttonNo, the order). */
  changed: boolean;
}

/** Whether a running recorder must restart for `next` (what it records, or the field its retention guards). */
const recorderChanged = (a: CameraConfig, b: CameraConfig) => a.url !== b.url || a.fieldId !== b.fieldId;

/** Compares two validated lists. */
export function diffCameras(prev: readonly CameraConfig[], next: readonly CameraConfig[]): CameraDiff {
  const before = new Map(prev.map((c) => [c.name, c]));
  const after = new Map(next.map((c) => [c.name, c]));
  const start: CameraConfig[] = [];
  const restart: CameraConfig[] = [];
  for (const c of next) {
    const old = before.get(c.name);
    if (!c.enabled) continue;
    if (!old?.enabled) start.push(c);
    else if (recorderChanged(old, c)) restart.push(c);
  }
  const stop = prev.filter((c) => c.enabled && !after.get(c.name)?.enabled);
  return { start, stop, restart, changed: JSON.stringify(prev) !== JSON.stringify(next) };
}
