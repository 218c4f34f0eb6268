import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { probeMedia } from '../src/media/index.js';
import { startService, type RunningService } from '../src/service.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { partnerEnv, venueLocal } from './fixtures/env.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { startRtspCamera, type RtspCamera } from './fixtures/rtsp-camera.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';

const local = (ms: number) => venueLocal(ms);

let ayo: FakeAyo;
let s3: FakeS3;
let camera: RtspCamera;
let service: RunningService;
let tmp: ReturnType<typeof tempDir>;
const log = captureLogger();
const api = async (p: string, init?: RequestInit) => {
  const res = await fetch(service.url + p, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
};
const post = (p: string, body: unknown) =>
  api(p, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

// Two bookings: BK/SHORT/1 on field 50, 4 s long, starting 2 s after both cameras record; BK/LONG/1 on field 51,
// running for the whole suite (for manual clips). Both are placed once the cameras record, never from when this file
// was loaded: on a busy machine the service takes many seconds to start, and a booking fixed in advance would be
// over before there is any footage of it.
type Slot = { start: { date: string; time: string }; end: { date: string; time: string }; startMs: number };
const slot = (startMs: number, endMs: number): Slot => ({ start: local(startMs), end: local(endMs), startMs });
let short: Slot;
let long: Slot;
const shortBooking = (over: Record<string, unknown> = {}) =>
  ayoBooking({
    booking_id: 'BK/SHORT/1',
    date: short.start.date,
    start_time: short.start.time,
    end_time: short.end.time,
    field_id: 50,
    ...over,
  });
const longBooking = () =>
  ayoBooking({
    booking_id: 'BK/LONG/1',
    date: long.start.date,
    start_time: long.start.time,
    end_time: long.end.time,
    field_id: 51,
  });
/** Lists `bookings` at the fake AYO, each under its own date. */
function publish(bookings: Record<string, unknown>[]): void {
  ayo.clearBookings();
  const byDate = new Map<string, unknown[]>();
  for (const b of bookings) byDate.set(String(b.date), [...(byDate.get(String(b.date)) ?? []), b]);
  for (const [date, list] of byDate) ayo.setBookings(date, list);
}
const camerasRecording = async () => {
  const cams = (await api('/api/cameras')).body.data as {
    name: string;
    state: string;
    lastSegmentEndAt: string | null;
  }[];
  return cams.length === 2 && cams.every((c) => c.state === 'recording' && c.lastSegmentEndAt !== null);
};

beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  tmp = tempDir();
  // Field 50 is filmed by a real RTSP camera (GStreamer), field 51 by the synthetic testsrc.
  camera = await startRtspCamera();
  s3 = await startFakeS3();
  service = await startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: tmp.dir,
      MIN_FREE_DISK_MB: '0',
      SEGMENT_SECONDS: '1',
      CLIP_GRACE: '500ms',
      VIDEO_SCAN_INTERVAL: '500ms',
      CLIP_SECONDS: '5',
      BOOKING_SYNC_INTERVAL: '1h',
      ...partnerEnv(ayo, s3),
      CLIP_CONCURRENCY: '2',
      AYO_HEALTH_CHECK_INTERVAL: '1s',
      CAMERA_STATUS_INTERVAL: '1h',
      CAMERAS: JSON.stringify([
        { name: 'CAM_50', fieldId: 50, url: camera.url, enabled: true },
        { name: 'CAM_51', fieldId: 51, url: 'testsrc', enabled: true },
      ]),
    }),
    log.logger,
  );
  await waitFor(camerasRecording, 'both cameras to record', 90_000, 200);
  const now = Math.ceil(Date.now() / 1000) * 1000;
  short = slot(now + 2_000, now + 6_000);
  long = slot(now - 30_000, now + 3_600_000);
  publish([shortBooking(), longBooking()]);
  // A sync still running from the start-up would answer for this one too: sync until both bookings are stored.
  await waitFor(
    async () => {
      await post('/api/sync', {});
      return (
        (await api('/api/bookings/BK/SHORT/1')).status === 200 && (await api('/api/bookings/BK/LONG/1')).status === 200
      );
    },
    'the bookings to be synced',
    60_000,
    200,
  );
}, 150_000);
afterAll(async () => {
  await service?.stop();
  await ayo?.close();
  await camera?.stop();
  await s3?.close();
  tmp?.cleanup();
});

