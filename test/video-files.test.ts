// Local files follow the video lifecycle (src/pipeline/files.ts), with real footage cut by real ffmpeg: each terminal
// status has its rule, files no video claims are swept after a grace, and in the end nothing made for a video stays.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJobsRepo } from '../src/db/index.js';
import { jobKey, type JobKind } from '../src/pipeline/index.js';
import { videoOfFile } from '../src/video/file-names.js';
import { pipelineFixture } from './fixtures/video-pipeline.js';
import { tempDir, waitFor } from './fixtures/helpers.js';

// 2025-04-10 23:59:30 in Jakarta (UTC+7).
const T0 = Date.UTC(2025, 3, 10, 16, 59, 30);
const HOUR = 3_600_000;
const CAM = { name: 'CAM_C', fieldId: 51, url: 'testsrc', enabled: true };

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** Every file under `dir`, relative to it. */
const filesIn = (dir: string) =>
  fs.existsSync(dir)
    ? (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .sort()
    : [];
/** Media files under `dir`, relative to it. */
const mediaIn = (dir: string) =>
  fs.existsSync(dir)
    ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.(mp4|jpg)$/.test(f)).sort()
    : [];

describe('video files follow the lifecycle', () => {
  it('keeps what a video may still need, deletes the rest, and in the end leaves no file behind', async () => {
    const f = pipelineFixture(tmp.dir, [CAM]);
    const jobs = createJobsRepo(f.db);
    /** Leases the job of `kind` of one video (the queue would hand out the oldest due one). */
    const claim = (kind: JobKind, uid: string) => {
      const others = f
        .jobs(kind)
        .filter((j) => j.dedupe_key !== jobKey(kind, uid))
        .map((j) => j.id as number);
      const job = jobs.claim(kind, kind, 60_000, f.clock.now, { excludeIds: others });
      expect(job?.dedupe_key).toBe(jobKey(kind, uid));
      return job!;
    };

    await f.record('CAM_C', T0, 30);
    const windows = { READY: '23:59:32', CANCEL: '23:59:38', DEAD: '23:59:44', WAIT: '23:59:50' };
    const endOf = (start: string) => `23:59:${String(Number(start.slice(-2)) + 5).padStart(2, '0')}`;
    const book = (name: keyof typeof windows, status = 'SUCCESS') =>
      f.booking({
        booking_id: `BK-${name}`,
        date: '2025-04-10',
        start_time: windows[name],
        end_time: endOf(windows[name]),
        field_id: 51,
        status,
      });
    const uid = (name: keyof typeof windows) => `BK-${name}_CAM_C_20250410${windows[name].replace(/:/g, '')}`;
    for (const name of Object.keys(windows) as (keyof typeof windows)[]) book(name);
    f.clock.now = T0 + 600_000;
    expect(f.scanner.scan()).toEqual({ created: 4, cancelled: 0 });
    await f.drain();
    expect(f.videos().map((v) => [v.unique_id, v.status])).toEqual(
      (Object.keys(windows) as (keyof typeof windows)[]).map((n) => [uid(n), 'uploading']),
    );
    const filesOf = (name: keyof typeof windows) => {
      const v = f.video(uid(name))!;
      return [v.file, v.preview_file, v.thumbnail_file] as string[];
    };
    const made = Object.fromEntries(
      (Object.keys(windows) as (keyof typeof windows)[]).map((n) => [n, filesOf(n)]),
    ) as Record<keyof typeof windows, string[]>;
    for (const files of Object.values(made)) for (const file of files) expect(fs.existsSync(file), file).toBe(true);

    // ready: uploaded and announced, as the delivery actors would.
    jobs.complete(claim('upload', uid('READY')).id, f.clock.now, 'upload');
    f.deliver(uid('READY'), 'https://cdn/ready.mp4');
    jobs.complete(claim('notify', uid('READY')).id, f.clock.now, 'notify');
    // cancelled after its cut: the booking is cancelled and the scanner applies it.
    book('CANCEL', 'CANCELLED');
    expect(f.scanner.scan().cancelled).toBe(1);
    for (const file of made.CANCEL) expect(fs.existsSync(file), file).toBe(false);
    // failed for good: its upload is a dead letter.
    jobs.deadLetter(claim('upload', uid('DEAD')).id, 'HTTP 403', f.clock.now, 'upload');
    expect(f.lifecycle.apply(uid('DEAD'), 'upload:failed', { reason: 'Upload failed: HTTP 403' }).moved).toBe(true);
    // failed, but its upload job still waits out a backoff (an operator or the job may bring it back).
    const backoffUntil = T0 + 100 * HOUR;
    jobs.retryAt(claim('upload', uid('WAIT')).id, backoffUntil, 'HTTP 500', f.clock.now, false, 'upload');
    expect(f.lifecycle.apply(uid('WAIT'), 'upload:failed', { reason: 'Upload failed: HTTP 500' }).moved).toBe(true);
    // Files no video claims: a cut interrupted before it recorded its result, and a clip made again for the cancelled
    // video by a cut that did not see the cancel.
    const dayDir = path.dirname(made.READY[0]!);
    const orphans = [
      'BK-GONE_CAM_C_20250410235900.mp4',
      'BK-GONE_CAM_C_20250410235900_preview.mp4',
      'BK-GONE_CAM_C_20250410235900_thumbnail.jpg',
      `${uid('CANCEL')}.mp4`,
    ].map((n) => path.join(dayDir, n));
    const writtenAt = f.clock.now - 30 * 60_000;
    for (const o of orphans) {
      fs.writeFileSync(o, 'partial');
      fs.utimesSync(o, writtenAt / 1000, writtenAt / 1000);
    }

    // Before the retention: only the cancelled video's files are gone (its transition took them); a young orphan stays.
    expect(f.sweepFiles()).toEqual({ videos: 0, unavailable: 0, orphans: 0 });
    for (const file of made.CANCEL.slice(1)) expect(fs.existsSync(file), file).toBe(false);
    for (const file of [...made.READY, ...made.DEAD, ...made.WAIT, ...orphans])
      expect(fs.existsSync(file), file).toBe(true);
    expect(f.video(uid('CANCEL'))).toMatchObject({ status: 'cancelled', file: null });

    // Past the retention (72 h after the window) and the orphans' grace (1 h): all gone but the one whose job waits.
    f.clock.now = T0 + 74 * HOUR;
    expect(f.sweepFiles()).toEqual({ videos: 2, unavailable: 0, orphans: orphans.length });
    for (const file of [...made.READY, ...made.DEAD, ...orphans]) expect(fs.existsSync(file), file).toBe(false);
    for (const file of made.WAIT) expect(fs.existsSync(file), file).toBe(true);
    expect(mediaIn(f.deps.videosDir)).toEqual(made.WAIT.map((p) => path.relative(f.deps.videosDir, p)).sort());

    // Its job dies at last: its files go with the next sweep, and nothing is left.
    f.clock.now = backoffUntil;
    jobs.deadLetter(claim('upload', uid('WAIT')).id, 'HTTP 500', f.clock.now, 'upload');
    expect(f.sweepFiles()).toEqual({ videos: 1, unavailable: 0, orphans: 0 });
    expect(mediaIn(f.deps.videosDir)).toEqual([]);
    expect(f.sweepFiles()).toEqual({ videos: 0, unavailable: 0, orphans: 0 });

    // The rows keep their status; the delivered one keeps its URLs.
    expect(f.videos().map((v) => [v.unique_id, v.status, v.file, v.preview_file, v.thumbnail_file])).toEqual([
      [uid('READY'), 'ready', null, null, null],
      [uid('CANCEL'), 'cancelled', null, null, null],
      [uid('DEAD'), 'failed', null, null, null],
      [uid('WAIT'), 'failed', null, null, null],
    ]);
    expect(f.video(uid('READY'))).toMatchObject({
      mp4_url: 'https://cdn/ready.mp4',
      preview_url: `https://cdn/${uid('READY')}_preview.mp4`,
      thumbnail_url: `https://cdn/${uid('READY')}_thumbnail.jpg`,
    });
    f.db.close();
  }, 120_000);

  it("keeps a delivered video's files for AYO's auto_delete days when AYO gave them, else the recording retention", async () => {
    const settingsFile = path.join(tmp.dir, 'settings-in-force.json');
    fs.writeFileSync(settingsFile, JSON.stringify({ autoDeleteDays: { value: 5, source: 'ayo' } }));
    const f = pipelineFixture(tmp.dir, [CAM], { settingsFile });
    const jobs = createJobsRepo(f.db);
    await f.record('CAM_C', T0, 12);
    const UID = 'BK-AD_CAM_C_20250410235932';
    f.booking({ booking_id: 'BK-AD', date: '2025-04-10', start_time: '23:59:32', end_time: '23:59:37', field_id: 51 });
    f.clock.now = T0 + 600_000;
    expect(f.scanner.scan().created).toBe(1);
    await f.drain();
    jobs.complete(jobs.claim('upload', 'upload', 60_000, f.clock.now)!.id, f.clock.now, 'upload');
    f.deliver(UID, 'https://cdn/ad.mp4');
    jobs.complete(jobs.claim('notify', 'notify', 60_000, f.clock.now)!.id, f.clock.now, 'notify');
    const v = f.video(UID)!;
    expect(v.status).toBe('ready');
    const files = [v.file, v.preview_file, v.thumbnail_file] as string[];
    // Past the recording retention (72 h), within AYO's 5 days: kept.
    f.clock.now = T0 + 74 * HOUR;
    expect(f.sweepFiles().videos).toBe(0);
    for (const file of files) expect(fs.existsSync(file), file).toBe(true);
    // Past the 5 days: gone.
    f.clock.now = T0 + 5 * 24 * HOUR + HOUR;
    expect(f.sweepFiles().videos).toBe(1);
    for (const file of files) expect(fs.existsSync(file), file).toBe(false);
    f.db.close();
  }, 120_000);

  it("keeps the files of a video waiting for its upload however old they are: a preview is its video's, not an orphan", async () => {
    expect(
      ['X_1.mp4', 'X_1_preview.mp4', 'X_1_thumbnail.jpg', 'X_1_preview.mp4.part', 'X_1_thumbnail.jpg.part.jpg'].map(
        videoOfFile,
      ),
    ).toEqual(['X_1', 'X_1', 'X_1', 'X_1', 'X_1']);
    expect(['notes.txt', '.mp4', 'X_1.ffconcat.txt'].map(videoOfFile)).toEqual([undefined, undefined, undefined]);
    const f = pipelineFixture(tmp.dir, [CAM]);
    await f.record('CAM_C', T0, 12);
    const UID = 'BK-OLD_CAM_C_20250410235932';
    f.booking({ booking_id: 'BK-OLD', date: '2025-04-10', start_time: '23:59:32', end_time: '23:59:37', field_id: 51 });
    f.clock.now = T0 + 600_000;
    expect(f.scanner.scan().created).toBe(1);
    await f.drain();
    const v = f.video(UID)!;
    expect(v.status).toBe('uploading');
    const files = [v.file, v.preview_file, v.thumbnail_file] as string[];
    // The uplink was down for hours: the files are older than the orphans' grace (1 h) when the sweep looks.
    f.clock.now = T0 + 5 * HOUR;
    for (const file of files) fs.utimesSync(file, (T0 + 700_000) / 1000, (T0 + 700_000) / 1000);
    expect(f.sweepFiles()).toEqual({ videos: 0, unavailable: 0, orphans: 0 });
    for (const file of files) expect(fs.existsSync(file), file).toBe(true);
    f.db.close();
  }, 120_000);

  it('sweeps the work files of a cut stopped mid-way once their grace is over, like any file no video claims', async () => {
    // Real ffmpeg for everything but the preview step, which starts its output (`<out>.part`, as src/video/clip.ts
    // names it) and then hangs until the cut is stopped: the booking is cancelled while the preview is being made.
    const bin = path.join(tmp.dir, 'ffmpeg-hangs-on-preview.sh');
    fs.writeFileSync(
      bin,
      [
        '#!/bin/sh',
        'for last; do :; done',
        'case "$last" in *_preview.mp4.part) : > "$last"; exec sleep 60;; esac',
        'exec ffmpeg "$@"',
      ].join('\n'),
      { mode: 0o755 },
    );
    const f = pipelineFixture(tmp.dir, [CAM], { ffmpeg: bin });
    await f.record('CAM_C', T0, 20);
    const book = (status: string) =>
      f.booking({
        booking_id: 'BK-STOP',
        date: '2025-04-10',
        start_time: '23:59:32',
        end_time: '23:59:40',
        field_id: 51,
        status,
      });
    const uid = 'BK-STOP_CAM_C_20250410235932';
    book('SUCCESS');
    f.clock.now = T0 + 600_000;
    expect(f.scanner.scan().created).toBe(1);
    expect(f.worker.pump()).toBe(1);
    await waitFor(() => filesIn(f.deps.videosDir).some((n) => n.endsWith('_preview.mp4.part')), 'the preview to start');
    book('CANCELLED');
    expect(f.scanner.scan().cancelled).toBe(1);
    await f.worker.idle();
    expect(f.video(uid)).toMatchObject({ status: 'cancelled', file: null });
    expect(f.jobs('cut')[0]).toMatchObject({ status: 'cancelled' });
    // A service killed mid-cut (kill -9, power loss) leaves the clip step's work files too: `<uid>.mp4.part`, the
    // concat list `<uid>.mp4.ffconcat` and the thumbnail's `<uid>_thumbnail.jpg.part.jpg`.
    const dayDir = path.join(f.deps.videosDir, '2025-04-10');
    for (const n of [
      'BK-KILLED_CAM_C_20250410235900.mp4.part',
      'BK-KILLED_CAM_C_20250410235900.mp4.ffconcat',
      'BK-KILLED_CAM_C_20250410235900_thumbnail.jpg.part.jpg',
    ]) {
      fs.writeFileSync(path.join(dayDir, n), 'partial');
    }
    // Everything left was written when the cut stopped (the fixture's clock, not the wall clock).
    for (const n of filesIn(f.deps.videosDir))
      fs.utimesSync(path.join(f.deps.videosDir, n), f.clock.now / 1000, f.clock.now / 1000);
    expect(filesIn(f.deps.videosDir).length).toBeGreaterThan(0);

    f.clock.now += 2 * HOUR;
    f.sweepFiles();
    expect(filesIn(f.deps.videosDir)).toEqual([]);
    f.clock.now = T0 + 80 * HOUR;
    f.sweepFiles();
    expect(filesIn(f.deps.videosDir)).toEqual([]);
    f.db.close();
  }, 60_000);
});
