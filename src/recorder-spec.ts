// How a camera becomes a supervised RecorderActor: its child spec, built from the configuration and one camera.
// The service builds them at start, and again for a camera added or changed while it runs.

import path from 'node:path';
import { acceptsOf } from './actors/protocols.js';
import type { RecorderActorData } from './actors/recorder.messages.js';
import type { Config } from './config.js';
import type { CameraConfig } from './recording/cameras.js';
import type { ChildSpec } from './supervisor/index.js';

/** Every actor's heap cap. */
export const ACTOR_LIMITS = { maxOldGenerationSizeMb: 256 };

/** Worker entries sit beside this file: `.ts` when run from source (tests, tsx), `.js` when built. */
export function actorEntry(name: string): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./actors/${name}${ext}`, import.meta.url);
}

/** Where the recorders write: `$DATA_DIR/media/recordings/<camera>/<venue date>/`. */
export function recordingsDir(config: Config): string {
  return path.join(config.dataDir, 'media', 'recordings');
}

/** The actor id of a camera's recorder. */
export const recorderId = (camera: string): `recorder:${string}` => `recorder:${camera}`;

/** The child spec of one enabled camera's RecorderActor (domain `recording`, the critical one). */
export function recorderSpec(config: Config, camera: CameraConfig): ChildSpec {
  return {
    id: recorderId(camera.name),
    entry: actorEntry('recorder.actor'),
    domain: 'recording',
    restart: 'permanent',
    // ffmpeg gets SIGINT and finishes its last segment, which is indexed, well within this.
    shutdownMs: 8_000,
    resourceLimits: ACTOR_LIMITS,
    accepts: acceptsOf('recorder'),
    data: {
      camera,
      dbPath: config.dbPath,
      recordingsDir: recordingsDir(config),
      segmentSeconds: config.recording.segmentSeconds,
      ffmpegPath: config.recording.ffmpegPath,
      timeZone: config.venueTimezone,
      retentionHours: config.recording.retentionHours,
      minFreeDiskMb: config.recording.minFreeDiskMb,
    } satisfies RecorderActorData,
  };
}
