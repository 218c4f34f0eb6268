// The cameras' live views: a camera's live ffmpeg (live-args.ts) runs only while someone watches it, started by the
// first fetch of its playlist and stopped once no fetch came for the idle time, so an unwatched camera costs nothing
// beyond its recording. It is a second pull from the camera, beside the recorder's: recording never depends on it.
// A live ffmpeg that dies while watched is started again with capped backoff; each dies with the service.

import fs from 'node:fs';
import path from 'node:path';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { runMedia, type MediaProcess } from '../media/index.js';
import type { CameraConfig } from '../recording/cameras.js';
import { LIVE_PLAYLIST, LIVE_SEGMENT_RE, liveArgs } from './live-args.js';

/** starting: ffmpeg runs, no playlist yet. live: segments are coming. restarting: ffmpeg died, a new one is due. */
export type LiveState = 'starting' | 'live' | 'restarting';

/** One live view as the API shows it. */
export interface LiveViewDto {
  camera: string;
  state: LiveState;
  startedAt: string;
  lastWatchedAt: string;
  /** The live ffmpeg's process id (null between two runs). */
  pid: number | null;
  restarts: number;
}

/** Dependencies of {@link createLiveViews}. */
export interface LiveViewsDeps {
  /** `$DATA_DIR/live`: one directory per watched camera, emptied at start. */
  liveDir: string;
  ffmpegPath: string;
  /** The service's current camera list (it changes on a reload). */
  cameras: () => readonly CameraConfig[];
  /** LIVE_IDLE_TIMEOUT: a live view nobody fetched for this long stops. */
  idleMs: number;
  logger: Logger;
  now?: () => number;
}

interface Session {
  camera: CameraConfig;
  dir: string;
  state: LiveState;
  startedAt: number;
  lastWatchedAt: number;
  proc: MediaProcess | undefined;
  restarts: number;
  backoffMs: number;
  timer: NodeJS.Timeout | undefined;
  stopping: boolean;
}

/** The answer to a watch: the session's directory, or why there is none. */
export type WatchResult = { ok: true; dir: string } | { ok: false; reason: 'unknown' | 'disabled' };

const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 10_000;

