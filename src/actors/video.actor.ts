// VideoActor: turns finished bookings into videos and runs their cut jobs on a piscina pool of clip tasks
// (CLIP_CONCURRENCY at once, one per camera at a time). Scans every VIDEO_SCAN_INTERVAL and at once when the
// sync reports a booking change.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { checkSlice } from '../config.js';
import { busyEpisodes, createJobsRepo, openDatabase, retryWhileBusy } from '../db/index.js';
import { describeError } from '../errors.js';
import { assertNever, runActor } from '../supervisor/index.js';
import { createExportRunner, expireExports, exportsDirOf } from '../exports/index.js';
import type { ClipTaskInput, ClipTaskResult, CutTaskInput, CutTaskResult } from '../video/clip.task.js';
import { createVideoPipeline } from '../video/pipeline.js';
import { secretsOfUrl } from '../recording/cameras.js';
import { addSecrets } from '../redact.js';
import type { NotificationOf } from './protocols.js';
import { startupWhileBusy } from './startup-busy.js';
import type { VideoActorData, VideoActorEvent, VideoReply, VideoRequest } from './video.messages.js';

/** The clip task sits beside the video modules: `.ts` from source (tests, tsx), `.js` when built. */
const TASK = new URL(`../video/clip.task${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * The module piscina loads. A `.ts` task is wrapped in a tiny module that registers tsx first: on Node 20,
 * `execArgv: ['--import', 'tsx']` does not reach a worker's module loading.
 */
function taskModule(): string {
  if (!TASK.pathname.endsWith('.ts')) return TASK.href;
  const api = import.meta.resolve('tsx/esm/api');
  const code = `const { register } = await import(${JSON.stringify(api)}); register();
const m = await import(${JSON.stringify(TASK.href)}); export const { processClip, cutWindow } = m;\n`;
  const file = path.join(
    os.tmpdir(),
    `venue-recorder-clip-task-${createHash('sha1').update(code).digest('hex').slice(0, 12)}.mjs`,
  );
  fs.writeFileSync(file, code);
  return pathToFileURL(file).href;
}

runActor<VideoRequest, VideoReply, VideoActorEvent, VideoActorData, NotificationOf<'video'>>(async (ctx) => {
  // The slice came through workerData: checked again on this thread, as the loader checked the environment.
  const d = checkSlice('video', ctx.data);
  // A lock held at start-up (a restart during an operator's sqlite3 session) is waited out, not a start-up crash.
  const db = await startupWhileBusy(ctx, 'open the database', () => openDatabase(d.dbPath));
  const pool = new Piscina({
    filename: taskModule(),
    maxThreads: d.clipConcurrency,
    minThreads: 0,
    idleTimeout: 30_000,
  });
  pool.on('error', (e: unknown) => ctx.logger.error(`🎬 VIDEO: clip pool error: ${describeError(e)}`));
  // One task of the pool (a booking's clip, or an export's cut): cancelled through its port when `signal` aborts.
  const runTask = async <I, R>(
    name: string,
    input: I,
    signal: AbortSignal,
  ): Promise<R | Extract<ClipTaskResult, { ok: false }>> => {
    const { port1, port2 } = new MessageChannel();
    const cancel = () => port1.postMessage('cancel');
    if (signal.aborted) cancel();
    else signal.addEventListener('abort', cancel, { once: true });
    try {
      return (await pool.run({ ...input, cancelPort: port2 }, { name, transferList: [port2] })) as R;
    } catch (e) {
      // A pool failure (a task thread that died) is a failed attempt, not a crash of the actor.
      return {
        ok: false,
        error: {
          name: 'ClipTaskError',
          message: `clip task failed: ${describeError(e)}`,
          retryable: true,
          code: 'transient',
        },
      };
    } finally {
      signal.removeEventListener('abort', cancel);
      port1.close();
    }
  };
  const runClip = (input: Omit<ClipTaskInput, 'cancelPort'>, signal: AbortSignal) =>
    runTask<typeof input, ClipTaskResult>('processClip', input, signal);
  const deps = { ...d, db, runClip, logger: ctx.logger, onEvent: (e: VideoActorEvent) => ctx.emit(e) };
  // A cut that was running when the previous incarnation died goes back to the queue (its lease is ours).
  const released = await startupWhileBusy(ctx, 'requeue interrupted cuts', () =>
    createJobsRepo(db).releaseRunning('cut'),
  );
  if (released > 0) ctx.logger.warn(`🎬 VIDEO: ${released} cut job(s) interrupted earlier are queued again`);
  // Operators' exports run on the same pool (their own kind and table: never a video, never announced to AYO).
  const exportsRunner = createExportRunner(
    {
      ...d,
      db,
      cameras: () => deps.cameras,
      exportsDir: exportsDirOf(d.videosDir),
      runCut: (input: Omit<CutTaskInput, 'cancelPort'>, signal) =>
        runTask<typeof input, CutTaskResult>('cutWindow', input, signal),
      logger: ctx.logger,
    },
    `video:${process.pid}`,
  );
  const resumed = await startupWhileBusy(ctx, 'requeue interrupted exports', () =>
    createJobsRepo(db).releaseRunning('export'),
  );
  if (resumed > 0) ctx.logger.warn(`📦 EXPORT: ${resumed} export cut(s) interrupted earlier are queued again`);

  const { runner, scanner, sweepFiles } = createVideoPipeline(deps, `video:${process.pid}`);
  // A held lock (an operator's sqlite3, a backup) delays the queue's pumps and the scans: the pump is looked at again
  // with backoff (it runs every second anyway), a scan is retried with backoff; one line when the lock is met and one
  // when it goes.
  const pumps = busyEpisodes('video: queue', ctx.logger);
  const pump = () => {
    try {
      pumps.run(() => runner.pump() + exportsRunner.pump());
    } catch (e) {
      ctx.logger.error(`🎬 VIDEO: queue failed: ${describeError(e)}`);
    }
  };
  const stopping = new AbortController();
  let scanning = false;
  const scan = () => {
    if (scanning) return; // a scan still waits for a lock: it covers this one
    scanning = true;
    void retryWhileBusy(
      () => {
        scanner.scan();
        sweepFiles();
        expireExports(db, ctx.logger);
      },
      { what: 'video: scan', logger: ctx.logger, signal: stopping.signal },
    )
      .then(pump, (e: unknown) => {
        if (!stopping.signal.aborted) ctx.logger.error(`🎬 VIDEO: scan failed: ${describeError(e)}`);
      })
      .finally(() => (scanning = false));
  };
  let soon: NodeJS.Timeout | undefined;
  const scanSoon = () => {
    clearTimeout(soon);
    soon = setTimeout(scan, 200);
  };
  const scanTimer = setInterval(scan, d.scanIntervalMs);
  const pumpTimer = setInterval(pump, 1_000);
  scan();

  return {
    async handle(req) {
      const opts = { what: `video: ${req.type}`, logger: ctx.logger, signal: stopping.signal };
      switch (req.type) {
        case 'video:scan': {
          const r = await retryWhileBusy(() => scanner.scan(), opts);
          pump();
          return r;
        }
        case 'video:request-clip': {
          const r = await retryWhileBusy(() => scanner.requestClip(req.fieldId, req.cameraName), opts);
          pump();
          return r;
        }
        default:
          return assertNever(req);
      }
    },
    notify(message) {
      switch (message.type) {
        case 'booking:changed':
        case 'booking:vanished':
          return scanSoon();
        case 'queue:changed':
          return pump();
        case 'cameras:changed':
          // The scanner and the cut jobs read the list at each use: the next scan maps fields to the new cameras. New
          // passwords join this thread's scrubber first.
          addSecrets(message.cameras.flatMap((c) => secretsOfUrl(c.url)));
          deps.cameras = message.cameras;
          return scanSoon();
        default:
          return assertNever(message);
      }
    },
    async stop() {
      stopping.abort();
      clearInterval(scanTimer);
      clearInterval(pumpTimer);
      clearTimeout(soon);
      await Promise.all([runner.stop(), exportsRunner.stop()]);
      await pool.destroy();
      db.close();
    },
  };
});
