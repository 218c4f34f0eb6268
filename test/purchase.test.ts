// Purchases (issue 11 points 4, 6, 8) through the running service: requests placed in the fake AYO, renditions in
// s3rver played by ffprobe through the bucket's public URLs, save-video's fields and signature as the fake AYO
// received them, refused requests reported in the id lists, and the metrics. Every wait is on a condition.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createSegmentsRepo, openDatabase } from '../src/db/index.js';
import { startService, type RunningService } from '../src/service.js';
import { createS3Store } from '../src/storage/index.js';
import { toVenueIso } from '../src/util/venue-time.js';
import { launchChromium } from './fixtures/browser.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { partnerEnv } from './fixtures/env.js';
import { makeFootage } from './fixtures/footage.js';
import { startFlakyProxy } from './fixtures/flaky-proxy.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { finishCut, makeMp4, seedVideo, videoRequest, WINDOW_START_MS } from './fixtures/purchases.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let source: ReturnType<typeof tempDir>;
let MP4: string;
beforeAll(() => {
  source = tempDir();
  MP4 = makeMp4(path.join(source.dir, 'source.mp4'), 12);
});
afterAll(() => source.cleanup());

interface World {
  tmp: ReturnType<typeof tempDir>;
  ayo: FakeAyo;
  s3: FakeS3;
  service: RunningService;
  purchase(id: string): Promise<{ status: number; data: any }>;
  lines: string[];
  metric(name: string, labels: string): Promise<number | undefined>;
}