/** Creates the live views; nothing runs until a camera is watched. Example: `views.watch('CAM_1')`. */
export function createLiveViews(deps: LiveViewsDeps) {
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const sessions = new Map<string, Session>();
  // Directories of an earlier run are stale (their ffmpeg died with it).
  fs.rmSync(deps.liveDir, { recursive: true, force: true });

  const playlistOf = (s: Session) => path.join(s.dir, LIVE_PLAYLIST);

  function launch(s: Session): void {
    s.timer = undefined;
    if (s.stopping) return;
    fs.rmSync(s.dir, { recursive: true, force: true });
    fs.mkdirSync(s.dir, { recursive: true });
    s.state = 'starting';
    const proc = runMedia(deps.ffmpegPath, liveArgs({ url: s.camera.url, dir: s.dir }));
    s.proc = proc;
    void proc.exited.then((exit) => {
      if (s.proc === proc) s.proc = undefined;
      if (s.stopping) return;
      const why = exit.stderrTail.slice(-2).join(' | ') || `exit ${exit.code ?? exit.signal}`;
      logger.warn(`📺 LIVE: ${s.camera.name} ffmpeg ended (${why}); again in ${s.backoffMs / 1000} s`);
      s.state = 'restarting';
      s.restarts++;
      s.timer = setTimeout(() => launch(s), s.backoffMs);
      s.backoffMs = Math.min(MAX_BACKOFF_MS, s.backoffMs * 2);
    });
  }

  async function stop(s: Session, why: string): Promise<void> {
    if (s.stopping) return;
    s.stopping = true;
    sessions.delete(s.camera.name);
    clearTimeout(s.timer);
    await s.proc?.stop(2_000);
    fs.rmSync(s.dir, { recursive: true, force: true });
    logger.info(`📺 LIVE: ${s.camera.name} stopped (${why})`);
  }

  /** Stops what nobody watches and what no longer matches the camera list; marks views whose playlist came. */
  function sweep(): void {
    const current = new Map(deps.cameras().map((c) => [c.name, c]));
    for (const s of [...sessions.values()]) {
      const c = current.get(s.camera.name);
      if (!c || !c.enabled || c.url !== s.camera.url) void stop(s, 'camera changed');
      else if (now() - s.lastWatchedAt > deps.idleMs) void stop(s, `nobody watched for ${deps.idleMs / 1000} s`);
      else if (s.state === 'starting' && hasSegments(playlistOf(s))) {
        s.state = 'live';
        s.backoffMs = FIRST_BACKOFF_MS;
      }
    }
  }
  const sweeper = setInterval(sweep, Math.max(100, Math.min(1_000, deps.idleMs / 4)));
  sweeper.unref();

  return {
    /** Marks `name` watched now, starting its live ffmpeg when none runs. */
    watch(name: string): WatchResult {
      const camera = deps.cameras().find((c) => c.name === name);
      if (!camera) return { ok: false, reason: 'unknown' };
      if (!camera.enabled) return { ok: false, reason: 'disabled' };
      let s = sessions.get(name);
      if (s && s.camera.url !== camera.url) {
        void stop(s, 'camera changed');
        s = undefined;
      }
      if (!s) {
        const t = now();
        s = {
          camera,
          dir: path.join(deps.liveDir, name),
          state: 'starting',
          startedAt: t,
          lastWatchedAt: t,
          proc: undefined,
          restarts: 0,
          backoffMs: FIRST_BACKOFF_MS,
          timer: undefined,
          stopping: false,
        };
        sessions.set(name, s);
        logger.info(`📺 LIVE: ${name} started (someone watches)`);
        try {
          launch(s);
        } catch (e) {
          void stop(s, `could not start: ${describeError(e)}`);
          throw e;
        }
      }
      s.lastWatchedAt = now();
      return { ok: true, dir: s.dir };
    },
    /** The playlist of a running view once it lists a segment (waits up to `timeoutMs`); undefined if none came. */
    async playlist(name: string, timeoutMs: number): Promise<string | undefined> {
      const deadline = now() + timeoutMs;
      for (;;) {
        const s = sessions.get(name);
        if (!s) return undefined;
        // A request waiting for the first segment is someone watching: the idle time must not stop the view under it.
        s.lastWatchedAt = now();
        const text = readIfExists(playlistOf(s));
        if (text !== undefined && /#EXTINF/.test(text)) {
          if (s.state === 'starting') s.state = 'live';
          return text;
        }
        if (now() >= deadline) return undefined;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** The path of a segment of a running view (a fetch of it counts as watching); undefined when there is none. */
    segmentPath(name: string, file: string): string | undefined {
      const s = sessions.get(name);
      if (!s || !LIVE_SEGMENT_RE.test(file)) return undefined;
      s.lastWatchedAt = now();
      return path.join(s.dir, file);
    },
    /** The newest finished segment of a view that is live: its length and when its last frame was written. */
    newestSegment(name: string): { file: string; durationSec: number; writtenAtMs: number } | undefined {
      const s = sessions.get(name);
      if (!s || s.state !== 'live') return undefined;
      const last = lastSegmentOf(readIfExists(playlistOf(s)));
      if (!last) return undefined;
      const file = path.join(s.dir, last.file);
      try {
        return { file, durationSec: last.durationSec, writtenAtMs: fs.statSync(file).mtimeMs };
      } catch {
        return undefined; // deleted between the playlist's read and now
      }
    },
    /** The running views. */
    list(): LiveViewDto[] {
      return [...sessions.values()].map((s) => ({
        camera: s.camera.name,
        state: s.state,
        startedAt: new Date(s.startedAt).toISOString(),
        lastWatchedAt: new Date(s.lastWatchedAt).toISOString(),
        pid: s.proc?.child.pid ?? null,
        restarts: s.restarts,
      }));
    },
    /** Stops every view (the service's shutdown). */
    async close(): Promise<void> {
      clearInterval(sweeper);
      await Promise.all([...sessions.values()].map((s) => stop(s, 'service stopping')));
    },
  };
}

/** The live views of a running service. */
export type LiveViews = ReturnType<typeof createLiveViews>;

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function hasSegments(playlist: string): boolean {
  return /#EXTINF/.test(readIfExists(playlist) ?? '');
}

/** The last segment a playlist lists (a file matching the live segments' pattern) and its `#EXTINF` length. */
export function lastSegmentOf(playlist: string | undefined): { file: string; durationSec: number } | undefined {
  const lines = (playlist ?? '').split('\n').map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!LIVE_SEGMENT_RE.test(lines[i]!)) continue;
    const m = /^#EXTINF:([\d.]+)/.exec(lines[i - 1] ?? '');
    return { file: lines[i]!, durationSec: m ? Number(m[1]) : 0 };
  }
  return undefined;
}
