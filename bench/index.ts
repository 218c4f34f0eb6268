// bench:index: how far the recording index is from the truth. Two time-coded cameras (HTTP MPEG-TS and RTSP; every
// frame shows when it was sent) are recorded by the real recorder, 20 bookings of 6-10 s are cut from the index, and
// each clip's frames are read back: the index error is, per frame, where the index puts it minus when it was sent.
// Once alone, once beside a CPU-heavy neighbour (one 720p encoder per core). The baseline is the old anchoring
// (`anchor = arrival of a segment's closing line - its end`, re-anchored past 1.5 s of drift), computed from the
// same run: each row keeps when its line arrived (`created_at`). Target: max error <= 0.5 s.
//
// Usage: npm run bench:index [-- --bookings 20]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSegmentsRepo, openDatabase, type SegmentRow } from '../src/db/index.js';
import { createLogger } from '../src/log.js';
import { createRecorder } from '../src/recording/recorder.js';
import { cutClip, type ClipSegment } from '../src/video/clip.js';
import { startCpuHogs } from '../test/fixtures/cpu-hog.js';
import { timedFramesOf } from '../test/fixtures/timecode.js';
import { startTimecodedCamera, startTimecodedRtspCamera } from '../test/fixtures/timecoded-camera.js';
import { fmt, median, verdict } from './stats.js';

const BOOKINGS = Number(process.argv[process.argv.indexOf('--bookings') + 1] || 20) || 20;
const SEGMENT_SECONDS = 4;
const SETTLE_MS = 12_000; // recording before the first booking
const TARGET_MS = 500;

type Anchoring = 'new' | 'old';
interface Sample {
  condition: string;
  camera: string;
  anchoring: Anchoring;
  frameErrs: number[];
  startEdges: number[]; // clip's first frame minus booking start, ms
  endEdges: number[]; // clip's last frame minus booking end, ms
}

/** The old anchoring over the same run: the first line's arrival fixes the anchor, re-set past 1.5 s of drift. */
function oldIndex(rows: readonly SegmentRow[]): SegmentRow[] {
  let shift: number | undefined;
  return rows.map((r) => {
    const arrival = Date.parse(r.created_at);
    // The new index puts the run's origin at `origin`; the old one put it at `arrival - end` on the same timeline.
    if (shift === undefined || Math.abs(arrival - (r.end_ms + shift)) > 1_500) shift = arrival - r.end_ms;
    return { ...r, start_ms: r.start_ms + shift, end_ms: r.end_ms + shift };
  });
}

async function measure(
  condition: string,
  camera: string,
  anchoring: Anchoring,
  rows: SegmentRow[],
  recDir: string,
  windows: [number, number][],
  workDir: string,
  frameTimes: Map<string, { sec: number; ms: number | undefined }[]>,
): Promise<Sample> {
  const sample: Sample = { condition, camera, anchoring, frameErrs: [], startEdges: [], endEdges: [] };
  const segs: ClipSegment[] = rows.map((r) => ({
    file: path.join(recDir, r.file),
    startMs: r.start_ms,
    endMs: r.end_ms,
  }));
  for (const [i, [ws, we]] of windows.entries()) {
    const used = segs.filter((s) => s.endMs > ws && s.startMs < we);
    for (const s of used) {
      for (const f of frameTimes.get(s.file)!) {
        const at = s.startMs + f.sec * 1000;
        if (f.ms !== undefined && at >= ws - 1_000 && at <= we) sample.frameErrs.push(at - f.ms);
      }
    }
    const out = path.join(workDir, `${condition}-${camera}-${anchoring}-${i}.mp4`);
    const clip = await cutClip({
      segments: segs,
      windowStartMs: ws,
      windowEndMs: we,
      out,
      ffmpeg: 'ffmpeg',
      ffprobe: 'ffprobe',
    });
    const frames = await timedFramesOf(clip.file);
    const first = frames.find((f) => f.ms !== undefined)?.ms;
    const last = frames.findLast((f) => f.ms !== undefined)?.ms;
    if (first !== undefined) sample.startEdges.push(first - ws);
    if (last !== undefined) sample.endEdges.push(last - we);
    fs.rmSync(out, { force: true });
  }
  return sample;
}

