// RecorderActor: records one camera (an ffmpeg child) into indexed segments, with its own database connection,
// and keeps that camera's recordings within retention and the disk floor.

import { checkSlice } from '../config.js';
import { UNCUT } from '../pipeline/index.js';
import fs from 'node:fs';
import { createSegmentsRepo, createVideosRepo, openDatabase } from '../db/index.js';
import { describeError } from '../errors.js';
import { createRecorder } from '../recording/recorder.js';
import { applyRecordingRetention, sweepRecordings } from '../recording/retention.js';
import { assertNever, runActor } from '../supervisor/index.js';
import type { RecorderActorData, RecorderActorEvent, RecorderReply, RecorderRequest } from './recorder.messages.js';

runActor<RecorderRequest, RecorderReply, RecorderActorEvent, RecorderActorData>((ctx) => {
  // The slice came through workerData: checked again on this thread, as the loader checked the environment.
  const d = checkSlice('recorder', ctx.data);
  const db = openDatabase(d.dbPath);
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
  const applyRetention = () => {
    try {
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
    } catch (e) {
      ctx.logger.error(`🧹 RETENTION: ${d.camera.name} failed: ${describeError(e)}`);
    }
  };
  fs.mkdirSync(d.recordingsDir, { recursive: true });
  sweepRecordings(retention);
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
      await recorder.stop();
      db.close();
    },
  };
});
