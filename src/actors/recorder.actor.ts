// RecorderActor: records one camera (an ffmpeg child) into indexed segments, with its own database connection,
// and keeps that camera's recordings within retention and the disk floor.

import { createSegmentsRepo, openDatabase } from '../db/index.js';
import { describeError } from '../errors.js';
import { createRecorder } from '../recording/recorder.js';
import { applyRecordingRetention, sweepRecordings } from '../recording/retention.js';
import { assertNever, runActor } from '../supervisor/index.js';
import type { RecorderActorData, RecorderActorEvent, RecorderReply, RecorderRequest } from './recorder.messages.js';

runActor<RecorderRequest, RecorderReply, RecorderActorEvent, RecorderActorData>((ctx) => {
  const d = ctx.data;
  const db = openDatabase(d.dbPath);
  const segments = createSegmentsRepo(db);
  const recorder = createRecorder({
    camera: d.camera, recordingsDir: d.recordingsDir, segmentSeconds: d.segmentSeconds, ffmpegPath: d.ffmpegPath,
    timeZone: d.timeZone, segments, logger: ctx.logger, onEvent: (e) => ctx.emit(e),
  });
  const retention = { camera: d.camera.name, recordingsDir: d.recordingsDir, segments, logger: ctx.logger };
  const applyRetention = () => {
    try {
      // Footage that undelivered videos need is protected once the video pipeline records its windows.
      applyRecordingRetention({ ...retention, retentionHours: d.retentionHours, minFreeDiskMb: d.minFreeDiskMb });
    } catch (e) {
      ctx.logger.error(`🧹 RETENTION: ${d.camera.name} failed: ${describeError(e)}`);
    }
  };
  sweepRecordings(retention);
  applyRetention();
  const timer = setInterval(applyRetention, d.retentionIntervalMs ?? 60_000);
  recorder.start();
  return {
    handle(req) {
      switch (req.type) {
        case 'recorder:status': return recorder.status();
        default: return assertNever(req.type);
      }
    },
    async stop() {
      clearInterval(timer);
      await recorder.stop();
      db.close();
    },
  };
});
