// RecorderActor: records one camera (an ffmpeg child) into indexed segments, with its own database connection.

import { createSegmentsRepo, openDatabase } from '../db/index.js';
import { createRecorder } from '../recording/recorder.js';
import { assertNever, runActor } from '../supervisor/index.js';
import type { RecorderActorData, RecorderActorEvent, RecorderReply, RecorderRequest } from './recorder.messages.js';

runActor<RecorderRequest, RecorderReply, RecorderActorEvent, RecorderActorData>((ctx) => {
  const d = ctx.data;
  const db = openDatabase(d.dbPath);
  const recorder = createRecorder({
    camera: d.camera, recordingsDir: d.recordingsDir, segmentSeconds: d.segmentSeconds, ffmpegPath: d.ffmpegPath,
    timeZone: d.timeZone, segments: createSegmentsRepo(db), logger: ctx.logger, onEvent: (e) => ctx.emit(e),
  });
  recorder.start();
  return {
    handle(req) {
      switch (req.type) {
        case 'recorder:status': return recorder.status();
        default: return assertNever(req.type);
      }
    },
    async stop() {
      await recorder.stop();
      db.close();
    },
  };
});