describe('videos in the running service', () => {
  // Real work on a busy machine (RTSP, ffmpeg cuts, upload): generous limits, and the tests wait for states, not times.
  it(
    'records a real RTSP camera, cuts the booking that just ended, uploads it to the bucket and tells AYO',
    { timeout: 150_000 },
    async () => {
      const uid = 'BK-SHORT-1_CAM_50_' + `${short.start.date}${short.start.time}`.replace(/[-:]/g, '');
      const video = await waitFor(
        async () => {
          const r = await api(`/api/videos/${uid}`);
          return r.status === 200 && r.body.data.status === 'ready' ? r.body.data : undefined;
        },
        'the video to be delivered',
        140_000,
        200,
      );
      expect(video).toMatchObject({
        bookingId: 'BK/SHORT/1',
        camera: 'CAM_50',
        fieldId: 50,
        type: 'full',
        coverage: 1,
        missing: [],
      });
      expect(video.history.map((h: any) => h.status)).toEqual([
        'pending',
        'processing',
        'uploading',
        'notifying',
        'ready',
      ]);
      // The light announcement (FULL_VIDEO_UPLOAD=on-purchase): the preview is in the bucket, the full video on disk.
      expect(video.urls.mp4).toBeNull();
      const preview = await fetch(video.urls.preview);
      expect(preview.status).toBe(200);
      expect((await preview.arrayBuffer()).byteLength).toBe(fs.statSync(path.join(tmp.dir, video.files.preview)).size);
      expect(fs.statSync(path.join(tmp.dir, video.files.mp4)).size).toBe(video.sizeBytes);
      expect(ayo.acceptedVideos().get(uid)).toHaveLength(1);
      expect(ayo.acceptedVideos().get(uid)![0]!.params).toMatchObject({
        booking_id: 'BK/SHORT/1',
        type: 'full',
        image_path: video.urls.thumbnail,
      });
      expect(video.windowStart).toBe(new Date(short.startMs).toISOString());
      const clip = await probeMedia('ffprobe', path.join(tmp.dir, video.files.mp4));
      expect(clip.streams[0]).toMatchObject({ type: 'video', codec: 'h264', width: 320, height: 180 });
      expect(clip.durationSec).toBeGreaterThanOrEqual(4);
      expect(clip.durationSec).toBeLessThan(6.5);
      expect(fs.existsSync(path.join(tmp.dir, video.files.preview))).toBe(true);
      expect(fs.existsSync(path.join(tmp.dir, video.files.thumbnail))).toBe(true);
      const list = await api('/api/videos?booking_id=BK/SHORT/1');
      expect(list.body).toMatchObject({ status: 'success', count: 1 });
      expect((await api('/api/videos?status=nope')).status).toBe(400);
      // Any stored id is retrievable (the queries are parameterised): one with a quote is only not found.
      expect((await api("/api/videos/x'y")).status).toBe(404);
      expect((await api('/api/videos/NOPE')).status).toBe(404);
    },
  );

  it(
    'makes a manual clip of the running booking; a second press within 30 s answers 429',
    { timeout: 150_000 },
    async () => {
      const r = await post('/api/request-booking-video', { field_id: 51, camera_name: 'CAM_51' });
      expect(r.status).toBe(202);
      expect(r.body.data).toMatchObject({ bookingId: 'BK/LONG/1' });
      expect(r.body.data.videos).toHaveLength(1);
      const again = await post('/api/request-booking-video', { field_id: 51 });
      expect(again.status).toBe(429);
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
      const uid = r.body.data.videos[0];
      const v = await waitFor(
        async () => {
          const x = await api(`/api/videos/${uid}`);
          return x.body.data?.status === 'ready' ? x.body.data : undefined;
        },
        'the manual clip',
        140_000,
        200,
      );
      expect(ayo.acceptedVideos().get(uid)![0]!.params).toMatchObject({ type: 'clip', unique_id: uid });
      expect(v).toMatchObject({ type: 'clip', camera: 'CAM_51' });
      expect(uid).toMatch(/_clip$/);
      // The last CLIP_SECONDS (5 s) before the press, cut as it was recorded.
      expect(Date.parse(r.body.data.windowEnd) - Date.parse(r.body.data.windowStart)).toBe(5_000);
      expect(v).toMatchObject({ windowStart: r.body.data.windowStart, windowEnd: r.body.data.windowEnd, coverage: 1 });
      const clip = await probeMedia('ffprobe', path.join(tmp.dir, v.files.mp4));
      expect(clip.durationSec).toBeGreaterThanOrEqual(5);
      expect(clip.durationSec).toBeLessThan(7.5);
      // The video list filters by camera, type and limit.
      const clips = await api('/api/videos?type=clip&camera=CAM_51');
      expect(clips.body.data.map((x: any) => x.uniqueId)).toEqual([uid]);
      expect(
        (await api('/api/videos?camera=CAM_51&type=full')).body.data.every(
          (x: any) => x.camera === 'CAM_51' && x.type === 'full',
        ),
      ).toBe(true);
      expect((await api('/api/videos?limit=1')).body.count).toBe(1);
      expect((await api('/api/videos?type=short')).status).toBe(400);
      expect((await api('/api/videos?camera=../x')).status).toBe(400);
    },
  );

  it('calls AYO health-check every interval and reports each camera ACTIVE as soon as it records (not only every interval), all signed', async () => {
    await waitFor(
      () => ayo.calls.filter((c) => c.endpoint === 'health-check').length >= 2,
      'two health checks',
      10_000,
    );
    const status = await waitFor(
      () => {
        const calls = ayo.calls.filter((c) => c.endpoint === 'update-camera-status');
        const cams = new Map(calls.map((c) => [c.params.camera_id, c.params.status]));
        return cams.get('CAM_50') === 'ACTIVE' && cams.get('CAM_51') === 'ACTIVE' ? calls : undefined;
      },
      'camera statuses',
      15_000,
    );
    for (const c of [...status, ...ayo.calls.filter((x) => x.endpoint === 'health-check')]) {
      expect(c).toMatchObject({ method: 'POST', signatureValid: true, answered: 200 });
    }
  });

  it.each([
    [{ field_id: 50 }, 404, /No booking with status success is running on field 50 now/],
    [{ field_id: 99 }, 404, /No camera records field 99/],
    [{ field_id: 50, camera_name: 'CAM_51' }, 404, /Camera CAM_51 does not record field 50/],
    [{ field_id: 'x' }, 400, /field_id must be a whole number/],
    ['{not json', 400, /Body must be JSON/],
    [{ field_id: 1, extra: 1 }, 400, /Unknown field "extra"/],
  ])('POST /api/request-booking-video %j → %i', async (body, status, message) => {
    const r = await post('/api/request-booking-video', body);
    expect(r.status).toBe(status);
    expect(r.body.status).toBe('error');
    expect(r.body.message).toMatch(message);
  });

  it('cancels the videos of a booking AYO cancels', async () => {
    publish([shortBooking({ status: 'CANCELLED' }), longBooking()]);
    await post('/api/sync', {});
    const v = await waitFor(
      async () => {
        const r = await api('/api/videos?booking_id=BK/SHORT/1');
        return r.body.data[0]?.status === 'cancelled' ? r.body.data[0] : undefined;
      },
      'the cancellation',
      20_000,
    );
    expect(v.reason).toBe('Booking cancelled via API');
    // The actor's log line crosses threads after its database write: it may arrive just after the API shows the state.
    await waitFor(
      () =>
        log.lines.some((l) =>
          l.includes(`📅 BOOKING: Updated video ${v.uniqueId} to cancelled status for booking BK/SHORT/1`),
        ),
      "the seed's cancellation line",
      5_000,
    );
  });
});
