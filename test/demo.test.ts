import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from './fixtures/helpers.js';
import { spawnService, type ServiceProcess } from './fixtures/service-process.js';

const tmp = tempDir();
let p: ServiceProcess | undefined;
afterAll(async () => {
  if (p && p.child.exitCode === null) {
    p.child.kill('SIGTERM');
    await p.exited;
  }
  tmp.cleanup();
});

describe('demo mode', () => {
  it('runs the whole pipeline with its stand-ins: a booking of the simulated AYO becomes a delivered, announced clip', { timeout: 120_000 }, async () => {
    p = spawnService({
      DEMO: 'true', PORT: '0', DATA_DIR: tmp.dir, MIN_FREE_DISK_MB: '0', SEGMENT_SECONDS: '2',
      DEMO_FIRST_BOOKING_AFTER: '3s', DEMO_BOOKING_LENGTH: '6s', DEMO_BOOKING_INTERVAL: '8s',
      BOOKING_SYNC_INTERVAL: '2s', VIDEO_SCAN_INTERVAL: '1s', CLIP_GRACE: '1s',
    });
    const url = await p.url();
    const sim = await waitFor(() => p!.out.map((l) => /🎭 DEMO: simulated AYO on (\S+),/.exec(l)?.[1]).find(Boolean), 'the simulator line');
    const ready = await waitFor(async () => {
      const r = (await (await fetch(`${url}/api/videos?status=ready`)).json()) as { data: { uniqueId: string; bookingId: string; urls: Record<string, string>; files: Record<string, string> }[] };
      return r.data[0];
    }, 'the first demo clip to be delivered', 90_000);
    expect(ready.bookingId).toMatch(/^DEMO\/\d{8}\/0000$/);
    // The local object store holds the three objects and the service serves them at their public URLs.
    for (const [part, type] of [['mp4', 'video/mp4'], ['preview', 'video/mp4'], ['thumbnail', 'image/jpeg']] as const) {
      const res = await fetch(ready.urls[part]!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      expect(fs.existsSync(path.join(tmp.dir, 'objects', 'mp4', path.basename(new URL(ready.urls[part]!).pathname)))).toBe(true);
    }
    // The simulated AYO checked the signature of the announcement and recorded it.
    const received = (await (await fetch(`http://${sim}/api/v1/_demo/received`)).json()) as { data: { endpoint: string; uniqueId?: string }[] };
    expect(received.data.some((r) => r.endpoint === 'save-video-available' && r.uniqueId === ready.uniqueId)).toBe(true);
    // The second booking is cancelled by the simulated AYO once it is half over.
    await waitFor(async () => {
      const r = (await (await fetch(`${url}/api/bookings/status/cancelled`)).json()) as { count: number };
      return r.count >= 1;
    }, 'the cancelled demo booking', 60_000);
    expect((await (await fetch(`${url}/objects/..%2F..%2Fetc%2Fpasswd`)).status)).toBe(400);
  });
});
