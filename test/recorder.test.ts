import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSegmentsRepo, openDatabase, type Db } from '../src/db/index.js';
import { probeMedia } from '../src/media/index.js';
import { createRecorder, type Recorder, type RecorderEvent } from '../src/recording/recorder.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { startTimecodedCamera } from './fixtures/timecoded-camera.js';

const SMALL = { width: 160, height: 90, fps: 10 };

let tmp: ReturnType<typeof tempDir>;
let db: Db;
let recorder: Recorder | undefined;
let events: RecorderEvent[];
let log: ReturnType<typeof captureLogger>;
beforeEach(() => {
  tmp = tempDir();
  db = openDatabase(path.join(tmp.dir, 'db.sqlite'));
  events = [];
  log = captureLogger();
});
afterEach(async () => {
  await recorder?.stop();
  recorder = undefined;
  db.close();
  tmp.cleanup();
});

function start(over: Partial<Parameters<typeof createRecorder>[0]> = {}) {
  recorder = createRecorder({
    camera: { name: 'CAM_1', fieldId: 50, url: 'testsrc', enabled: true },
    recordingsDir: path.join(tmp.dir, 'rec'),
    segmentSeconds: 1,
    ffmpegPath: 'ffmpeg',
    timeZone: 'Asia/Jakarta',
    segments: createSegmentsRepo(db),
    logger: log.logger,
    onEvent: (e) => events.push(e),
    backoff: { initialMs: 50, maxMs: 200 },
    testsrc: SMALL,
    ...over,
  });
  recorder.start();
  return recorder;
}
const rows = () =>
  db.prepare('SELECT * FROM segments ORDER BY start_ms').all() as {
    file: string;
    start_ms: number;
    end_ms: number;
    duration_ms: number;
    size_bytes: number;
    created_at: string;
  }[];
const gaps = () =>
  db.prepare('SELECT * FROM recording_gaps ORDER BY id').all() as {
    start_ms: number;
    end_ms: number | null;
    reason: string;
  }[];

