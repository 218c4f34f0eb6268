// Applies a new camera list while the service runs: from CAMERAS_FILE when it changes (watched) or on SIGHUP, or
// after the editor saved it. The new list is validated as at start; a bad one is refused with the reason and the
// running cameras keep running. Reloads run one at a time; requests during one are served by the next.

import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { CameraConfig } from '../recording/cameras.js';
import { diffCameras, type CameraDiff } from './camera-diff.js';
import { readCamerasFile } from './cameras-file.js';
import { watchFile, type FileWatch } from './file-watch.js';

/** What asked for a reload: the file changed, SIGHUP, or the editor's save. */
export type ReloadTrigger = 'file' | 'signal' | 'api';

/** The outcome of one reload (`GET /api/cameras/config`, `/api/status`). */
export interface CameraReloadResult {
  at: string;
  trigger: ReloadTrigger;
  /** applied: recorders changed as listed; unchanged: the file holds the running list; refused: bad file; failed: applying it failed. */
  result: 'applied' | 'unchanged' | 'refused' | 'failed';
  /** Why the file was refused or applying it failed (never a password). */
  problems: string[];
  started: string[];
  stopped: string[];
  restarted: string[];
}

/** Where the cameras come from, whether they can change without a restart, and the last reload. */
export interface CameraReloadStatus {
  source: 'CAMERAS_FILE' | 'CAMERAS' | 'demo';
  /** CAMERAS_FILE's path; null otherwise. */
  file: string | null;
  reloadable: boolean;
  /** Why the cameras cannot change while the service runs (null when they can). */
  reason: string | null;
  lastReload: CameraReloadResult | null;
}

/** Dependencies of {@link createCameraReloader}. */
export interface CameraReloaderDeps {
  /** CAMERAS_FILE's path; undefined: the cameras came from CAMERAS (or the demo) and cannot be reloaded. */
  file: string | undefined;
  source: CameraReloadStatus['source'];
  /** The running list. */
  current(): readonly CameraConfig[];
  /** Starts, stops and restarts the recorders of `diff`, and hands `next` to everything that knows the list. */
  apply(next: CameraConfig[], diff: CameraDiff): Promise<void>;
  logger: Logger;
  debounceMs?: number;
  /** How long a file that vanished (an editor's save) may stay missing before a change is refused. Default 2 s. */
  missingGraceMs?: number;
}

const WHY_NOT = {
  CAMERAS: 'the cameras come from the CAMERAS variable: set CAMERAS_FILE instead to change them without a restart',
  demo: "the demo's synthetic cameras are built in: set CAMERAS_FILE to change cameras without a restart",
} as const;

const TRIGGER_TEXT: Record<ReloadTrigger, string> = {
  file: 'file changed',
  signal: 'SIGHUP',
  api: 'saved in the editor',
};

/** Creates the reloader; `watch()` starts watching the file. Example: `reloader.reload('signal')`. */
export function createCameraReloader(deps: CameraReloaderDeps) {
  const { logger } = deps;
  let lastReload: CameraReloadResult | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let queued: Promise<CameraReloadResult> | undefined;
  let watch: FileWatch | undefined;
  let closed = false;

  const result = (
    trigger: ReloadTrigger,
    outcome: CameraReloadResult['result'],
    problems: string[] = [],
    diff?: CameraDiff,
  ): CameraReloadResult => ({
    at: new Date().toISOString(),
    trigger,
    result: outcome,
    problems,
    started: diff?.start.map((c) => c.name) ?? [],
    stopped: diff?.stop.map((c) => c.name) ?? [],
    restarted: diff?.restart.map((c) => c.name) ?? [],
  });

  /** Reads the file; a change event may come while an editor's rename is half done: a missing file gets a moment. */
  async function read(file: string, trigger: ReloadTrigger) {
    const graceMs = deps.missingGraceMs ?? 2_000;
    let read = readCamerasFile(file);
    for (let waited = 0; !read.ok && read.missing && trigger === 'file' && waited < graceMs; waited += 200) {
      await sleep(200);
      read = readCamerasFile(file);
    }
    return read;
  }

  async function run(trigger: ReloadTrigger): Promise<CameraReloadResult> {
    const how = TRIGGER_TEXT[trigger];
    if (!deps.file) {
      const r = result(trigger, 'refused', [
        `cannot reload the cameras: ${WHY_NOT[deps.source as 'CAMERAS' | 'demo']}`,
      ]);
      logger.warn(`🎥 CAMERAS: ${how}, but ${r.problems[0]}`);
      return r;
    }
    const read_ = await read(deps.file, trigger);
    if (closed) return result(trigger, 'failed', ['the service is stopping']);
    if (!read_.ok) {
      const r = result(trigger, 'refused', read_.problems);
      lastReload = r;
      logger.error(
        `🎥 CAMERAS: new camera list refused (${how}): ${read_.problems.join('; ')}; the running cameras keep running`,
      );
      return r;
    }
    const diff = diffCameras(deps.current(), read_.cameras);
    if (!diff.changed) {
      const r = result(trigger, 'unchanged');
      // The watcher also hears the editor's own save, applied already: that is no news.
      if (trigger === 'file') logger.debug(`🎥 CAMERAS: CAMERAS_FILE changed on disk but holds the running list`);
      else {
        lastReload = r;
        logger.info(`🎥 CAMERAS: reloaded (${how}): nothing changed`);
      }
      return r;
    }
    try {
      await deps.apply(read_.cameras, diff);
    } catch (e) {
      const r = result(trigger, 'failed', [describeError(e)], diff);
      lastReload = r;
      logger.error(`🎥 CAMERAS: applying the new camera list failed (${how}): ${describeError(e)}`);
      return r;
    }
    const r = result(trigger, 'applied', [], diff);
    lastReload = r;
    const parts = [
      r.started.length ? `started ${r.started.join(', ')}` : '',
      r.stopped.length ? `stopped ${r.stopped.join(', ')}` : '',
      r.restarted.length ? `restarted ${r.restarted.join(', ')}` : '',
    ].filter(Boolean);
    logger.info(
      `🎥 CAMERAS: reloaded (${how}): ${read_.cameras.length} camera(s); ${parts.join('; ') || 'no recorder changed'}`,
    );
    return r;
  }

  const reloader = {
    /** Reads and applies the file now (after any reload in progress); a request while one waits shares it. */
    reload(trigger: ReloadTrigger): Promise<CameraReloadResult> {
      if (queued) return queued;
      const next = running.then(() => {
        queued = undefined;
        return run(trigger);
      });
      queued = next;
      running = next.catch(() => undefined);
      return next;
    },
    /** Starts watching CAMERAS_FILE (nothing to watch without it). */
    watch(): void {
      if (!deps.file || watch || closed) return;
      watch = watchFile(deps.file, () => void reloader.reload('file'), { logger, debounceMs: deps.debounceMs });
    },
    status(): CameraReloadStatus {
      return {
        source: deps.source,
        file: deps.file ?? null,
        reloadable: deps.file !== undefined,
        reason: deps.file ? null : WHY_NOT[deps.source as 'CAMERAS' | 'demo'],
        lastReload,
      };
    },
    /** Stops watching; a reload in progress finishes. */
    close(): void {
      closed = true;
      watch?.close();
    },
  };
  return reloader;
}

/** A camera reloader. */
export type CameraReloader = ReturnType<typeof createCameraReloader>;
