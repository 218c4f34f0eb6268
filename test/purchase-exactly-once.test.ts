// Exactly one accepted save-video per purchase across kill -9 (issue 11 point 6), tested as exactly-once.test.ts
// tests the announcement: the service is forked as a real process, killed with SIGKILL while rendering, while
// uploading and while AYO holds save-video, then started again on the same data; the purchase is delivered once,
// its renditions whole in the bucket and playable, with no dead letter.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAyo, TEST_AYO } from './fixtures/fake-ayo.js';
import { startFlakyProxy } from './fixtures/flaky-proxy.js';
import { tempDir, waitFor } from './fixtures/helpers.js';
import { makeMp4, seedVideo, videoRequest } from './fixtures/purchases.js';
import { startFakeS3 } from './fixtures/s3.js';
import { spawnService, type ServiceProcess } from './fixtures/service-process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const UID = 'BK-X-1_CAM_1_20250410100000';
let source: ReturnType<typeof tempDir>;
let MP4: string;
beforeAll(() => {
  source = tempDir();
  // 30 s: long enough that its renditions take a while to encode and upload on any machine.
  MP4 = makeMp4(path.join(source.dir, 'source.mp4'), 30);
});
afterAll(() => source.cleanup());

async function world() {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const ayo = await startFakeAyo(TEST_AYO);
  cleanups.push(() => ayo.close());
  const s3 = await startFakeS3();
  cleanups.push(() => s3.close());
  const proxy = await startFlakyProxy(s3.config.endpoint, { method: 'NONE', path: /x/, times: 0 });
  cleanups.push(() => proxy.close());
  seedVideo(tmp.dir, { uniqueId: UID, bookingId: 'BK/X/1', stage: 'ready', mp4: MP4, seconds: 30 });
  ayo.setVideoRequests([videoRequest('VR-X', UID, 'BK/X/1')]);
  return { tmp, ayo, s3, proxy };
}
type World = Awaited<ReturnType<typeof world>>;

/** The service forked against the fake AYO and the proxy in front of s3rver; `env` adds to the usual. */
function fork(w: World, env: Record<string, string> = {}): ServiceProcess {
  const p = spawnService({
    PORT: '0',
    DATA_DIR: w.tmp.dir,
    LOG_FORMAT: 'json',
    MIN_FREE_DISK_MB: '0',
    BOOKING_SYNC_INTERVAL: '1h',
    VIDEO_SCAN_INTERVAL: '1h',
    CAMERA_STATUS_INTERVAL: '1h',
    AYO_API_BASE_URL: w.ayo.baseUrl,
    AYO_API_TOKEN: TEST_AYO.token,
    AYO_VENUE_CODE: TEST_AYO.venueCode,
    AYO_VENUE_SECRET: TEST_AYO.secret,
    AYO_API_TIMEOUT: '20s',
    S3_ENDPOINT: w.proxy.url,
    S3_BUCKET: 'videos',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_PUBLIC_BASE_URL: `${w.s3.config.endpoint}/videos`,
    CONNECTIVITY_INTERVAL: '500ms',
    VIDEO_REQUEST_INTERVAL: '300ms',
    VIDEO_QUALITIES: '360,480,720',
    WATERMARK: 'off',
    UPLOAD_RETRY_DELAYS: '50ms',
    NOTIFY_RETRY_DELAYS: '50ms',
    DELIVERY_JOB_RETRY_DELAYS: '200ms,200ms,200ms,200ms,200ms',
    ...env,
  });
  cleanups.push(async () => {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  });
  return p;
}

/** Kills `p` with SIGKILL (no shutdown of any kind) and waits for it to be gone. */
async function kill9(p: ServiceProcess): Promise<void> {
  p.child.kill('SIGKILL');
  await p.exited;
}

/** Bytes written so far under the purchase's work folder (ffmpeg's output while it renders). */
function renderedBytes(dataDir: string): number {
  const dir = path.join(dataDir, 'media', 'purchases', UID);
  if (!fs.existsSync(dir)) return 0;
  let n = 0;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) n += fs.statSync(path.join(e.parentPath, e.name)).size;
  return n;
}

/** After a restart: delivered once, every rendition whole and playable from the bucket, no dead letter. */
async function expectDeliveredOnce(w: World): Promise<void> {
  const p = fork(w);
  const url = await p.url();
  await waitFor(
    async () => {
      const r = (await (await fetch(`${url}/api/purchases/VR-X`)).json()) as { data?: { state: string } };
      return r.data?.state === 'delivered';
    },
    'the purchase delivered after the restart',
    150_000,
    100,
  );
  expect(w.ayo.acceptedSaveVideos().get('VR-X')).toHaveLength(1);
  const video = w.ayo.acceptedSaveVideos().get('VR-X')![0]!.params.video as {
    stream_path: string;
    resolution: string;
  }[];
  expect(video.map((v) => v.resolution)).toEqual(['360', '480', '720']);
  for (const v of video) {
    // Asynchronous: s3rver answers from this very process.
    const { stdout: out } = await promisify(execFile)(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=height:format=duration',
        '-of',
        'json',
        v.stream_path,
      ],
      { encoding: 'utf8' },
    );
    const j = JSON.parse(out) as { streams: { height: number }[]; format: { duration: string } };
    expect(j.streams[0]!.height).toBe(Number(v.resolution));
    expect(Number(j.format.duration)).toBeGreaterThan(29);
  }
  const q = (await (await fetch(`${url}/api/queue`)).json()) as { data: { deadLetters: unknown[] } };
  expect(q.data.deadLetters).toEqual([]);
  p.child.kill('SIGTERM');
  expect((await p.exited).code).toBe(0);
}

// Forked services rendering and uploading for real: generous waits on a busy machine, each on a condition.
describe('purchase: exactly one save-video across kill -9', { timeout: 300_000 }, () => {
  it('killed while rendering: the restart renders again and delivers once', async () => {
    const w = await world();
    const p = fork(w);
    await waitFor(() => renderedBytes(w.tmp.dir) > 0, 'ffmpeg writing the renditions', 120_000, 20);
    await kill9(p);
    expect(w.ayo.calls.filter((c) => c.endpoint === 'save-video')).toEqual([]);
    await expectDeliveredOnce(w);
  });

  it('killed while uploading the renditions: the restart sends the rest and delivers once', async () => {
    const w = await world();
    // A capped link: the renditions take seconds to go up, so the kill lands among them.
    const p = fork(w, { UPLOAD_MAX_MBPS: '4' });
    await waitFor(
      () => w.proxy.seen.some((r) => r.method === 'PUT' && /\/(hls|mp4)\//.test(r.path)),
      'a rendition on its way to the store',
      150_000,
      20,
    );
    await kill9(p);
    expect(w.ayo.calls.filter((c) => c.endpoint === 'save-video')).toEqual([]);
    await expectDeliveredOnce(w);
  });

  it('killed while AYO holds save-video: the restart saves once', async () => {
    const w = await world();
    w.ayo.fault({ kind: 'hang', endpoint: 'save-video' });
    const p = fork(w);
    await waitFor(
      () => w.ayo.calls.some((c) => c.endpoint === 'save-video' && c.answered === 'hang'),
      'save-video in flight',
      150_000,
    );
    await kill9(p);
    w.ayo.clearFaults();
    await expectDeliveredOnce(w);
  });
});
