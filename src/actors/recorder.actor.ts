// RecorderActor: records one camera (an ffmpeg child) into indexed segments, with its own database connection,
// and keeps that camera's recordings within retention and the disk floor.

import { checkSlice } from '../config.js';
import { UNCUT } from '../pipeline/index.js';
import fs from 'node:fs';
import { createSegmentsRepo, createVideosRepo, openDatabase, retryWhileBusy } from '../db/index.js';
import { describeError } from '../errors.js';
import { createRecorder } from '../recording/recorder.js';
import { applyRecordingRetention, sweepRecordings } from '../recording/retention.js';
import { assertNever, runActor } from '../supervisor/index.js';
import type { RecorderActorData, RecorderActorEvent, RecorderReply, RecorderRequest } from './recorder.messages.js';
import { startupWhileBusy } from './startup-busy.js';

runActor<RecorderRequest, RecorderReply, RecorderActorEvent, RecorderActorData>(async (ctx) => {
  // The slice came through workerData: checked again on this thread, as the loader checked the environment.
  const d = checkSlice('recorder', ctx.data);
  const startedAt = Date.now();
  // The busy timeout is short: a held lock never blocks this thread (ffmpeg's output, the watchdog) for long; writes
  // that meet one are retried with backoff instead, and recording goes on meanwhile.
  const db = await startupWhileBusy(ctx, 'open the database', () => openDatabase(d.dbPath));
  const stopping = new AbortController();
  const busy = (what: string) => ({
    what: `recorder ${d.camera.name}: ${what}`,
    logger: ctx.logger,
    signal: stopping.signal,
  });
  const segments = createSegmentsRepo(db);
  const videos = createVideosRepo(db);
  const recorder = createRecorder({
    camera: d.camera,
    recordingsDir: d.recordingsDir,
    segmentSeconds: d.segmentSeconds,
    ffmpegPath: d.ffmpegPath,
    timeZone: d.timeZone,
    segments,
    logger: ctx.logger,
    onEvent: (e) => ctx.emit(e),
  });
  const retention = { camera: d.camera.name, recordingsDir: d.recordingsDir, segments, logger: ctx.logger };
  let retaining = false;
  const applyRetention = () => {
    if (retaining) return; // the previous run still waits for a lock
    retaining = true;
    const run = () =>
      applyRecordingRetention({
        ...retention,
        retentionHours: d.retentionHours,
        minFreeDiskMb: d.minFreeDiskMb,
        // Footage that an undelivered video (or a booking not yet turned into one) needs stays.
        protectedWindows: () =>
          videos.undeliveredWindows(
            d.camera.name,
            d.camera.fieldId,
            Date.now() - d.retentionHours * 3_600_000 * 2,
            Date.now(),
            UNCUT,
          ),
      });
    void retryWhileBusy(run, busy('retention'))
      .catch((e: unknown) => ctx.logger.error(`🧹 RETENTION: ${d.camera.name} failed: ${describeError(e)}`))
      .finally(() => (retaining = false));
  };
  fs.mkdirSync(d.recordingsDir, { recursive: true });
  // Unindexed files of earlier runs go; this run's files never do, even if a held lock delays the sweep (and their
  // rows) past the sweep's grace. Without a lock it runs now, before the recording starts.
  void retryWhileBusy(() => sweepRecordings(retention, Date.now() - startedAt + 60_000), busy('sweep')).catch(
    (e: unknown) => ctx.logger.error(`🧹 RETENTION: ${d.camera.name} sweep failed: ${describeError(e)}`),
  );
  applyRetention();
  const timer = setInterval(applyRetention, d.retentionIntervalMs ?? 60_000);
  recorder.start();
  return {
    handle(req) {
      switch (req.type) {
        case 'recorder:status':
          return recorder.status();
        default:
          return assertNever(req.type);
      }
    },
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await recorder.stop();
      db.close();
    },
  };
});
