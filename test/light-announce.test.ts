// The light announcement (FULL_VIDEO_UPLOAD): with `on-purchase` (the default) a video's preview and thumbnail are
// all that goes up before save-video-available, and its full MP4 stays local; with `always` the full MP4 goes up after
// the announcement and never before one. Checked where a user would: the requests the object store received (a meter
// in front of s3rver), the calls the fake AYO accepted, the video's URLs and the upload metric.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService } from '../src/service.js';
import { seedDeliverableVideos } from './fixtures/delivery.js';
import { startFakeAyo, TEST_AYO } from './fixtures/fake-ayo.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { startFakeS3 } from './fixtures/s3.js';
import { startUploadMeter } from './fixtures/upload-meter.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const MP4_BYTES = 3_000_000;

/** A service over s3rver (behind the meter) and the fake AYO, with `count` videos waiting for delivery. */
async function setup(count: number, env: Record<string, string>) {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const ayo = await startFakeAyo(TEST_AYO);
  cleanups.push(() => ayo.close());
  const s3 = await startFakeS3();
  cleanups.push(() => s3.close());
  const meter = await startUploadMeter(s3.config.endpoint);
  cleanups.push(() => meter.close());
  const ids = seedDeliverableVideos(tmp.dir, count, { mp4Bytes: MP4_BYTES });
  const log = captureLogger();
  const service = await startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: tmp.dir,
      BOOKING_SYNC_INTERVAL: '1h',
      AYO_API_BASE_URL: ayo.baseUrl,
      AYO_API_TOKEN: TEST_AYO.token,
      AYO_VENUE_CODE: TEST_AYO.venueCode,
      AYO_VENUE_SECRET: TEST_AYO.secret,
      AYO_API_TIMEOUT: '5s',
      S3_ENDPOINT: meter.url,
      S3_BUCKET: 'videos',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_PUBLIC_BASE_URL: `${s3.config.endpoint}/videos`,
      CONNECTIVITY_INTERVAL: '200ms',
      UPLOAD_RETRY_DELAYS: '10ms,20ms',
      DELIVERY_JOB_RETRY_DELAYS: '300ms,300ms,300ms',
      ...env,
    }),
    log.logger,
  );
  cleanups.push(() => service.stop());
  const video = async (id: string) =>
    ((await (await fetch(`${service.url}/api/videos/${id}`)).json()) as { data: any }).data;
  const metric = async (kind: string) => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const m = new RegExp(`^venue_recorder_upload_bytes_total\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const announcedAt = (id: string) => ayo.acceptedVideos().get(id)?.[0]?.atMs;
  await waitFor(
    async () => {
      for (const id of ids) if ((await video(id)).status !== 'ready') return false;
      return true;
    },
    'every video announced',
    60_000,
  );
  return { tmp, s3, ayo, meter, ids, log, video, metric, announcedAt };
}

describe('light announcement (FULL_VIDEO_UPLOAD)', { timeout: 120_000 }, () => {
  it('on-purchase (the default): only the preview and thumbnail go up; the full MP4 stays local', async () => {
    const t = await setup(2, {});
    for (const id of t.ids) {
      expect(t.ayo.acceptedVideos().get(id)).toHaveLength(1);
      const v = await t.video(id);
      expect(v.urls.mp4).toBeNull();
      expect(t.ayo.acceptedVideos().get(id)![0]!.params).toMatchObject({
        preview_path: v.urls.preview,
        image_path: v.urls.thumbnail,
      });
      expect(fs.existsSync(path.join(t.tmp.dir, 'media', 'videos', '2025-04-10', `${id}.mp4`))).toBe(true);
    }
    // What the object store received: the two small objects of each video, and nothing else, ever.
    const puts = t.meter.seen.filter((r) => r.method === 'PUT' || r.method === 'POST');
    expect(puts.map((r) => r.path.replace(/\?.*/, '')).sort()).toEqual(
      t.ids.flatMap((id) => [`/videos/mp4/${id}_preview.mp4`, `/videos/mp4/${id}_thumbnail.jpg`]).sort(),
    );
    expect(puts.reduce((n, r) => n + r.bytes, 0)).toBe(t.ids.length * (50_000 + 5_000));
    expect(await t.metric('preview')).toBe(t.ids.length * 50_000);
    expect(await t.metric('thumbnail')).toBe(t.ids.length * 5_000);
    expect(await t.metric('full')).toBe(0);
    expect(await t.metric('hls')).toBe(0);
    expect((await fetch(`${t.s3.config.endpoint}/videos/mp4/${t.ids[0]}.mp4`)).status).toBe(404);
  });

  it('always: the full MP4 goes up after the announcement, never before one; its URL is recorded', async () => {
    const t = await setup(3, { FULL_VIDEO_UPLOAD: 'always', UPLOAD_CONCURRENCY: '1' });
    await waitFor(
      async () => {
        for (const id of t.ids) if (!(await t.video(id)).urls.mp4) return false;
        return true;
      },
      'every full MP4 in the store',
      60_000,
    );
    const fulls = t.meter.seen.filter((r) => t.ids.some((id) => r.path.includes(`/${id}.mp4`)));
    const firstFullByte = Math.min(...fulls.map((r) => r.startMs));
    for (const id of t.ids) {
      const v = await t.video(id);
      expect(v.urls.mp4).toBe(`${t.s3.config.endpoint}/videos/mp4/${id}.mp4`);
      const mp4 = await fetch(v.urls.mp4);
      expect((await mp4.arrayBuffer()).byteLength).toBe(MP4_BYTES);
      expect(t.ayo.acceptedVideos().get(id)).toHaveLength(1);
      // The full upload began after this video's announcement was accepted ...
      const fullStart = Math.min(...t.meter.seen.filter((r) => r.path.includes(`/${id}.mp4`)).map((r) => r.startMs));
      expect(fullStart).toBeGreaterThanOrEqual(t.announcedAt(id)!);
      // ... and after every announcement upload (all three videos waited at the start): none waited for a full one.
      const small = t.meter.seen.filter((r) => r.path.includes(`/${id}_`));
      for (const r of small) expect(r.endMs!).toBeLessThanOrEqual(firstFullByte);
    }
    expect(await t.metric('full')).toBe(t.ids.length * MP4_BYTES);
    expect(await t.metric('preview')).toBe(t.ids.length * 50_000);
  });
});