describe('camera recorder', () => {
  it(
    'indexes every closed segment with its wall-clock start and end, contiguous and matching the file',
    { timeout: 60_000 },
    async () => {
      const t0 = Date.now();
      start();
      await waitFor(() => rows().length >= 4, 'four segments', 30_000);
      expect(recorder!.status().state).toBe('recording');
      // A graceful stop closes the segment being written and indexes it: from here on the index, the files and the
      // events hold still, however long the checks below take on a busy machine.
      await recorder!.stop();
      const r = rows();
      expect(r.length).toBeGreaterThanOrEqual(4);
      // The index is exactly the files on disk: nothing unindexed, nothing left half-written in .incoming.
      const camDir = path.join(tmp.dir, 'rec', 'CAM_1');
      const onDisk = (fs.readdirSync(camDir, { recursive: true }) as string[])
        .filter((f) => f.endsWith('.ts') && !f.startsWith('.incoming'))
        .map((f) => path.join('CAM_1', f));
      expect(onDisk.sort()).toEqual(r.map((s) => s.file).sort());
      expect(fs.readdirSync(path.join(camDir, '.incoming'))).toEqual([]);
      // One segment:closed event per indexed segment, with the same times.
      const closed = events.flatMap((e) => (e.type === 'segment:closed' ? [[e.startMs, e.endMs, e.sizeBytes]] : []));
      expect(closed).toEqual(r.map((s) => [s.start_ms, s.end_ms, s.size_bytes]));
      // The first segment starts when ffmpeg started reading (-re paces the source at real time, so not before).
      expect(r[0]!.start_ms).toBeGreaterThanOrEqual(t0 - 1_000);
      for (let i = 0; i < r.length; i++) {
        const s = r[i]!;
        const file = path.join(tmp.dir, 'rec', s.file);
        expect(s.file).toMatch(/^CAM_1\/\d{4}-\d{2}-\d{2}\/CAM_1_\d{8}T\d{9}Z\.ts$/);
        expect(fs.statSync(file).size).toBe(s.size_bytes);
        const probed = await probeMedia('ffprobe', file);
        expect(Math.abs(probed.durationSec * 1000 - s.duration_ms)).toBeLessThan(250);
        expect(probed.streams.map((x) => x.type).sort()).toEqual(['audio', 'video']);
        // Indexed when it closed: its end is within the recorder's drift tolerance (1.5 s) of that moment.
        expect(Math.abs(Date.parse(s.created_at) - s.end_ms)).toBeLessThanOrEqual(1_500);
        // Contiguous: each segment starts exactly where the one before ended (one ffmpeg timeline), or a recorded
        // gap (a restart) covers exactly the time between them. Nothing is missing without being written down.
        if (i > 0 && s.start_ms !== r[i - 1]!.end_ms) {
          expect(gaps()).toContainEqual(expect.objectContaining({ start_ms: r[i - 1]!.end_ms, end_ms: s.start_ms }));
        }
      }
    },
  );

  it('restarts a dead ffmpeg, records the gap and resumes', async () => {
    start();
    await waitFor(() => rows().length >= 2, 'two segments', 20_000);
    process.kill(recorder!.pid()!, 'SIGKILL');
    await waitFor(() => events.some((e) => e.type === 'recording:gap'), 'the gap to close', 20_000);
    const gap = gaps()[0]!;
    expect(gap.reason).toMatch(/ffmpeg exited \(SIGKILL\)/);
    const before = rows().filter((s) => s.end_ms <= gap.start_ms);
    const after = rows().filter((s) => s.start_ms >= gap.end_ms!);
    expect(before.at(-1)!.end_ms).toBe(gap.start_ms);
    expect(after[0]!.start_ms).toBe(gap.end_ms);
    expect(gap.end_ms! - gap.start_ms).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'recorder:restart')).toBe(true);
    expect(recorder!.status()).toMatchObject({ state: 'recording', restarts: 1 });
  });

  it('a relaunched ffmpeg starts with an empty .incoming: the dead run leaves no partial segment behind', async () => {
    start();
    await waitFor(() => rows().length >= 2, 'two segments', 20_000);
    const incoming = path.join(tmp.dir, 'rec', 'CAM_1', '.incoming');
    // Files are named `<run id>_<counter>.ts`: the run being killed is the one writing now.
    const run = await waitFor(
      () =>
        fs
          .readdirSync(incoming)
          .find((f) => f.endsWith('.ts'))
          ?.split('_')[0],
      'a segment being written',
    );
    process.kill(recorder!.pid()!, 'SIGKILL');
    await waitFor(() => events.some((e) => e.type === 'recording:gap'), 'recording again', 20_000);
    const left = fs.readdirSync(incoming);
    expect(left.filter((f) => f.startsWith(`${run}_`))).toEqual([]);
    expect(log.lines.some((l) => l.includes(`CAM_1 removed the partial segment ${run}_`))).toBe(true);
  });

  it('the watchdog restarts an ffmpeg that stalls without exiting', async () => {
    start();
    await waitFor(() => rows().length >= 1, 'a segment', 20_000);
    const pid = recorder!.pid()!;
    process.kill(pid, 'SIGSTOP');
    await waitFor(() => events.some((e) => e.type === 'recorder:restart'), 'the watchdog', 20_000);
    expect(gaps()[0]!.reason).toMatch(/^no segment closed for \d+\.\ds$/);
    expect(log.lines.some((l) => /CAM_1 no segment closed for .* restarting ffmpeg in/.test(l))).toBe(true);
    await waitFor(() => events.some((e) => e.type === 'recording:gap'), 'recording again', 20_000);
  });

  it(
    'records a camera whose keyframes come further apart than two segments (frames count as alive, not only segments)',
    { timeout: 120_000 },
    async () => {
      // A keyframe every 6 s and 2 s segments: a segment closes only at a keyframe, so every 6 s. The watchdog used to
      // call 4 s without a closed segment a stall and killed every run after its first segment.
      const camera = await startTimecodedCamera({ keyframeSeconds: 6 });
      try {
        start({ camera: { name: 'CAM_1', fieldId: 50, url: camera.url, enabled: true }, segmentSeconds: 2 });
        await waitFor(() => rows().length >= 3, 'three segments', 90_000, 100);
        expect(events.filter((e) => e.type === 'recorder:restart')).toEqual([]);
        expect(recorder!.status().state).toBe('recording');
      } finally {
        await recorder?.stop();
        await camera.stop();
      }
    },
  );

  it(
    'records a camera whose stream announces twice the frame rate it sends (ffmpeg probes it for 10 s, not 5)',
    { timeout: 120_000 },
    async () => {
      // Its H.264 timing says 20 fps while frames come at 10: ffmpeg's 5 s of stream analysis take 10 s of real time
      // before anything is written, and on a busy box the first segment closed after the watchdog's 14 s.
      const camera = await startTimecodedCamera({ declaredFps: 20 });
      try {
        start({ camera: { name: 'CAM_1', fieldId: 50, url: camera.url, enabled: true }, segmentSeconds: 2 });
        await waitFor(() => rows().length >= 2, 'two segments', 90_000, 100);
        expect(events.filter((e) => e.type === 'recorder:restart')).toEqual([]);
      } finally {
        await recorder?.stop();
        await camera.stop();
      }
    },
  );

  it('goes offline when ffmpeg cannot run, saying why, and keeps retrying', async () => {
    start({ ffmpegPath: '/nonexistent/ffmpeg', offlineAfter: 3 });
    await waitFor(() => recorder!.status().state === 'offline', 'offline', 10_000);
    expect(recorder!.status().lastError).toMatch(/not found \(install ffmpeg or set FFMPEG_PATH/);
    await waitFor(() => recorder!.status().restarts >= 4, 'more retries', 10_000);
  });

  it('a graceful stop indexes the last segment; a restart of the service is a gap; a disabled camera does nothing', async () => {
    start();
    await waitFor(() => rows().length >= 1, 'a segment', 20_000);
    await recorder!.stop();
    const n = rows().length;
    const last = rows().at(-1)!;
    expect((await probeMedia('ffprobe', path.join(tmp.dir, 'rec', last.file))).durationSec).toBeGreaterThan(0);
    start();
    await waitFor(() => rows().length > n, 'a segment of the new run', 20_000);
    expect(gaps()[0]).toMatchObject({ start_ms: last.end_ms, reason: 'service was not recording' });
    expect(gaps()[0]!.end_ms).toBe(rows()[n]!.start_ms);
    await recorder!.stop();

    events = [];
    start({ camera: { name: 'CAM_OFF', fieldId: 50, url: 'testsrc', enabled: false } });
    expect(recorder!.status().state).toBe('disabled');
    expect(recorder!.pid()).toBeUndefined();
  });
});
