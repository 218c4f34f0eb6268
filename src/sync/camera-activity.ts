// Whether each camera records right now, for the status AYO hears. The recording index in SQLite is the source of
// truth: a recorder announces its state only when it changes, and an announcement sent while SyncActor restarts is
// lost, so a state kept from announcements alone would report a steadily recording camera as INACTIVE.

import type { Db } from '../db/index.js';

/** A camera counts as recording while its last segment closed within this many segment lengths. */
export const RECORDING_WITHIN_SEGMENTS = 3;

/** Dependencies of {@link createCameraActivity}. */
export interface CameraActivityDeps {
  db: Db;
  /** The recorders' segment length. */
  segmentSeconds: number;
  now?: () => number;
}

/** Reads whether cameras record; `noted` takes the recorders' state announcements that arrive. */
export interface CameraActivity {
  /** Whether `camera` records now: a recent segment, and no stop announced after it. */
  recording(camera: string): boolean;
  /** A recorder announced its state: a stop counts from now until a newer segment closes. */
  noted(camera: string, recording: boolean): void;
}

/** Creates the reader over the `segments` table. */
export function createCameraActivity(deps: CameraActivityDeps): CameraActivity {
  const now = deps.now ?? Date.now;
  // The recorder's own watchdog restarts ffmpeg after two segment lengths without a segment, so three lengths of
  // silence mean the camera is not recording, whatever the last announcement said.
  const windowMs = RECORDING_WITHIN_SEGMENTS * deps.segmentSeconds * 1000;
  // When the newest segment closed: its `created_at` is the moment the recorder indexed it (its wall-clock end may
  // be anchored up to a second or so away from that moment).
  const last = deps.db.prepare<[string], { created_at: string }>(
    'SELECT created_at FROM segments WHERE camera = ? ORDER BY end_ms DESC LIMIT 1',
  );
  // A stop is known at once from the announcement, seconds before the index shows it: it wins over older segments.
  const stoppedAt = new Map<string, number>();
  return {
    recording(camera) {
      const row = last.get(camera);
      if (!row) return false;
      const closedAt = Date.parse(row.created_at);
      const stopped = stoppedAt.get(camera);
      if (stopped !== undefined && stopped >= closedAt) return false;
      return now() - closedAt <= windowMs;
    },
    noted(camera, recording) {
      if (recording) stoppedAt.delete(camera);
      else stoppedAt.set(camera, now());
    },
  };
}
