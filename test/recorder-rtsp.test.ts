import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSegmentsRepo, openDatabase } from '../src/db/index.js';
import { probeMedia } from '../src/media/index.js';
import { createRecorder, type RecorderEvent } from '../src/recording/recorder.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { startRtspCamera, type RtspCamera } from './fixtures/rtsp-camera.js';

const tmp = tempDir();
let camera: RtspCamera | undefined;
afterAll(async () => {
  await camera?.stop();
  tmp.cleanup();
});

describe('recording a real RTSP camera', () => {
  it(
    'records by stream copy, reconnects after the camera goes away and comes back, and records the gap',
    { timeout: 120_000 },
    async () => {
      camera = await startRtspCamera();
      const port = camera.port;
      const db = openDatabase(path.join(tmp.dir, 'db.sqlite'));
      const events: RecorderEvent[] = [];
      const log = captureLogger();
      const recorder = createRecorder({
        camera: { name: 'RTSP_1', fieldId: 50, url: camera.url, enabled: true },
        recordingsDir: path.join(tmp.dir, 'rec'),
        segmentSeconds: 1,
        ffmpegPath: 'ffmpeg',
        timeZone: 'Asia/Jakarta',
        segments: createSegmentsRepo(db),
        logger: log.logger,
        onEvent: (e) => events.push(e),
        backoff: { initialMs: 200, maxMs: 1_000 },
      });
      const segments = () =>
        db.prepare('SELECT * FROM segments ORDER BY start_ms').all() as {
          file: string;
          start_ms: number;
          end_ms: number;
        }[];
      try {
        recorder.start();
        await waitFor(() => segments().length >= 3, 'three segments from the camera', 30_000);
        const probed = await probeMedia('ffprobe', path.join(tmp.dir, 'rec', segments()[1]!.file));
        expect(probed.streams[0]).toMatchObject({ type: 'video', codec: 'h264', width: 320, height: 180 });

        await camera.stop();
        await waitFor(() => events.some((e) => e.type === 'recorder:restart'), 'the recorder to notice', 30_000);
        const before = segments().length;
        camera = await startRtspCamera(port);
        const gapEvent = await waitFor(() => events.find((e) => e.type === 'recording:gap'), 'recording again', 30_000);
        await waitFor(() => segments().length >= before + 2, 'new segments', 30_000);
        expect(recorder.status().state).toBe('recording');
        const gap = db.prepare('SELECT * FROM recording_gaps').get() as {
          start_ms: number;
          end_ms: number;
          reason: string;
        };
        expect(gap.end_ms).toBeGreaterThan(gap.start_ms);
        expect(gapEvent).toMatchObject({ camera: 'RTSP_1', startMs: gap.start_ms, endMs: gap.end_ms });
        // The gap sits exactly between the last segment before and the first one after.
        const s = segments();
        expect(s.some((x) => x.end_ms === gap.start_ms)).toBe(true);
        expect(s.some((x) => x.start_ms === gap.end_ms)).toBe(true);
      } finally {
        await recorder.stop();
        db.close();
      }
    },
  );
});