async function runCondition(condition: string, withNeighbour: boolean): Promise<Sample[]> {
  const hogs = withNeighbour ? startCpuHogs() : undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `bench-index-${condition}-`));
  const db = openDatabase(path.join(work, 'db.sqlite'));
  const recDir = path.join(work, 'rec');
  const cams = [
    { name: 'HTTP', cam: await startTimecodedCamera() },
    { name: 'RTSP', cam: await startTimecodedRtspCamera() },
  ];
  const logger = createLogger({ level: 'warn', sink: (l) => console.error(l) });
  const recorders = cams.map(({ name, cam }) =>
    createRecorder({
      camera: { name, fieldId: 1, url: cam.url, enabled: true },
      recordingsDir: recDir,
      segmentSeconds: SEGMENT_SECONDS,
      ffmpegPath: 'ffmpeg',
      timeZone: 'Asia/Jakarta',
      segments: createSegmentsRepo(db),
      logger,
    }),
  );
  try {
    for (const r of recorders) r.start();
    // Bookings of 6-10 s back to back, in whole seconds as AYO lists them.
    const windows: [number, number][] = [];
    let t = Math.ceil((Date.now() + SETTLE_MS) / 1000) * 1000;
    for (let i = 0; i < BOOKINGS; i++) {
      const len = 6_000 + (i % 5) * 1_000;
      windows.push([t, t + len]);
      t += len;
    }
    console.error(`${condition}: recording ${((t - Date.now()) / 1000).toFixed(0)} s for ${BOOKINGS} bookings...`);
    await new Promise((r) => setTimeout(r, t + 2 * SEGMENT_SECONDS * 1000 - Date.now()));
    for (const r of recorders) await r.stop();
    await hogs?.stop();
    const samples: Sample[] = [];
    for (const { name } of cams) {
      const rows = db.prepare('SELECT * FROM segments WHERE camera = ? ORDER BY start_ms').all(name) as SegmentRow[];
      // Each frame of each segment with the time it shows (where the index puts it follows from the row).
      const frameTimes = new Map<string, { sec: number; ms: number | undefined }[]>();
      for (const r of rows) {
        const file = path.join(recDir, r.file);
        frameTimes.set(file, await timedFramesOf(file));
      }
      for (const anchoring of ['new', 'old'] as const)
        samples.push(
          await measure(
            condition,
            name,
            anchoring,
            anchoring === 'new' ? rows : oldIndex(rows),
            recDir,
            windows,
            work,
            frameTimes,
          ),
        );
    }
    return samples;
  } finally {
    await hogs?.stop();
    for (const { cam } of cams) await cam.stop();
    db.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function report(samples: Sample[]): void {
  const ms = (n: number) => `${fmt(n)} ms`;
  console.log(`\nIndex error (where the index puts a frame minus when it was sent), ${BOOKINGS} bookings of 6-10 s:`);
  console.log(
    'condition   camera  anchoring       frames  median |err|  max |err|  clip start - booking  clip end - booking',
  );
  for (const s of samples) {
    const abs = s.frameErrs.map(Math.abs);
    const range = (xs: number[]) => `${fmt(Math.min(...xs))}..${fmt(Math.max(...xs))} ms`;
    console.log(
      `${s.condition.padEnd(11)} ${s.camera.padEnd(7)} ${(s.anchoring === 'new' ? 'progress (new)' : 'line arrival (old)').padEnd(18)}` +
        `${String(abs.length).padStart(6)}  ${ms(median(abs)).padStart(12)}  ${ms(Math.max(...abs)).padStart(9)}  ` +
        `${range(s.startEdges).padStart(20)}  ${range(s.endEdges).padStart(18)}`,
    );
  }
  const fresh = samples.filter((s) => s.anchoring === 'new');
  const worst = Math.max(...fresh.flatMap((s) => s.frameErrs.map(Math.abs)));
  const edgesOk = fresh.every((s) => s.startEdges.every((e) => e >= -1_000) && s.endEdges.every((e) => e >= -1_000));
  console.log(`\nTarget: max index error <= ${TARGET_MS} ms: ${ms(worst)}, ${verdict(worst <= TARGET_MS)}`);
  console.log(
    `Clips: first frame at most 1 s (one keyframe interval) before the booking, last no earlier than its last second: ${verdict(edgesOk)}`,
  );
}

const samples = [...(await runCondition('alone', false)), ...(await runCondition('neighbour', true))];
report(samples);
