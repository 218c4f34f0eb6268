import { afterEach, describe, expect, it } from 'vitest';
import { createS3Store } from '../src/storage/index.js';
import { seedDeliverableVideos } from './fixtures/delivery.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { startFlakyProxy } from './fixtures/flaky-proxy.js';
import { tempDir, waitFor } from './fixtures/helpers.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';
import { spawnService, type ServiceProcess } from './fixtures/service-process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The service forked as a real process against the fake AYO and `s3Endpoint`. */
function fork(
  dataDir: string,
  ayo: FakeAyo,
  s3: FakeS3,
  s3Endpoint: string,
  fullVideoUpload: 'on-purchase' | 'always',
): ServiceProcess {
  const p = spawnService({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
    BOOKING_SYNC_INTERVAL: '1h',
    AYO_API_BASE_URL: ayo.baseUrl,
    AYO_API_TOKEN: TEST_AYO.token,
    AYO_VENUE_CODE: TEST_AYO.venueCode,
    AYO_VENUE_SECRET: TEST_AYO.secret,
    AYO_API_TIMEOUT: '20s',
    S3_ENDPOINT: s3Endpoint,
    S3_BUCKET: 'videos',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_PUBLIC_BASE_URL: `${s3.config.endpoint}/videos`,
    CONNECTIVITY_INTERVAL: '500ms',
    UPLOAD_CONCURRENCY: '1',
    UPLOAD_RETRY_DELAYS: '50ms',
    NOTIFY_RETRY_DELAYS: '50ms',
    DELIVERY_JOB_RETRY_DELAYS: '200ms,200ms,200ms,200ms,200ms',
    FULL_VIDEO_UPLOAD: fullVideoUpload,
  });
  cleanups.push(async () => {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  });
  return p;
}

async function world(mp4Bytes: number, fullVideoUpload: 'on-purchase' | 'always' = 'on-purchase') {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const ayo = await startFakeAyo(TEST_AYO);
  cleanups.push(() => ayo.close());
  const s3 = await startFakeS3();
  cleanups.push(() => s3.close());
  const proxy = await startFlakyProxy(s3.config.endpoint, { method: 'NONE', path: /x/, times: 0 });
  cleanups.push(() => proxy.close());
  const ids = seedDeliverableVideos(tmp.dir, 3, { mp4Bytes });
  return { tmp, ayo, s3, proxy, ids, fullVideoUpload };
}

/**
 * After the restart: every video ready, its preview and thumbnail whole in the bucket, one accepted notification per
 * unique_id; the full MP4 whole there too with FULL_VIDEO_UPLOAD=always, and absent with on-purchase.
 */
async function expectExactlyOnce(w: Awaited<ReturnType<typeof world>>, mp4Bytes: number) {
  const p = fork(w.tmp.dir, w.ayo, w.s3, w.proxy.url, w.fullVideoUpload);
  const url = await p.url();
  await waitFor(
    async () => {
      for (const id of w.ids) {
        const v = (await (await fetch(`${url}/api/videos/${id}`)).json()) as { data: { status: string } };
        if (v.data.status !== 'ready') return false;
      }
      return true;
    },
    'every video ready after the restart',
    90_000,
  );
  const store = createS3Store(w.s3.config);
  // The full MP4 goes up after the announcement: wait for it rather than expect it with `ready`.
  if (w.fullVideoUpload === 'always')
    await waitFor(
      async () => {
        for (const id of w.ids) if ((await store.size(`mp4/${id}.mp4`)) !== mp4Bytes) return false;
        return true;
      },
      'every full MP4 in the bucket',
      90_000,
    );
  for (const id of w.ids) {
    expect(await store.size(`mp4/${id}.mp4`)).toBe(w.fullVideoUpload === 'always' ? mp4Bytes : undefined);
    expect(await store.size(`mp4/${id}_preview.mp4`)).toBe(50_000);
    expect(await store.size(`mp4/${id}_thumbnail.jpg`)).toBe(5_000);
    expect(w.ayo.acceptedVideos().get(id)).toHaveLength(1);
  }
  const q = (await (await fetch(`${url}/api/queue`)).json()) as { data: { deadLetters: unknown[] } };
  expect(q.data.deadLetters).toEqual([]);
  p.child.kill('SIGTERM');
  expect((await p.exited).code).toBe(0);
}

// Forked services doing real uploads: generous time on a busy machine; every wait is on a condition, never a clock.
describe('exactly once across kill -9', { timeout: 180_000 }, () => {
  it('killed mid-upload of a full MP4 (FULL_VIDEO_UPLOAD=always): the restart finishes it; each video is announced once', async () => {
    const mp4Bytes = 40 * 1024 * 1024;
    const w = await world(mp4Bytes, 'always');
    const p = fork(w.tmp.dir, w.ayo, w.s3, w.proxy.url, 'always');
    // The first part of the first mp4 is on its way (after its announcement): kill the whole service there.
    await waitFor(
      () => w.proxy.seen.some((r) => r.method === 'PUT' && /\.mp4\?.*partNumber=/.test(r.path)),
      'a multipart upload in flight',
      90_000,
    );
    p.child.kill('SIGKILL');
    await p.exited;
    await expectExactlyOnce(w, mp4Bytes);
  });

  it('killed between upload and notification (AYO failing): the restart notifies once', async () => {
    const w = await world(100_000);
    w.ayo.fault({ kind: '503', endpoint: 'save-video-available' });
    const p = fork(w.tmp.dir, w.ayo, w.s3, w.proxy.url, w.fullVideoUpload);
    await waitFor(
      () => p.out.filter((l) => l.includes('📤 SUCCESS: Direct upload completed')).length === 3,
      'all uploads done',
      90_000,
    );
    await waitFor(
      () => w.ayo.calls.some((c) => c.endpoint === 'save-video-available'),
      'a refused notification',
      90_000,
    );
    p.child.kill('SIGKILL');
    await p.exited;
    w.ayo.clearFaults();
    await expectExactlyOnce(w, 100_000);
  });

  it('killed mid-notification (AYO has not answered): the restart notifies once', async () => {
    const w = await world(100_000);
    w.ayo.fault({ kind: 'hang', endpoint: 'save-video-available' });
    const p = fork(w.tmp.dir, w.ayo, w.s3, w.proxy.url, w.fullVideoUpload);
    await waitFor(
      () => w.ayo.calls.some((c) => c.endpoint === 'save-video-available' && c.answered === 'hang'),
      'a notification in flight',
      90_000,
    );
    p.child.kill('SIGKILL');
    await p.exited;
    w.ayo.clearFaults();
    await expectExactlyOnce(w, 100_000);
  });
});
