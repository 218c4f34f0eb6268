import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNCUT } from '../src/pipeline/index.js';
import { createVideosRepo } from '../src/db/index.js';
import { probeMedia } from '../src/media/index.js';
import type { ClipTaskResult } from '../src/video/clip.task.js';
import { pipelineFixture, runClipDirect } from './fixtures/video-pipeline.js';
import { tempDir, waitFor } from './fixtures/helpers.js';

// 2025-04-10 23:59:30 in Jakarta (UTC+7).
const T0 = Date.UTC(2025, 3, 10, 16, 59, 30);
const CAMS = [
  { name: 'CAM_A', fieldId: 50, url: 'testsrc', enabled: true },
  { name: 'CAM_B', fieldId: 50, url: 'testsrc', enabled: true },
  { name: 'CAM_OFF', fieldId: 50, url: 'testsrc', enabled: false },
  { name: 'CAM_C', fieldId: 51, url: 'testsrc', enabled: true },
];

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('video pipeline', () => {
  it('makes one video per enabled camera of the field for a booking that crosses midnight, with preview and thumbnail', async () => {
    const f = pipelineFixture(tmp.dir, CAMS);
    await f.record('CAM_A', T0, 60);
    await f.record('CAM_B', T0, 60);
    // 23:59:40 → 00:00:20: ends after midnight (end before start).
    f.booking({
      booking_id: 'BK/0042/250410/0000001',
      date: '2025-04-10',
      start_time: '23:59:40',
      end_time: '00:00:20',
    });
    f.clock.now = T0 + 50_000 + 30_000;
    expect(f.scanner.scan()).toEqual({ created: 2, cancelled: 0 });
    expect(f.videos().map((v) => v.unique_id)).toEqual([
      'BK-0042-250410-0000001_CAM_A_20250410235940',
      'BK-0042-250410-0000001_CAM_B_20250410235940',
    ]);
    expect(f.scanner.scan()).toEqual({ created: 0, cancelled: 0 });
    await f.drain();
    for (const v of f.videos()) {
      expect(v).toMatchObject({
        status: 'uploading',
        coverage: 1,
        window_start_ms: T0 + 10_000,
        window_end_ms: T0 + 50_000,
        type: 'full',
      });
      const clip = await probeMedia('ffprobe', v.file);
      expect(clip.durationSec).toBeGreaterThanOrEqual(40);
      expect(clip.durationSec).toBeLessThan(42.5);
      expect(fs.existsSync(v.preview_file)).toBe(true);
      expect(fs.existsSync(v.thumbnail_file)).toBe(true);
      expect(JSON.parse(v.missing)).toEqual([]);
    }
    expect(
      f
        .jobs('upload')
        .map((j) => [j.dedupe_key, j.status])
        .sort(),
    ).toEqual([
      ['upload:BK-0042-250410-0000001_CAM_A_20250410235940', 'pending'],
      ['upload:BK-0042-250410-0000001_CAM_B_20250410235940', 'pending'],
    ]);
    const history = createVideosRepo(f.db)
      .history(f.videos()[0]!.id)
      .map((e) => e.status);
    expect(history).toEqual(['pending', 'processing', 'uploading']);
    expect(
      f.log.lines.some((l) =>
        /🎬 VIDEO: BK-0042-250410-0000001_CAM_A_20250410235940 cut: 4\d\.\ds, coverage 100\.0%/.test(l),
      ),
    ).toBe(true);
    f.db.close();
  });

  it('ignores bookings that are not finished, not success, or no longer listed; fails a booking without footage', async () => {
    const f = pipelineFixture(tmp.dir, CAMS);
    f.clock.now = T0 + 3_600_000;
    f.booking({ booking_id: 'RUNNING', date: '2025-04-11', start_time: '00:59:00', end_time: '01:30:00' });
    f.booking({
      booking_id: 'PENDING',
      date: '2025-04-10',
      start_time: '20:00:00',
      end_time: '21:00:00',
      status: 'PENDING',
    });
    f.booking({
      booking_id: 'NO_FIELD_CAM',
      date: '2025-04-10',
      start_time: '20:00:00',
      end_time: '21:00:00',
      field_id: 99,
    });
    f.booking({ booking_id: 'MISSED', date: '2025-04-10', start_time: '20:00:00', end_time: '21:00:00', field_id: 51 });
    // Finished, success, on a field with a camera, but AYO no longer lists it: no video.
    f.booking({
      booking_id: 'VANISHED',
      date: '2025-04-10',
      start_time: '20:00:00',
      end_time: '21:00:00',
      field_id: 51,
    });
    f.db.prepare("UPDATE bookings SET vanished_at = 'x' WHERE booking_id IN ('RUNNING', 'VANISHED')").run();
    expect(f.scanner.scan().created).toBe(1);
    await f.drain();
    expect(f.videos()).toEqual([
      expect.objectContaining({ booking_id: 'MISSED', camera: 'CAM_C', status: 'failed', reason: 'no footage' }),
    ]);
    expect(f.jobs('cut')[0]).toMatchObject({ status: 'dead', last_error: 'no footage' });
    f.db.close();
  });

  it('waits until the recording has passed the window end, without spending attempts', async () => {
    const f = pipelineFixture(tmp.dir, CAMS);
    const segs = await f.record('CAM_C', T0, 20);
    const lastEnd = segs.at(-1)!.endMs;
    // 23:59:40 → 23:59:51: the window ends a second after the last closed segment.
    f.booking({ booking_id: 'LATE', date: '2025-04-10', start_time: '23:59:40', end_time: '23:59:51', field_id: 51 });
    f.deps.clipGraceMs = 0;
    // The camera is still recording (its last segment closed a moment ago) but has not reached the window's end.
    f.clock.now = T0 + 21_500;
    f.scanner.scan();
    f.worker.pump();
    await f.worker.idle();
    expect(f.videos()[0]).toMatchObject({ status: 'pending' });
    expect(f.jobs('cut')[0]).toMatchObject({ status: 'pending', attempts: 0 });
    // The camera stopped recording: the cut goes ahead, with the missing tail recorded.
    f.clock.now = T0 + 60_000;
    await f.drain();
    const v = f.videos()[0]!;
    expect(v.status).toBe('uploading');
    expect(JSON.parse(v.missing)).toEqual([[lastEnd, T0 + 21_000]]);
    expect(v.coverage).toBeCloseTo((lastEnd - (T0 + 10_000)) / 11_000, 3);
    f.db.close();
  });

  it('cancels the videos of a cancelled booking, its queued cut and its running one, with the seed lines', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const f = pipelineFixture(tmp.dir, CAMS, {
      runClip: async (input, signal) => {
        await gate;
        return runClipDirect(input, signal);
      },
    });
    await f.record('CAM_A', T0, 30);
    await f.record('CAM_B', T0, 30);
    f.booking({ booking_id: 'BK-C', date: '2025-04-10', start_time: '23:59:30', end_time: '23:59:50' });
    f.clock.now = T0 + 120_000;
    f.scanner.scan();
    f.worker.pump();
    expect(f.worker.active).toBe(2);
    f.booking({
      booking_id: 'BK-C',
      date: '2025-04-10',
      start_time: '23:59:30',
      end_time: '23:59:50',
      status: 'CANCELLED',
    });
    expect(f.scanner.scan().cancelled).toBe(2);
    release();
    await f.worker.idle();
    for (const v of f.videos()) {
      expect(v).toMatchObject({ status: 'cancelled', reason: 'Booking cancelled via API', file: null });
      expect(
        f.log.lines.some((l) =>
          l.includes(`📅 BOOKING: Updated video ${v.unique_id} to cancelled status for booking BK-C`),
        ),
      ).toBe(true);
    }
    expect(f.jobs('cut').map((j) => j.status)).toEqual(['cancelled', 'cancelled']);
    expect(f.jobs('upload')).toEqual([]);
    expect(
      fs.existsSync(f.deps.videosDir)
        ? fs.readdirSync(f.deps.videosDir, { recursive: true }).filter((x) => String(x).endsWith('.mp4'))
        : [],
    ).toEqual([]);
    // A video already handed to upload when its booking is cancelled: its upload job is cancelled with it.
    await f.record('CAM_A', T0 + 30_000, 30);
    f.booking({ booking_id: 'BK-U', date: '2025-04-11', start_time: '00:00:05', end_time: '00:00:15' });
    f.clock.now = T0 + 180_000;
    expect(f.scanner.scan().created).toBeGreaterThanOrEqual(1);
    await f.drain();
    const handed = f.videos().filter((v) => v.booking_id === 'BK-U' && v.status === 'uploading');
    expect(handed.length).toBeGreaterThanOrEqual(1);
    f.booking({
      booking_id: 'BK-U',
      date: '2025-04-11',
      start_time: '00:00:05',
      end_time: '00:00:15',
      status: 'CANCELLED',
    });
    f.scanner.scan();
    for (const v of handed) {
      expect(f.video(v.unique_id)?.status).toBe('cancelled');
      expect(f.jobs('upload').find((j) => j.dedupe_key === `upload:${v.unique_id}`)?.status).toBe('cancelled');
    }
    f.db.close();
  });

  it("runs one cut per camera at a time: two bookings on one camera's field are cut one after the other", async () => {
    let running = 0;
    let most = 0;
    const g = pipelineFixture(tmp.dir, [CAMS[3]!], {
      runClip: async (input, signal) => {
        most = Math.max(most, ++running);
        try {
          return await runClipDirect(input, signal);
        } finally {
          running--;
        }
      },
    });
    await g.record('CAM_C', T0, 30);
    g.booking({ booking_id: 'BK-P1', date: '2025-04-10', start_time: '23:59:32', end_time: '23:59:40', field_id: 51 });
    g.booking({ booking_id: 'BK-P2', date: '2025-04-10', start_time: '23:59:42', end_time: '23:59:50', field_id: 51 });
    g.clock.now = T0 + 120_000;
    expect(g.scanner.scan().created).toBe(2);
    g.worker.pump();
    expect(g.worker.active).toBe(1);
    await g.drain();
    expect(most).toBe(1);
    expect(g.videos().map((v) => v.status)).toEqual(['uploading', 'uploading']);
    g.db.close();
  });

  it('redoes an undelivered video when the booking window changes', async () => {
    const f = pipelineFixture(tmp.dir, [CAMS[3]!], {
      runClip: async () => ({
        ok: false,
        error: { name: 'Error', message: 'disk error', retryable: true, code: 'transient' },
      }),
    });
    f.booking({ booking_id: 'BK-W', date: '2025-04-10', start_time: '20:00:00', end_time: '21:00:00', field_id: 51 });
    f.clock.now = T0;
    f.scanner.scan();
    f.booking({ booking_id: 'BK-W', date: '2025-04-10', start_time: '20:30:00', end_time: '21:30:00', field_id: 51 });
    expect(f.scanner.scan()).toEqual({ created: 1, cancelled: 1 });
    expect(f.videos().map((v) => [v.unique_id, v.status, v.reason])).toEqual([
      ['BK-W_CAM_C_20250410200000', 'cancelled', 'booking window changed'],
      ['BK-W_CAM_C_20250410203000', 'pending', null],
    ]);
    f.db.close();
  });

  it('redoes a not-yet-delivered video when only the booking end moves, even while it is being cut; leaves one past its cut alone', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let cuts = 0;
    const f = pipelineFixture(tmp.dir, [CAMS[3]!], {
      // The first cut is held until the window has changed under it.
      runClip: async (input, signal) => {
        if (++cuts === 1) await gate;
        return runClipDirect(input, signal);
      },
    });
    await f.record('CAM_C', T0, 40);
    const uid = 'BK-E_CAM_C_20250410235932';
    f.booking({ booking_id: 'BK-E', date: '2025-04-10', start_time: '23:59:32', end_time: '23:59:45', field_id: 51 });
    f.clock.now = T0 + 600_000;
    expect(f.scanner.scan()).toEqual({ created: 1, cancelled: 0 });
    // A pending video gets the new end (same start, so the same unique_id).
    f.booking({ booking_id: 'BK-E', date: '2025-04-10', start_time: '23:59:32', end_time: '23:59:50', field_id: 51 });
    expect(f.scanner.scan()).toEqual({ created: 0, cancelled: 0 });
    expect(f.video(uid)).toMatchObject({ status: 'pending', window_end_ms: T0 + 20_000 });
    // A video being cut gets the new end too: the running cut is dropped and the video is cut again.
    f.worker.pump();
    await waitFor(() => f.video(uid)!.status === 'processing', 'the cut to start');
    f.booking({ booking_id: 'BK-E', date: '2025-04-10', start_time: '23:59:32', end_time: '23:59:55', field_id: 51 });
    expect(f.scanner.scan()).toEqual({ created: 0, cancelled: 0 });
    release();
    await f.drain();
    const v = f.video(uid)!;
    expect(v).toMatchObject({
      status: 'uploading',
      window_start_ms: T0 + 2_000,
      window_end_ms: T0 + 25_000,
      coverage: 1,
    });
    const clip = await probeMedia('ffprobe', v.file);
    expect(clip.durationSec).toBeGreaterThanOrEqual(23);
    expect(f.videos()).toHaveLength(1);
    expect(f.jobs('cut').map((j) => [j.dedupe_key, j.status])).toEqual([[`cut:${uid}`, 'done']]);
    expect(f.jobs('upload').map((j) => j.dedupe_key)).toEqual([`upload:${uid}`]);
    // Its cut is done and delivery has it: it is delivered with the window it was cut for, and a warning says so.
    f.booking({ booking_id: 'BK-E', date: '2025-04-10', start_time: '23:59:32', end_time: '23:59:58', field_id: 51 });
    expect(f.scanner.scan()).toEqual({ created: 0, cancelled: 0 });
    f.scanner.scan();
    expect(f.video(uid)).toMatchObject({ status: 'uploading', window_end_ms: T0 + 25_000 });
    expect(f.log.lines.filter((l) => l.includes(`${uid}: the booking now ends at`))).toHaveLength(1);
    // Failed in delivery (its upload died) is past its cut too: not cut again, its spent jobs left alone.
    expect(f.lifecycle.apply(uid, 'upload:failed', { reason: 'Upload failed: HTTP 403' }).moved).toBe(true);
    f.booking({ booking_id: 'BK-E', date: '2025-04-10', start_time: '23:59:32', end_time: '23:59:59', field_id: 51 });
    expect(f.scanner.scan()).toEqual({ created: 0, cancelled: 0 });
    expect(f.video(uid)).toMatchObject({ status: 'failed', window_end_ms: T0 + 25_000 });
    expect(f.jobs('cut').map((j) => j.status)).toEqual(['done']);
    f.db.close();
  });

  it('revives a cancelled video when its booking is eligible again (window changed back, booking reinstated), counting it once', async () => {
    const f = pipelineFixture(tmp.dir, [CAMS[3]!]);
    await f.record('CAM_C', T0, 40);
    const at = (start: string, status = 'SUCCESS') =>
      f.booking({
        booking_id: 'BK-B',
        date: '2025-04-10',
        start_time: start,
        end_time: '23:59:50',
        field_id: 51,
        status,
      });
    f.clock.now = T0 + 600_000;
    at('23:59:32');
    expect(f.scanner.scan()).toEqual({ created: 1, cancelled: 0 });
    at('23:59:36');
    expect(f.scanner.scan()).toEqual({ created: 1, cancelled: 1 });
    at('23:59:32');
    expect(f.scanner.scan()).toEqual({ created: 1, cancelled: 1 });
    expect(f.scanner.scan()).toEqual({ created: 0, cancelled: 0 });
    await f.drain();
    expect(f.videos().map((v) => [v.unique_id, v.status])).toEqual([
      ['BK-B_CAM_C_20250410235932', 'uploading'],
      ['BK-B_CAM_C_20250410235936', 'cancelled'],
    ]);
    const history = createVideosRepo(f.db)
      .history(f.videos()[0]!.id)
      .map((e) => [e.status, e.reason]);
    expect(history).toEqual([
      ['pending', null],
      ['cancelled', 'booking window changed'],
      ['pending', 'booking eligible again'],
      ['processing', null],
      ['uploading', null],
    ]);

    // Cancelled while its cut was waiting, then reinstated: revived and cut.
    const g = pipelineFixture(fs.mkdtempSync(`${tmp.dir}/g`), [CAMS[3]!]);
    await g.record('CAM_C', T0, 40);
    const uid = 'BK-R2_CAM_C_20250410235932';
    const r2 = (status: string) =>
      g.booking({
        booking_id: 'BK-R2',
        date: '2025-04-10',
        start_time: '23:59:32',
        end_time: '23:59:45',
        field_id: 51,
        status,
      });
    g.clock.now = T0 + 600_000;
    r2('SUCCESS');
    expect(g.scanner.scan()).toEqual({ created: 1, cancelled: 0 });
    r2('CANCELLED');
    expect(g.scanner.scan()).toEqual({ created: 0, cancelled: 1 });
    r2('SUCCESS');
    expect(g.scanner.scan()).toEqual({ created: 1, cancelled: 0 });
    await g.drain();
    expect(g.video(uid)).toMatchObject({ status: 'uploading', coverage: 1 });
    expect(g.jobs().map((j) => [j.dedupe_key, j.status])).toEqual([
      [`cut:${uid}`, 'done'],
      [`upload:${uid}`, 'pending'],
    ]);

    // One that had been delivered before its booking was cancelled stays cancelled when the booking comes back.
    g.deliver(uid);
    r2('CANCELLED');
    expect(g.scanner.scan()).toEqual({ created: 0, cancelled: 1 });
    r2('SUCCESS');
    expect(g.scanner.scan()).toEqual({ created: 0, cancelled: 0 });
    expect(g.video(uid)).toMatchObject({ status: 'cancelled' });
    f.db.close();
    g.db.close();
  });

  it('a cancel that lands just after the cut finished wins: the video is not handed to upload', async () => {
    const f: ReturnType<typeof pipelineFixture> = pipelineFixture(tmp.dir, [CAMS[3]!], {
      runClip: async (input, signal) => {
        const r = await runClipDirect(input, signal);
        // The booking is cancelled between the end of the cut and its result being recorded.
        f.booking({
          booking_id: 'BK-L',
          date: '2025-04-10',
          start_time: '23:59:32',
          end_time: '23:59:45',
          field_id: 51,
          status: 'CANCELLED',
        });
        f.scanner.scan();
        return r;
      },
    });
    await f.record('CAM_C', T0, 20);
    f.booking({ booking_id: 'BK-L', date: '2025-04-10', start_time: '23:59:32', end_time: '23:59:45', field_id: 51 });
    f.clock.now = T0 + 600_000;
    f.scanner.scan();
    await f.drain();
    expect(f.videos()).toEqual([
      expect.objectContaining({ status: 'cancelled', reason: 'Booking cancelled via API', file: null }),
    ]);
    expect(f.jobs('upload')).toEqual([]);
    expect(fs.readdirSync(f.deps.videosDir, { recursive: true }).filter((x) => /\.(mp4|jpg)$/.test(String(x)))).toEqual(
      [],
    );
    f.db.close();
  });

  it('retries processing 3 times with the seed lines, then backs off in the queue, then stays failed and visible', async () => {
    let calls = 0;
    const flaky = async (input: Parameters<typeof runClipDirect>[0], signal: AbortSignal): Promise<ClipTaskResult> =>
      ++calls <= 2
        ? {
            ok: false,
            error: { name: 'Error', message: `ffmpeg crashed #${calls}`, retryable: false, code: 'ffmpeg-failed' },
          }
        : runClipDirect(input, signal);
    const f = pipelineFixture(tmp.dir, [CAMS[3]!], { runClip: flaky });
    await f.record('CAM_C', T0, 20);
    f.booking({ booking_id: 'BK-R', date: '2025-04-10', start_time: '23:59:32', end_time: '23:59:45', field_id: 51 });
    f.clock.now = T0 + 600_000;
    f.scanner.scan();
    await f.drain();
    expect(f.videos()[0]!.status).toBe('uploading');
    expect(f.log.lines.filter((l) => l.includes('🔄 RETRY: Will retry error: ffmpeg crashed'))).toHaveLength(2);
    expect(
      f.log.lines.some((l) => l.includes('🔄 RETRY: Video Processing for BK-R-CAM_C ✅ Berhasil setelah 2 kali retry')),
    ).toBe(true);

    const g = pipelineFixture(tempDir().dir, [CAMS[3]!], {
      runClip: async () => ({
        ok: false,
        error: { name: 'Error', message: 'ffmpeg crashed', retryable: false, code: 'ffmpeg-failed' },
      }),
    });
    g.booking({ booking_id: 'BK-F', date: '2025-04-10', start_time: '20:00:00', end_time: '21:00:00', field_id: 51 });
    g.clock.now = T0;
    g.scanner.scan();
    await g.drain();
    expect(
      g.log.lines.some((l) => l.includes('🔄 RETRY: Video Processing for BK-F-CAM_C ❌ Gagal setelah 4 percobaan')),
    ).toBe(true);
    expect(g.videos()[0]).toMatchObject({ status: 'failed', reason: 'Video processing failed: ffmpeg crashed' });
    expect(g.jobs('cut')[0]).toMatchObject({ status: 'pending', attempts: 1, run_at_ms: T0 + 1_000 });
    g.clock.now = T0 + 1_000;
    await g.drain();
    expect(g.jobs('cut')[0]).toMatchObject({ status: 'pending', attempts: 2, run_at_ms: T0 + 3_000 });
    g.clock.now = T0 + 3_000;
    await g.drain();
    expect(g.jobs('cut')[0]).toMatchObject({
      status: 'dead',
      attempts: 3,
      last_error: 'Video processing failed: ffmpeg crashed',
    });
    expect(g.videos()[0]).toMatchObject({ status: 'failed' });
    f.db.close();
    g.db.close();
  });

  it('makes a manual clip of the last CLIP_SECONDS of the booking running now, and refuses what does not exist', async () => {
    const f = pipelineFixture(tmp.dir, CAMS);
    await f.record('CAM_A', T0, 40);
    f.booking({ booking_id: 'BK-NOW', date: '2025-04-10', start_time: '23:59:00', end_time: '23:59:59' });
    f.clock.now = T0 + 25_000;
    const r = f.scanner.requestClip(50, 'CAM_A');
    expect(r).toEqual({
      bookingId: 'BK-NOW',
      windowStart: new Date(T0 + 5_000).toISOString(),
      windowEnd: new Date(T0 + 25_000).toISOString(),
      videos: ['BK-NOW_CAM_A_20250410235935_clip'],
    });
    await f.drain();
    expect(f.videos()[0]).toMatchObject({ type: 'clip', status: 'uploading', coverage: 1 });
    expect(() => f.scanner.requestClip(50, 'CAM_C')).toThrow(/Camera CAM_C does not record field 50/);
    expect(() => f.scanner.requestClip(77)).toThrow(/No camera records field 77/);
    f.clock.now = T0 + 3_600_000;
    expect(() => f.scanner.requestClip(50)).toThrow(/No booking with status success is running on field 50 now/);
    f.db.close();
  });

  it('removes the local files of delivered videos past the recording retention, keeping the row and its URLs', async () => {
    const f = pipelineFixture(tmp.dir, CAMS);
    await f.record('CAM_A', T0, 20);
    f.booking({ booking_id: 'BK-OLD', date: '2025-04-10', start_time: '23:59:32', end_time: '23:59:45' });
    f.clock.now = T0 + 120_000;
    f.scanner.scan();
    await f.drain();
    const v = f.videos()[0]!;
    f.deliver(v.unique_id, 'https://cdn/x.mp4');
    expect(f.sweepFiles().videos).toBe(0);
    f.clock.now = T0 + 73 * 3_600_000;
    expect(f.sweepFiles().videos).toBe(1);
    expect(fs.existsSync(v.file)).toBe(false);
    expect(fs.existsSync(v.preview_file)).toBe(false);
    expect(f.videos()[0]).toMatchObject({
      status: 'ready',
      file: null,
      preview_file: null,
      thumbnail_file: null,
      mp4_url: 'https://cdn/x.mp4',
    });
    f.db.close();
  });

  it('names the footage that retention must keep: undelivered videos and bookings not yet turned into one', () => {
    const f = pipelineFixture(tmp.dir, CAMS);
    f.clock.now = T0;
    f.booking({ booking_id: 'BK-1', date: '2025-04-10', start_time: '20:00:00', end_time: '21:00:00' });
    const repo = createVideosRepo(f.db);
    const windows = repo.undeliveredWindows('CAM_A', 50, T0 - 86_400_000, T0, UNCUT);
    expect(windows).toEqual([[Date.UTC(2025, 3, 10, 13), Date.UTC(2025, 3, 10, 14)]]);
    f.db.close();
  });
});
