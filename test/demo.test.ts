import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { tempDir, waitFor } from './fixtures/helpers.js';
import { spawnService, type ServiceProcess } from './fixtures/service-process.js';

const tmp = tempDir();
let p: ServiceProcess | undefined;
const started: ServiceProcess[] = [];
afterAll(async () => {
  for (const s of started) {
    if (s.child.exitCode === null) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  }
  tmp.cleanup();
});

const SHORT = {
  DEMO: 'true',
  PORT: '0',
  MIN_FREE_DISK_MB: '0',
  SEGMENT_SECONDS: '2',
  DEMO_FIRST_BOOKING_AFTER: '3s',
  DEMO_BOOKING_LENGTH: '6s',
  DEMO_BOOKING_INTERVAL: '8s',
  BOOKING_SYNC_INTERVAL: '2s',
  VIDEO_SCAN_INTERVAL: '1s',
  CLIP_GRACE: '1s',
};
type ReadyVideo = {
  uniqueId: string;
  bookingId: string;
  urls: Record<string, string | null>;
  files: Record<string, string>;
};
type PurchaseDto = { state: string; video: { stream_path: string; download_path: string }[] | null };
const readyVideos = async (url: string) =>
  ((await (await fetch(`${url}/api/videos?status=ready`)).json()) as { data: ReadyVideo[] }).data;
const demo = (env: Record<string, string>) => {
  const s = spawnService(env);
  started.push(s);
  // A timeout alone does not say where the demo stood: the service's last lines do.
  onTestFailed(() => console.error(`the demo's last log lines:\n${[...s.out, ...s.err].slice(-40).join('\n')}`));
  return s;
};

describe('demo mode', () => {
  it(
    'runs the whole pipeline with its stand-ins: a booking of the simulated AYO becomes a delivered, announced clip',
    { timeout: 600_000 },
    async () => {
      p = demo({ ...SHORT, DATA_DIR: tmp.dir });
      const url = await p.url();
      const sim = await waitFor(
        () => p!.out.map((l) => /🎭 DEMO: simulated AYO on (\S+),/.exec(l)?.[1]).find(Boolean),
        'the simulator line',
      );
      const ready = await waitFor(
        async () => (await readyVideos(url))[0],
        'the first demo clip to be delivered',
        240_000,
      );
      // Any of the simulated bookings: on a starved machine the first one can end before the camera records.
      expect(ready.bookingId).toMatch(/^DEMO\/\d{8}-\d{6}\/\d{4}$/);
      // The local object store holds what the announcement shows, and the service serves it at its public URLs; the
      // full video stays local (FULL_VIDEO_UPLOAD=on-purchase, the default).
      expect(ready.urls.mp4).toBeNull();
      expect(fs.existsSync(path.join(tmp.dir, ready.files.mp4!))).toBe(true);
      for (const [part, type] of [
        ['preview', 'video/mp4'],
        ['thumbnail', 'image/jpeg'],
      ] as const) {
        const res = await fetch(ready.urls[part]!);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe(type);
        expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
        expect(
          fs.existsSync(path.join(tmp.dir, 'objects', 'mp4', path.basename(new URL(ready.urls[part]!).pathname))),
        ).toBe(true);
      }
      // The simulated AYO checked the signature of the announcement and recorded it.
      const received = (await (await fetch(`http://${sim}/api/v1/_demo/received`)).json()) as {
        data: { endpoint: string; uniqueId?: string }[];
      };
      expect(received.data.some((r) => r.endpoint === 'save-video-available' && r.uniqueId === ready.uniqueId)).toBe(
        true,
      );
      // The simulated AYO buys the first full video it was told about: the purchase is rendered, put in the local
      // store and delivered with save-video; its playlists and download MP4 are served at their public URLs.
      const bought = await waitFor(
        async () =>
          ((await (await fetch(`${url}/api/purchases?state=delivered`)).json()) as { data: PurchaseDto[] }).data[0],
        'the demo purchase delivered',
        240_000,
      ).catch(async (e: unknown) => {
        // Says where the purchase stood, should it ever fail.
        const all = await (await fetch(`${url}/api/purchases`)).text();
        throw new Error(`${(e as Error).message}; purchases: ${all}`);
      });
      expect(bought.video!.length).toBeGreaterThan(0);
      for (const v of bought.video!) {
        const res = await fetch(v.stream_path);
        expect(res.status).toBe(200);
        expect(await res.text()).toMatch(/^#EXTM3U/);
      }
      const download = await fetch(bought.video![0]!.download_path);
      expect(download.status).toBe(200);
      expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      const afterPurchase = (await (await fetch(`http://${sim}/api/v1/_demo/received`)).json()) as {
        data: { endpoint: string }[];
      };
      expect(afterPurchase.data.filter((r) => r.endpoint === 'save-video')).toHaveLength(1);
      // The second booking is cancelled by the simulated AYO once it is half over.
      await waitFor(
        async () => {
          const r = (await (await fetch(`${url}/api/bookings/status/cancelled`)).json()) as { count: number };
          return r.count >= 1;
        },
        'the cancelled demo booking',
        120_000,
      );
      expect((await fetch(`${url}/objects/..%2F..%2Fetc%2Fpasswd`)).status).toBe(400);

      // A second demo on the same data directory makes bookings of its own, and delivers a new clip.
      p.child.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
      const again = demo({ ...SHORT, DATA_DIR: tmp.dir });
      const url2 = await again.url();
      const second = await waitFor(
        async () =>
          (await readyVideos(url2)).find((v) => v.bookingId !== ready.bookingId && v.bookingId.endsWith('/0000')),
        "the second demo's first clip",
        240_000,
      );
      expect(second.uniqueId).not.toBe(ready.uniqueId);
      again.child.kill('SIGTERM');
      expect((await again.exited).code).toBe(0);
    },
  );

  it(
    "keeps the README's promise with its default timing: the first clip is delivered and announced within five minutes",
    { timeout: 420_000 },
    async () => {
      const dir = tempDir();
      try {
        const t0 = Date.now();
        const d = demo({ DEMO: 'true', PORT: '0', DATA_DIR: dir.dir, MIN_FREE_DISK_MB: '0' });
        const url = await d.url();
        const ready = await waitFor(
          async () => (await readyVideos(url))[0],
          'the first demo clip within five minutes',
          5 * 60_000 - (Date.now() - t0),
          1_000,
        );
        expect(ready.bookingId).toMatch(/\/0000$/);
        expect((await fetch(ready.urls.preview!)).status).toBe(200);
        d.child.kill('SIGTERM');
        expect((await d.exited).code).toBe(0);
      } finally {
        dir.cleanup();
      }
    },
  );
});
