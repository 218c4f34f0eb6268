// The video lifecycle as a user of src/pipeline sees it: the table refuses what it does not allow, answers "what can
// move a video to X", and each transition changes the video's jobs and files as its row says. A guard keeps every
// writer of a video's status, and every spelling of a job's dedupe key, inside the pipeline module.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createJobsRepo,
  createVideosRepo,
  openDatabase,
  VIDEO_STATUSES,
  type Db,
  type VideoResult,
  type VideoRow,
  type VideoStatus,
} from '../src/db/index.js';
import {
  attemptsOf,
  createVideoLifecycle,
  jobKey,
  retryJobByOperator,
  VIDEO_TRANSITIONS,
  type JobKind,
  type VideoLifecycle,
  type VideoLifecycleEvent,
} from '../src/pipeline/index.js';
import { tempDir } from './fixtures/helpers.js';

const T = Date.UTC(2025, 3, 10, 14, 0, 0);
const HOUR = 3_600_000;
const jobDelays = { cut: [1_000, 2_000], upload: [1_000, 2_000, 3_000, 4_000], notify: [5_000] };
const EVENTS = Object.keys(VIDEO_TRANSITIONS) as VideoLifecycleEvent[];
const URLS = {
  mp4: 'https://cdn/v.mp4',
  preview: 'https://cdn/v_preview.mp4',
  thumbnail: 'https://cdn/v_thumbnail.jpg',
};

