// The dashboard's recording timeline and export form in headless Chromium, against the running service recording a
// time-coded camera under a booking of its field: today's track shows what was recorded and the gap before it with
// its reason, the booking on top; the form exports the last seconds, and the export's MP4 shows that window.

import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { launchChromium } from './fixtures/browser.js';
import { partnerEnv, venueLocal } from './fixtures/env.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import type { RtspCamera } from './fixtures/rtsp-camera.js';
import { timedFramesOf } from './fixtures/timecode.js';
import { startTimecodedCamera } from './fixtures/timecoded-camera.js';

const API_KEY = 'timeline-dashboard-key-0123456789';
const CAMERA = 'TC_DASH';
const SHOTS = '/tmp/shots';
let ayo: FakeAyo;
let camera: RtspCamera;
let service: RunningService;
let browser: Browser;
const log = captureLogger();
const tmp = tempDir();
const api = async (p: string, init: RequestInit = {}) => {
  const res = await fetch(service.url + p, {
    ...init,
    headers: { authorization: `Bearer ${API_KEY}`, ...init.headers },
  });
  return (await res.json()) as any;
};

beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  camera = await startTimecodedCamera();
  // A booking of the camera's field around now (it shows on the track above the recording).
  const now = Date.now();
  const start = venueLocal(now - 30 * 60_000);
  const end = venueLocal(now + 30 * 60_000);
  ayo.setBookings(start.date, [
    ayoBooking({ booking_id: 'BK/TL/1', date: start.date, start_time: start.time, end_time: end.time, field_id: 73 }),
  ]);
  service = await startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: path.join(tmp.dir, 'data'),
      API_KEY,
      MIN_FREE_DISK_MB: '0',
      SEGMENT_SECONDS: '2',
      BOOKING_SYNC_INTERVAL: '1h',
      AYO_HEALTH_CHECK_INTERVAL: '1h',
      CAMERA_STATUS_INTERVAL: '1h',
      ...partnerEnv(ayo),
      CAMERAS: JSON.stringify([{ name: CAMERA, fieldId: 73, url: camera.url, enabled: true }]),
    }),
    log.logger,
  );
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await camera?.stop();
  await ayo?.close();
  tmp.cleanup();
});

describe('the timeline page and the export form in a real browser', () => {
  it(
    "draws today's recording per camera under its field's bookings, and exports a window from the form",
    { timeout: 300_000 },
    async () => {
      let cams: unknown;
      await waitFor(
        async () => {
          cams = (await api('/api/cameras')).data;
          return (cams as { lastSegmentEndAt?: string | null }[])[0]?.lastSegmentEndAt;
        },
        'the camera to record',
        180_000,
        300,
      ).catch(async (e: unknown) => {
        // Says why, should it ever fail: the camera's state and the service's last lines.
        // And what the camera itself sends: a few seconds of its stream, its process, its stderr.
        const probe = await fetch(camera.url, { signal: AbortSignal.timeout(5_000) })
          .then(async (r) => {
            let bytes = 0;
            try {
              for await (const c of r.body!) bytes += (c as Uint8Array).length;
            } catch {
              /* the 5 s are up */
            }
            return `${bytes} bytes in 5 s`;
          })
          .catch((x: unknown) => `fetch failed: ${(x as Error).message}`);
        const cam = `camera process exit ${camera.child.exitCode}/${camera.child.signalCode}, stream ${probe}, stderr: ${camera.stderr().slice(-2000)}`;
        throw new Error(
          `${(e as Error).message}; cameras: ${JSON.stringify(cams)}; ${cam}\n${log.lines.slice(-40).join('\n')}`,
        );
      });
      await waitFor(async () => (await api('/api/bookings/BK/TL/1')).data, 'the booking to sync', 60_000, 300);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const posts: { url: string; type: string | undefined; status?: number }[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST') posts.push({ url: r.url(), type: r.headers()['content-type'] });
      });
      page.on('response', (r) => {
        const post = posts.find((p) => p.url === r.url() && p.status === undefined);
        if (r.request().method() === 'POST' && post) post.status = r.status();
      });
      await page.addInitScript({
        content: `localStorage.setItem('venue-recorder-api-key', ${JSON.stringify(API_KEY)})`,
      });
      await page.goto(service.url + '/#/timeline');
      const track = page.locator(`[data-timeline="${CAMERA}"]`);
      await track.locator('.tl-rec').first().waitFor({ timeout: 30_000 });
      // The booking of field 73 on top, the time before the service recorded as a gap with its reason.
      await track.locator('[data-tl-booking="BK/TL/1"]').waitFor();
      expect(await track.locator('.tl-gap[data-gap-reason="no footage"]').count()).toBeGreaterThanOrEqual(1);
      expect(await track.innerText()).toMatch(/TC_DASH[\s\S]*field 73[\s\S]*recorded today[\s\S]*no footage/);
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'timeline.png'), fullPage: true });

      // The form: the last four recorded seconds, in the venue's time.
      const lastEnd = Math.floor(Date.parse((await api('/api/cameras')).data[0].lastSegmentEndAt) / 1000) * 1000;
      const from = venueLocal(lastEnd - 5_000);
      const to = venueLocal(lastEnd - 1_000);
      await page.selectOption('#export-camera', CAMERA);
      await page.fill('#export-date', from.date);
      await page.fill('#export-from', from.time);
      await page.fill('#export-to', to.time);
      await page.click('#export-submit');
      await page.locator('#export-result', { hasText: /Export #\d+ queued/ }).waitFor();
      const row = page.locator('#export-list [data-export]').first();
      await row.locator('[data-export-file]').waitFor({ timeout: 120_000 });
      expect(await row.innerText()).toMatch(/done[\s\S]*TC_DASH[\s\S]*coverage 100\.0%[\s\S]*download/);
      expect(posts).toEqual([{ url: `${service.url}/api/exports`, type: 'application/json', status: 202 }]);
      await page.screenshot({ path: path.join(SHOTS, 'exports.png'), fullPage: true });

      // What the form asked for is what was cut: the window in UTC, and the frames of the file.
      const id = Number(await row.getAttribute('data-export'));
      const e = (await api(`/api/exports/${id}`)).data;
      expect(e).toMatchObject({
        from: new Date(lastEnd - 5_000).toISOString(),
        to: new Date(lastEnd - 1_000).toISOString(),
        state: 'done',
      });
      const frames = (await timedFramesOf(path.join(tmp.dir, 'data', 'media', 'exports', `export-${id}.mp4`))).filter(
        (f) => f.ms !== undefined,
      );
      expect(frames[0]!.ms!).toBeGreaterThanOrEqual(lastEnd - 5_000 - 1_000);
      expect(frames[0]!.ms!).toBeLessThanOrEqual(lastEnd - 5_000 + 500);
      expect(frames.at(-1)!.ms!).toBeGreaterThanOrEqual(lastEnd - 1_000 - 1_000);
      // The download link fetches the file with the key.
      const download = page.waitForEvent('download');
      await row.locator('[data-export-file]').click();
      const saved = await (await download).path();
      expect(fs.statSync(saved).size).toBe(e.sizeBytes);
      expect(errors).toEqual([]);
      await page.close();
    },
  );
});