/** The fake AYO, s3rver (optionally behind `s3Url`'s proxy), videos seeded by `seed`, then the service. */
async function world(
  seed: (dir: string) => void,
  opts: { env?: Record<string, string>; s3Proxy?: (s3: FakeS3) => Promise<string> } = {},
): Promise<World> {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const ayo = await startFakeAyo(TEST_AYO);
  cleanups.push(() => ayo.close());
  const s3 = await startFakeS3();
  cleanups.push(() => s3.close());
  seed(tmp.dir);
  const log = captureLogger('info');
  const service = await startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: tmp.dir,
      MIN_FREE_DISK_MB: '0',
      BOOKING_SYNC_INTERVAL: '1h',
      VIDEO_SCAN_INTERVAL: '1h',
      CAMERA_STATUS_INTERVAL: '1h',
      ...partnerEnv(ayo, s3),
      ...(opts.s3Proxy ? { S3_ENDPOINT: await opts.s3Proxy(s3) } : {}),
      AYO_API_TIMEOUT: '5s',
      CONNECTIVITY_INTERVAL: '200ms',
      VIDEO_REQUEST_INTERVAL: '300ms',
      VIDEO_QUALITIES: '360,720',
      WATERMARK: 'off',
      UPLOAD_RETRY_DELAYS: '10ms',
      NOTIFY_RETRY_DELAYS: '10ms',
      DELIVERY_JOB_RETRY_DELAYS: '200ms,200ms,200ms,200ms,200ms',
      DELIVERY_CIRCUIT_HALF_OPEN_AFTER: '200ms',
      ...opts.env,
    }),
    log.logger,
  );
  cleanups.push(() => service.stop());
  const purchase = async (id: string) => {
    const r = await fetch(`${service.url}/api/purchases/${encodeURIComponent(id)}`);
    return { status: r.status, data: ((await r.json()) as { data?: any }).data };
  };
  const metric = async (name: string, labels: string) => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const esc = labels.replace(/[{}]/g, (c) => `\\${c}`);
    const m = new RegExp(`^venue_recorder_${name}${esc} ([0-9.e+]+)$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  return { tmp, ayo, s3, service, purchase, metric, lines: log.lines };
}

const stateOf = async (w: World, id: string) => (await w.purchase(id)).data?.state as string | undefined;
/** Waits for purchase `id` to reach `state`; a timeout names its history and the service's purchase lines. */
async function reaches(w: World, id: string, state: string, timeoutMs = 90_000): Promise<void> {
  try {
    await waitFor(async () => (await stateOf(w, id)) === state, `purchase ${id} ${state}`, timeoutMs, 100);
  } catch (e) {
    const p = (await w.purchase(id)).data;
    const lines = w.lines.filter((l) => /PURCHASE|purchase|save-video|ERROR|WARN/i.test(l)).slice(-15);
    throw new Error(`${(e as Error).message}: ${JSON.stringify(p?.history ?? p)}\n${lines.join('\n')}`);
  }
}
const delivered = (w: World, id: string, timeoutMs = Number(process.env.PT_WAIT ?? 90_000)) =>
  reaches(w, id, 'delivered', timeoutMs);

/**
 * ffprobe's height and duration of a URL (a playlist through the bucket's public URL, or an MP4). Asynchronous: s3rver
 * answers from this very process.
 */
async function probe(url: string): Promise<{ height: number; duration: number }> {
  const { stdout } = await promisify(execFile)(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=height:format=duration', '-of', 'json', url],
    { encoding: 'utf8' },
  );
  const j = JSON.parse(stdout) as { streams: { height: number }[]; format: { duration: string } };
  return { height: j.streams[0]!.height, duration: Number(j.format.duration) };
}

describe('purchases', { timeout: 180_000 }, () => {
  it('a delivered video: renditions playable from the bucket, one signed save-video; refused requests reported; metrics', async () => {
    const UID = 'BK-P-1_CAM_1_20250410100000';
    const w = await world((dir) => {
      seedVideo(dir, { uniqueId: UID, bookingId: 'BK/P/1', stage: 'ready', mp4: MP4 });
      seedVideo(dir, { uniqueId: 'BK-C-1_CAM_1_20250410100000', bookingId: 'BK/C/1', stage: 'cancelled' });
      seedVideo(dir, { uniqueId: 'BK-G-1_CAM_1_20250410100000', bookingId: 'BK/G/1', stage: 'ready', mp4: MP4 });
      seedVideo(dir, {
        uniqueId: 'BK-L-1_CAM_1_20250410100000',
        bookingId: 'BK/L/1',
        stage: 'ready',
        mp4: MP4,
        coverage: 0.5,
      });
      // The footage of G is gone (deleted by hand, say): incompleted.
      fs.rmSync(path.join(dir, 'media', 'videos', '2025-04-10', 'BK-G-1_CAM_1_20250410100000.mp4'));
    });
    w.ayo.setVideoRequests([
      videoRequest('VR-1', UID),
      videoRequest('VR-UNKNOWN', 'NO-SUCH-VIDEO'),
      videoRequest('VR-CANCELLED', 'BK-C-1_CAM_1_20250410100000', 'BK/C/1'),
      videoRequest('VR-GONE', 'BK-G-1_CAM_1_20250410100000', 'BK/G/1'),
      videoRequest('VR-LOW', 'BK-L-1_CAM_1_20250410100000', 'BK/L/1'),
      { video_request_id: 'VR-DONE', unique_id: UID, status: 'COMPLETED' },
      { what: 'not a request' },
    ]);
    await delivered(w, 'VR-1');

    // save-video: accepted once, signed, the booking window with the venue's offset, one entry per rendition.
    const calls = w.ayo.acceptedSaveVideos().get('VR-1')!;
    expect(calls).toHaveLength(1);
    const base = w.s3.config.publicBaseUrl;
    expect(calls[0]!.params).toMatchObject({
      video_request_id: 'VR-1',
      booking_id: 'BK/P/1',
      type: 'full',
      start_timestamp: toVenueIso(new Date(WINDOW_START_MS), 'Asia/Jakarta'),
      end_timestamp: toVenueIso(new Date(WINDOW_START_MS + 12_000), 'Asia/Jakarta'),
    });
    expect(calls[0]!.params.start_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\+07:00$/);
    expect(calls[0]!.signatureValid).toBe(true);
    const video = calls[0]!.params.video as { stream_path: string; download_path: string; resolution: string }[];
    expect(video.map((v) => v.resolution)).toEqual(['360', '720']);
    for (const v of video) {
      expect(v.stream_path).toBe(`${base}/hls/${UID}/${v.resolution}p/playlist.m3u8`);
      expect(v.download_path).toBe(`${base}/mp4/${UID}.mp4`);
      // Playable through the bucket's public URL, at its height, the whole booking long.
      const p = await probe(v.stream_path);
      expect(p.height).toBe(Number(v.resolution));
      expect(p.duration).toBeGreaterThan(11);
    }
    expect((await probe(`${base}/mp4/${UID}.mp4`)).height).toBe(720);
    // The local renditions went once they were verified in the store; the video's own MP4 stays.
    expect(fs.existsSync(path.join(w.tmp.dir, 'media', 'purchases', UID))).toBe(false);
    expect(fs.existsSync(path.join(w.tmp.dir, 'media', 'videos', '2025-04-10', `${UID}.mp4`))).toBe(true);
    // The API shows the purchase with its history and what was sent.
    const p = (await w.purchase('VR-1')).data;
    expect(p.video).toEqual(video);
    expect(p.history.map((h: { state: string }) => h.state)).toEqual([
      'queued',
      'rendering',
      'uploading',
      'saving',
      'delivered',
    ]);

    // Refused requests: reported in the id lists, each once; none of them rendered or saved.
    await waitFor(
      () =>
        w.ayo.acceptedIds('video-request-incompleted').size === 2 &&
        w.ayo.acceptedIds('video-request-invalid').size === 2,
      'the refused requests reported',
      30_000,
    );
    expect([...w.ayo.acceptedIds('video-request-invalid').keys()].sort()).toEqual(['VR-CANCELLED', 'VR-UNKNOWN']);
    expect([...w.ayo.acceptedIds('video-request-incompleted').keys()].sort()).toEqual(['VR-GONE', 'VR-LOW']);
    expect((await w.purchase('VR-LOW')).data).toMatchObject({ state: 'incompleted' });
    expect((await w.purchase('VR-LOW')).data.reason).toMatch(/50\.0%/);
    expect((await w.purchase('VR-DONE')).status).toBe(404);
    expect([...w.ayo.acceptedSaveVideos().keys()]).toEqual(['VR-1']);

    // Seen again at every poll: never repeated, never rebuilt, never reported again.
    const polls = w.ayo.calls.filter((c) => c.endpoint === 'video-requests').length;
    await waitFor(
      () => w.ayo.calls.filter((c) => c.endpoint === 'video-requests').length >= polls + 3,
      'three more polls',
      30_000,
    );
    expect(w.ayo.acceptedSaveVideos().get('VR-1')).toHaveLength(1);
    expect((await w.purchase('VR-1')).data.history).toHaveLength(5);
    expect([...w.ayo.acceptedIds('video-request-invalid').values()]).toEqual([1, 1]);

    // The dashboard's video page lists the purchase, its renditions and its history (headless Chromium).
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${w.service.url}/#/video/${encodeURIComponent(UID)}`);
      const item = page.locator('#video-purchases li[data-purchase="VR-1"]');
      await item.waitFor({ timeout: 60_000 });
      const text = await item.innerText();
      expect(text).toMatch(/VR-1\s+delivered/);
      expect(text).toMatch(/360p\s+720p\s+·\s+mp4/);
      expect(text).toMatch(/queued[\s\S]*rendering[\s\S]*uploading[\s\S]*saving[\s\S]*delivered/);
      expect(await item.locator('a', { hasText: '720p' }).getAttribute('href')).toBe(video[1]!.stream_path);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }

    // The list route filters by state; metrics count each outcome once and the renditions' bytes as hls.
    const list = (await (await fetch(`${w.service.url}/api/purchases?state=invalid`)).json()) as { data: any[] };
    expect(list.data.map((x) => x.videoRequestId).sort()).toEqual(['VR-CANCELLED', 'VR-UNKNOWN']);
    expect(await w.metric('purchases_total', '{outcome="delivered"}')).toBe(1);
    expect(await w.metric('purchases_total', '{outcome="invalid"}')).toBe(2);
    expect(await w.metric('purchases_total', '{outcome="incompleted"}')).toBe(2);
    expect(await w.metric('purchases_total', '{outcome="failed"}')).toBe(0);
    expect(await w.metric('purchase_seconds_count', '')).toBe(1);
    expect(await w.metric('upload_bytes_total', '{kind="hls"}')).toBeGreaterThan(fs.statSync(MP4).size / 2);
  });

  it('a video whose local MP4 retention removed is made again from its footage or the bucket; with neither it is unavailable, AYO is told, and its purchase incompleted', async () => {
    // 20 s of footage around an 8 s booking (the seeded MP4 lasts 12 s: a rendition of it would be told apart).
    const segs = await makeFootage(path.join(source.dir, 'recut'), {
      t0Ms: WINDOW_START_MS - 6_000,
      seconds: 20,
      segmentSeconds: 2,
      width: 640,
      height: 360,
    });
    const RECUT = 'BK-R-1_CAM_1_20250410100000';
    const GONE = 'BK-N-1_CAM_1_20250410100000';
    const BUCKET = 'BK-B-1_CAM_1_20250410100000';
    const w = await world((dir) => {
      for (const [uid, booking] of [
        [RECUT, 'BK/R/1'],
        [GONE, 'BK/N/1'],
        [BUCKET, 'BK/B/1'],
      ] as const)
        seedVideo(dir, { uniqueId: uid, bookingId: booking, stage: 'ready', mp4: MP4, seconds: 8 });
      const db = openDatabase(path.join(dir, 'venue-recorder.db'));
      try {
        // As VIDEO_RETENTION_DAYS leaves them: the local files deleted and forgotten, the footage still indexed.
        for (const v of db.prepare('SELECT file, preview_file, thumbnail_file FROM videos').all() as string[][])
          for (const f of Object.values(v)) fs.rmSync(f, { force: true });
        db.prepare('UPDATE videos SET file = NULL, preview_file = NULL, thumbnail_file = NULL').run();
        const recordings = path.join(dir, 'media', 'recordings');
        const segments = createSegmentsRepo(db);
        for (const sg of segs) {
          const file = path.join('CAM_1', path.basename(sg.file));
          fs.mkdirSync(path.join(recordings, 'CAM_1'), { recursive: true });
          fs.copyFileSync(sg.file, path.join(recordings, file));
          segments.insert({
            camera: 'CAM_1',
            file,
            start_ms: sg.startMs,
            end_ms: sg.endMs,
            duration_ms: sg.endMs - sg.startMs,
            size_bytes: fs.statSync(sg.file).size,
            created_at: '',
          });
        }
        // The other two have no footage left; one of them has its full video in the bucket (FULL_VIDEO_UPLOAD=always).
        db.prepare("UPDATE videos SET camera = 'CAM_GONE' WHERE unique_id IN (?, ?)").run(GONE, BUCKET);
        db.prepare("UPDATE videos SET stored_objects = 'mp4,preview,thumbnail' WHERE unique_id = ?").run(BUCKET);
      } finally {
        db.close();
      }
    });
    await createS3Store(w.s3.config).put(`mp4/${BUCKET}.mp4`, MP4, 'video/mp4');
    w.ayo.setVideoRequests([
      videoRequest('VR-R', RECUT, 'BK/R/1'),
      videoRequest('VR-N', GONE, 'BK/N/1'),
      videoRequest('VR-B', BUCKET, 'BK/B/1'),
    ]);
    await delivered(w, 'VR-R');
    await delivered(w, 'VR-B');
    await reaches(w, 'VR-N', 'incompleted');
    // The service's own video sweep found it gone (files, footage, no full video in the bucket): unavailable, and AYO
    // was told; the one with footage stays ready.
    expect((await w.purchase('VR-N')).data.reason).toBe('its footage was removed by retention');
    await waitFor(() => w.ayo.acceptedIds('video-unavailable').get(GONE) === 1, 'GONE reported unavailable');
    expect(w.ayo.acceptedIds('video-unavailable').has(RECUT)).toBe(false);
    const status = async (uid: string) =>
      ((await (await fetch(`${w.service.url}/api/videos/${uid}`)).json()) as { data: { status: string } }).data.status;
    expect([await status(RECUT), await status(GONE), await status(BUCKET)]).toEqual(['ready', 'unavailable', 'ready']);
    // Made from the full video the bucket held: its 12 s.
    const fromBucket = w.ayo.acceptedSaveVideos().get('VR-B')![0]!.params.video as { stream_path: string }[];
    for (const v of fromBucket) expect((await probe(v.stream_path)).duration).toBeGreaterThan(11.5);
    const video = w.ayo.acceptedSaveVideos().get('VR-R')![0]!.params.video as { stream_path: string }[];
    for (const v of video) {
      const p = await probe(v.stream_path);
      // The booking's 8 s (starting at most one 2 s keyframe interval early), not the footage's 20 s or the MP4's 12 s.
      expect(p.duration).toBeGreaterThan(7.5);
      expect(p.duration).toBeLessThan(10.5);
    }
    // The source cut for it does not stay on the box.
    expect(fs.readdirSync(path.join(w.tmp.dir, 'media', 'purchases'))).toEqual([]);
  });

  it('a video still being made: the request waits (not invalid), then is delivered', async () => {
    const UID = 'BK-W-1_CAM_1_20250410100000';
    // Its cut job is marked done: the test plays the cut, so the video stays pending until it does.
    // VIDEO_ENCODER names an encoder this machine lacks: the renditions fall back to libx264 and are delivered.
    // FULL_VIDEO_UPLOAD=always: the plain MP4 goes to the download's key after the announcement, as the purchase is
    // made; it must not be left there in place of the top rendition, which the playlist reads by byte ranges.
    const w = await world((dir) => seedVideo(dir, { uniqueId: UID, bookingId: 'BK/W/1', stage: 'pending' }), {
      env: { VIDEO_ENCODER: 'h264_nvenc', FULL_VIDEO_UPLOAD: 'always' },
    });
    w.ayo.setVideoRequests([videoRequest('VR-W', UID, 'BK/W/1')]);
    await waitFor(async () => (await stateOf(w, 'VR-W')) === 'waiting', 'the request waiting', 30_000);
    const polls = w.ayo.calls.filter((c) => c.endpoint === 'video-requests').length;
    await waitFor(
      () => w.ayo.calls.filter((c) => c.endpoint === 'video-requests').length >= polls + 2,
      'two more polls',
      30_000,
    );
    expect(await stateOf(w, 'VR-W')).toBe('waiting');
    expect(w.ayo.acceptedIds('video-request-invalid').size).toBe(0);
    finishCut(w.tmp.dir, UID, MP4);
    await delivered(w, 'VR-W');
    expect(w.ayo.acceptedSaveVideos().get('VR-W')).toHaveLength(1);
    const video = w.ayo.acceptedSaveVideos().get('VR-W')![0]!.params.video as { stream_path: string }[];
    for (const v of video) expect((await probe(v.stream_path)).duration).toBeGreaterThan(10);
    const states = (await w.purchase('VR-W')).data.history.map((h: { state: string }) => h.state);
    expect(states[0]).toBe('waiting');
    expect(states.at(-1)).toBe('delivered');
  });

  it('AYO and the object store fail in the middle of a purchase: it is delivered once, with no dead letter', async () => {
    const UID = 'BK-F-1_CAM_1_20250410100000';
    let proxy: Awaited<ReturnType<typeof startFlakyProxy>> | undefined;
    const w = await world((dir) => seedVideo(dir, { uniqueId: UID, bookingId: 'BK/F/1', stage: 'ready', mp4: MP4 }), {
      s3Proxy: async (s3) => {
        // The store answers 503 to the first four uploads of the renditions.
        proxy = await startFlakyProxy(s3.config.endpoint, { method: 'PUT', path: /\/hls\//, times: 4 });
        cleanups.push(() => proxy!.close());
        return proxy.url;
      },
    });
    w.ayo.fault({ kind: '503', endpoint: 'save-video', times: 2 });
    w.ayo.fault({ kind: 'hang', endpoint: 'save-video', times: 1 });
    w.ayo.setVideoRequests([videoRequest('VR-F', UID, 'BK/F/1')]);
    await delivered(w, 'VR-F', 120_000);
    expect(proxy!.seen.filter((r) => r.failed)).toHaveLength(4);
    expect(w.ayo.calls.filter((c) => c.endpoint === 'save-video').length).toBeGreaterThanOrEqual(3);
    expect(w.ayo.acceptedSaveVideos().get('VR-F')).toHaveLength(1);
    const q = (await (await fetch(`${w.service.url}/api/queue`)).json()) as { data: { deadLetters: unknown[] } };
    expect(q.data.deadLetters).toEqual([]);
  });

  it('save-video refused with a 4xx: the purchase fails for good, with the reason; an operator retries it once fixed', async () => {
    const UID = 'BK-R-1_CAM_1_20250410100000';
    const w = await world((dir) => seedVideo(dir, { uniqueId: UID, bookingId: 'BK/R/1', stage: 'ready', mp4: MP4 }));
    w.ayo.fault({ kind: '400', endpoint: 'save-video' });
    w.ayo.setVideoRequests([videoRequest('VR-R', UID, 'BK/R/1')]);
    await reaches(w, 'VR-R', 'failed');
    expect((await w.purchase('VR-R')).data.reason).toMatch(/save-video failed/);
    expect(w.ayo.calls.filter((c) => c.endpoint === 'save-video')).toHaveLength(1);
    expect(await w.metric('purchases_total', '{outcome="failed"}')).toBe(1);
    // The operator fixes the cause (AYO accepts again) and retries the dead save-video: the purchase is delivered.
    w.ayo.clearFaults();
    const queue = (await (await fetch(`${w.service.url}/api/queue`)).json()) as {
      data: { deadLetters: { id: number; kind: string }[] };
    };
    const dead = queue.data.deadLetters.find((j) => j.kind === 'save-video')!;
    const retry = await fetch(`${w.service.url}/api/queue/${dead.id}/retry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(retry.status).toBe(200);
    await delivered(w, 'VR-R');
    expect(w.ayo.acceptedSaveVideos().get('VR-R')).toHaveLength(1);
    const states = (await w.purchase('VR-R')).data.history.map((h: { state: string }) => h.state);
    expect(states.slice(-3)).toEqual(['failed', 'saving', 'delivered']);
  });
});