let tmp: ReturnType<typeof tempDir>;
let db: Db;
let clock: number;
let stopped: [string, readonly JobKind[]][];
let lifecycle: VideoLifecycle;
beforeEach(() => {
  tmp = tempDir();
  db = openDatabase(path.join(tmp.dir, 'db.sqlite'));
  clock = T;
  stopped = [];
  lifecycle = createVideoLifecycle({
    db,
    jobDelays,
    now: () => clock,
    onJobsStopped: (uid, kinds) => stopped.push([uid, kinds]),
  });
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

const videos = () => createVideosRepo(db);
const jobs = () => createJobsRepo(db);
const allJobs = () => db.prepare('SELECT * FROM jobs ORDER BY id').all();
const historyOf = (uid: string) =>
  videos()
    .history(videos().get(uid)!.id)
    .map((e) => [e.status, e.reason]);
const jobOf = (kind: JobKind, uid: string) => jobs().byKey(jobKey(kind, uid));

let seq = 0;
/** A new `pending` video (and its cut job), through the lifecycle. */
function create(camera = 'CAM_A'): VideoRow {
  const n = ++seq;
  return lifecycle.create({
    unique_id: `BK-${n}_${camera}_20250410210000`,
    booking_id: `BK/${n}`,
    camera,
    field_id: 50,
    type: 'full',
    window_start_ms: T - 2 * HOUR,
    window_end_ms: T - HOUR,
  }).video;
}

/** Three small real files, as a cut leaves them, given to `cut:done`. */
function cutResult(uid: string): VideoResult {
  const dir = path.join(tmp.dir, 'videos', '2025-04-10');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${uid}.mp4`);
  const previewFile = path.join(dir, `${uid}_preview.mp4`);
  const thumbnailFile = path.join(dir, `${uid}_thumbnail.jpg`);
  for (const f of [file, previewFile, thumbnailFile]) fs.writeFileSync(f, `made for ${uid}`);
  return {
    coverage: 1,
    covered: [[T - 2 * HOUR, T - HOUR]],
    missing: [],
    durationSec: 3600,
    sizeBytes: 20,
    file,
    previewFile,
    thumbnailFile,
  };
}

/** Applies `event`, failing the test if the table refused it. */
function move(uid: string, event: VideoLifecycleEvent, opts: Parameters<VideoLifecycle['apply']>[2] = {}): VideoRow {
  const r = lifecycle.apply(uid, event, opts);
  if (!r.moved) throw new Error(`${event} refused for ${uid} (${r.video?.status})`);
  return r.video;
}

/**
 * A new video in `status`, reached only through legal events. `unavailable` has no entering event yet (retention
 * deletes a delivered video's files but leaves it `ready`), so no video can be brought there.
 */
function videoIn(status: Exclude<VideoStatus, 'unavailable'>): string {
  const uid = create().unique_id;
  const path: Record<typeof status, [VideoLifecycleEvent, Parameters<VideoLifecycle['apply']>[2]?][]> = {
    pending: [],
    processing: [['cut:start']],
    uploading: [['cut:start'], ['cut:done', { result: cutResult(uid) }]],
    notifying: [['cut:start'], ['cut:done', { result: cutResult(uid) }], ['upload:done', { urls: URLS }]],
    ready: [['cut:start'], ['cut:done', { result: cutResult(uid) }], ['upload:done', { urls: URLS }], ['notify:done']],
    failed: [['cut:start'], ['cut:failed', { reason: 'Video processing failed: ffmpeg crashed' }]],
    cancelled: [['booking:cancelled']],
  };
  for (const [event, opts] of path[status]) move(uid, event, opts);
  expect(videos().get(uid)?.status).toBe(status);
  return uid;
}

const REACHABLE = VIDEO_STATUSES.filter((s): s is Exclude<VideoStatus, 'unavailable'> => s !== 'unavailable');

describe('the lifecycle table', () => {
  it.each(REACHABLE)(
    'refuses every event that does not leave %s, and moves it on every event that does, with one history row',
    (status) => {
      for (const event of EVENTS) {
        const t = VIDEO_TRANSITIONS[event];
        const uid = videoIn(status);
        const before = videos().get(uid)!;
        const history = videos().history(before.id);
        const jobsBefore = allJobs();
        const r = lifecycle.apply(uid, event);
        const after = videos().get(uid)!;
        if (!(t.from as readonly string[]).includes(status)) {
          expect(r, `${event} from ${status}`).toEqual({ moved: false, video: before });
          expect(after, `${event} from ${status}`).toEqual(before);
          expect(videos().history(before.id), `${event} from ${status}`).toEqual(history);
          expect(allJobs(), `${event} from ${status}`).toEqual(jobsBefore);
        } else {
          const reason = 'reason' in t ? t.reason : null;
          expect(r, `${event} from ${status}`).toMatchObject({ moved: true, video: { status: t.to, reason } });
          expect(after, `${event} from ${status}`).toMatchObject({ status: t.to, reason });
          const added = videos().history(before.id).slice(history.length);
          expect(
            added.map((e) => [e.status, e.reason]),
            `${event} from ${status}`,
          ).toEqual([[t.to, reason]]);
        }
      }
    },
  );

  it('refuses every event for a video that does not exist, creating nothing', () => {
    for (const event of EVENTS)
      expect(lifecycle.apply('NO-SUCH-VIDEO', event)).toEqual({ moved: false, video: undefined });
    expect(allJobs()).toEqual([]);
  });

  it('answers what can move a failed video back to uploading, and reaches every status from pending', () => {
    const back = EVENTS.filter(
      (e) =>
        VIDEO_TRANSITIONS[e].to === 'uploading' && (VIDEO_TRANSITIONS[e].from as readonly string[]).includes('failed'),
    );
    expect(back.sort()).toEqual(['operator:retry-upload', 'upload:retry']);

    const seen = new Set<VideoStatus>(['pending']);
    for (let frontier: VideoStatus[] = ['pending']; frontier.length > 0;) {
      frontier = EVENTS.filter((e) =>
        frontier.some((s) => (VIDEO_TRANSITIONS[e].from as readonly string[]).includes(s)),
      )
        .map((e) => VIDEO_TRANSITIONS[e].to)
        .filter((s) => !seen.has(s));
      for (const s of frontier) seen.add(s);
    }
    expect([...seen].sort()).toEqual([...VIDEO_STATUSES].sort());
    // Only retention makes a video unavailable, only a delivered one, and AYO is told.
    expect(EVENTS.filter((e) => VIDEO_TRANSITIONS[e].to === 'unavailable')).toEqual(['retention:unavailable']);
    expect(VIDEO_TRANSITIONS['retention:unavailable']).toMatchObject({ from: ['ready'], report: 'video-unavailable' });
  });
});

describe("what a transition does to the video's jobs and files", () => {
  it("create enqueues one cut job in the camera's group; a second create of the same video adds nothing", () => {
    const v = create('CAM_B');
    expect(lifecycle.create({ ...v }).created).toBe(false);
    expect(allJobs()).toEqual([
      expect.objectContaining({
        kind: 'cut',
        dedupe_key: jobKey('cut', v.unique_id),
        group_key: 'CAM_B',
        status: 'pending',
        attempts: 0,
        max_attempts: attemptsOf(jobDelays.cut),
        run_at_ms: T,
        payload: JSON.stringify({ uniqueId: v.unique_id }),
      }),
    ]);
    expect(historyOf(v.unique_id)).toEqual([['pending', null]]);
  });

  it('cut:done records the result and enqueues one upload with the upload delays + 1 attempts, in no group', () => {
    const uid = create().unique_id;
    move(uid, 'cut:start');
    const result = cutResult(uid);
    clock = T + 5_000;
    expect(move(uid, 'cut:done', { result })).toMatchObject({
      status: 'uploading',
      file: result.file,
      preview_file: result.previewFile,
      thumbnail_file: result.thumbnailFile,
    });
    const uploads = allJobs().filter((j: any) => j.kind === 'upload');
    expect(uploads).toEqual([
      expect.objectContaining({
        dedupe_key: jobKey('upload', uid),
        group_key: null,
        status: 'pending',
        attempts: 0,
        max_attempts: jobDelays.upload.length + 1,
        run_at_ms: T + 5_000,
      }),
    ]);
    // A second cut:done is refused (the video is uploading): still one upload.
    expect(lifecycle.apply(uid, 'cut:done', { result }).moved).toBe(false);
    expect(allJobs().filter((j: any) => j.kind === 'upload')).toHaveLength(1);
  });

  it("booking:cancelled cancels the video's waiting, running and dead jobs, leaves done ones, deletes its files, and says which jobs stopped", () => {
    const uid = create().unique_id;
    const done = create().unique_id;
    const other = create().unique_id;
    // Its cut job is still leased (running) when the later stages have their jobs: one running, one dead, one waiting.
    const cut = jobs().claim('cut', 'video', 60_000, T)!;
    expect(JSON.parse(cut.payload).uniqueId).toBe(uid);
    move(uid, 'cut:start');
    const result = cutResult(uid);
    move(uid, 'cut:done', { result });
    const upload = jobs().claim('upload', 'uploader', 60_000, T)!;
    move(uid, 'upload:done', { urls: URLS });
    jobs().deadLetter(upload.id, 'HTTP 403', T, 'uploader');
    expect([jobOf('cut', uid)?.status, jobOf('upload', uid)?.status, jobOf('notify', uid)?.status]).toEqual([
      'running',
      'dead',
      'pending',
    ]);
    const othersJobs = allJobs().filter((j: any) => JSON.parse(j.payload).uniqueId === other);

    clock = T + 1_000;
    move(uid, 'booking:cancelled');
    expect(videos().get(uid)).toMatchObject({
      status: 'cancelled',
      reason: 'Booking cancelled via API',
      file: null,
      preview_file: null,
      thumbnail_file: null,
    });
    expect([jobOf('cut', uid)?.status, jobOf('upload', uid)?.status, jobOf('notify', uid)?.status]).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(jobOf('cut', uid)?.lease_until_ms).toBeNull();
    for (const f of [result.file, result.previewFile, result.thumbnailFile]) expect(fs.existsSync(f), f).toBe(false);
    expect(stopped).toEqual([[uid, ['cut', 'upload', 'notify', 'upload-full']]]);
    // Another video's jobs are not touched.
    expect(allJobs().filter((j: any) => JSON.parse(j.payload).uniqueId === other)).toEqual(othersJobs);
    expect(jobOf('cut', done)?.status).toBe('pending');

    // A job that finished stays done.
    const doneCut = jobs().claim('cut', 'video', 60_000, T + 1_000)!;
    expect(doneCut.dedupe_key).toBe(jobKey('cut', done));
    move(done, 'cut:start');
    move(done, 'cut:done', { result: cutResult(done) });
    jobs().complete(doneCut.id, T + 1_000, 'video');
    move(done, 'booking:cancelled');
    expect([jobOf('cut', done)?.status, jobOf('upload', done)?.status]).toEqual(['done', 'cancelled']);
  });

  it('apply returns the video as it is stored after the transition: a cancelled video no longer names its deleted files', () => {
    const uid = videoIn('uploading');
    const r = lifecycle.apply(uid, 'booking:cancelled');
    expect(r.moved).toBe(true);
    expect(videos().get(uid)).toMatchObject({ file: null, preview_file: null, thumbnail_file: null });
    expect(r.video).toEqual(videos().get(uid));
  });

  it('window:changed puts the video back to pending for the new window and restarts its cut with all attempts, even a dead one', () => {
    const uid = create().unique_id;
    for (let i = 0; i < attemptsOf(jobDelays.cut); i++) {
      const j = jobs().claim('cut', 'video', 60_000, T + 10_000 * i)!;
      move(uid, 'cut:start');
      move(uid, 'cut:failed', { reason: 'Video processing failed: ffmpeg crashed' });
      if (i < jobDelays.cut.length) jobs().retryAt(j.id, T + 10_000 * (i + 1), 'ffmpeg crashed', T, false, 'video');
      else jobs().deadLetter(j.id, 'ffmpeg crashed', T, 'video');
    }
    expect(jobOf('cut', uid)).toMatchObject({ status: 'dead', attempts: 3 });

    clock = T + HOUR;
    const window = { startMs: T - 2 * HOUR, endMs: T - HOUR + 600_000 };
    expect(move(uid, 'window:changed', { window })).toMatchObject({
      status: 'pending',
      reason: 'booking window changed',
      window_start_ms: window.startMs,
      window_end_ms: window.endMs,
    });
    expect(jobOf('cut', uid)).toMatchObject({
      status: 'pending',
      attempts: 0,
      run_at_ms: T + HOUR,
      last_error: null,
      lease_owner: null,
    });
    expect(stopped).toEqual([[uid, ['cut']]]);

    // A cut running for the old window: its job starts over too, and its runner is told to stop it.
    jobs().claim('cut', 'video', 60_000, T + HOUR);
    move(uid, 'cut:start');
    clock = T + 2 * HOUR;
    move(uid, 'window:changed', { window: { startMs: window.startMs, endMs: window.endMs + 60_000 } });
    expect(jobOf('cut', uid)).toMatchObject({
      status: 'pending',
      attempts: 0,
      run_at_ms: T + 2 * HOUR,
      lease_owner: null,
      lease_until_ms: null,
    });
    expect(stopped).toEqual([
      [uid, ['cut']],
      [uid, ['cut']],
    ]);
    expect(allJobs()).toHaveLength(1);
  });

  it('an operator retry takes a failed video back to the stage of its dead job, with all attempts', () => {
    const retry = (id: number) => retryJobByOperator(db, lifecycle, id, clock);
    // A dead cut: back to pending.
    const cutVideo = create().unique_id;
    const cut = jobs().claim('cut', 'video', 60_000, T)!;
    move(cutVideo, 'cut:start');
    move(cutVideo, 'cut:failed', { reason: 'no footage' });
    jobs().deadLetter(cut.id, 'no footage', T, 'video');
    clock = T + 1_000;
    expect(retry(cut.id)).toMatchObject({ job: { id: cut.id, status: 'pending', attempts: 0, run_at_ms: T + 1_000 } });
    expect(videos().get(cutVideo)).toMatchObject({ status: 'pending', reason: 'retried by an operator' });
    expect(stopped.at(-1)).toEqual([cutVideo, ['cut']]);

    // A dead upload: back to uploading.
    const upVideo = videoIn('uploading');
    const up = jobs().claim('upload', 'uploader', 60_000, clock)!;
    jobs().deadLetter(up.id, 'HTTP 403', clock, 'uploader');
    move(upVideo, 'upload:failed', { reason: 'Upload failed: HTTP 403' });
    clock = T + 2_000;
    expect(retry(up.id)).toMatchObject({ job: { id: up.id, status: 'pending', attempts: 0, run_at_ms: T + 2_000 } });
    expect(videos().get(upVideo)).toMatchObject({ status: 'uploading', reason: 'retried by an operator' });
    expect(historyOf(upVideo).slice(-2)).toEqual([
      ['failed', 'Upload failed: HTTP 403'],
      ['uploading', 'retried by an operator'],
    ]);
    expect(stopped.at(-1)).toEqual([upVideo, ['upload']]);

    // A dead notification: back to notifying.
    const noVideo = videoIn('notifying');
    const no = jobs().claim('notify', 'notifier', 60_000, clock)!;
    jobs().deadLetter(no.id, 'HTTP 400', clock, 'notifier');
    move(noVideo, 'notify:failed', { reason: 'AYO notification failed: HTTP 400' });
    expect(retry(no.id)).toMatchObject({ job: { id: no.id, status: 'pending', attempts: 0 } });
    expect(videos().get(noVideo)?.status).toBe('notifying');
  });

  it('an operator retry refuses a running, done or cancelled job, and a delivered video, with the reasons', () => {
    const retry = (id: number) => retryJobByOperator(db, lifecycle, id, clock);
    const running = create().unique_id;
    const runningJob = jobs().claim('cut', 'video', 60_000, T)!;
    move(running, 'cut:start');
    expect(retry(runningJob.id)).toEqual({ refused: 'it is running now and finishes by itself' });
    expect(jobs().get(runningJob.id)).toMatchObject({ status: 'running', lease_owner: 'video', attempts: 1 });
    expect(videos().get(running)?.status).toBe('processing');

    const done = videoIn('uploading');
    const doneJob = jobs().claim('cut', 'video', 60_000, T)!;
    expect(doneJob.dedupe_key).toBe(jobKey('cut', done));
    jobs().complete(doneJob.id, T, 'video');
    expect(jobs().get(doneJob.id)?.status).toBe('done');
    expect(retry(doneJob.id)).toEqual({ refused: 'it is done; running it again would deliver twice' });
    expect(videos().get(done)?.status).toBe('uploading');

    const cancelled = videoIn('uploading');
    move(cancelled, 'booking:cancelled');
    const cancelledJob = jobOf('upload', cancelled)!;
    expect(retry(cancelledJob.id)).toEqual({ refused: 'its booking was cancelled' });
    expect(jobs().get(cancelledJob.id)?.status).toBe('cancelled');
    expect(videos().get(cancelled)?.status).toBe('cancelled');

    // Delivered, though its upload job was never marked done: not sent again.
    const ready = videoIn('ready');
    const readyUpload = jobOf('upload', ready)!;
    expect(retry(readyUpload.id)).toEqual({ refused: 'its video is delivered already' });
    expect(videos().get(ready)?.status).toBe('ready');
    expect(jobs().get(readyUpload.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(retry(987_654)).toBeUndefined();
  });
});

/** Every file under src/, with its path relative to the repository. */
function sources(): { file: string; text: string }[] {
  return (fs.readdirSync('src', { recursive: true }) as string[])
    .map((f) => path.join('src', f).split(path.sep).join('/'))
    .filter((f) => fs.statSync(f).isFile())
    .map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
}

describe('architecture guard', () => {
  it("only the videos repo and src/pipeline write a video's status or history", () => {
    const writers = [
      'UPDATE videos SET status',
      'INSERT INTO video_events',
      '.setStatus(',
      '.setStatusIf(',
      '.reopen(',
    ];
    const all = sources();
    expect(all.length).toBeGreaterThan(50);
    const offenders = all
      .filter(({ file }) => file !== 'src/db/videos.repo.ts' && !file.startsWith('src/pipeline/'))
      .flatMap(({ file, text }) => writers.filter((w) => text.includes(w)).map((w) => `${file}: ${w}`));
    expect(offenders).toEqual([]);
  });

  it("only src/pipeline/job-kinds.ts spells a job's dedupe key", () => {
    const spellings = [
      /\b(cut|upload|notify):\$\{/,
      /['"](cut|upload|notify):['"]\s*\|\|/,
      /['"](cut|upload|notify):['"]\s*\+/,
    ];
    const offenders = sources()
      .filter(({ file }) => file !== 'src/pipeline/job-kinds.ts')
      .flatMap(({ file, text }) => text.split('\n').map((line, i) => ({ file, line, n: i + 1 })))
      .filter(({ line }) => spellings.some((s) => s.test(line)))
      .map(({ file, n, line }) => `${file}:${n}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});
