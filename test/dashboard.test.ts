import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { launchChromium } from './fixtures/browser.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { partnerEnv, venueLocal } from './fixtures/env.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';

const API_KEY = 'dashboard-test-key-0123456789';
const local = (ms: number) => venueLocal(ms);
let service: RunningService;
let ayo: FakeAyo;
let s3: FakeS3;
let browser: Browser;
const tmp = tempDir();

beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  s3 = await startFakeS3();
  // AYO refuses the announcement: the video fails and its job becomes a dead letter for the retry button.
  ayo.fault({ kind: '403', endpoint: 'save-video-available' });
  service = await startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: path.join(tmp.dir, 'data'),
      API_KEY,
      MIN_FREE_DISK_MB: '0',
      SEGMENT_SECONDS: '1',
      CLIP_GRACE: '500ms',
      VIDEO_SCAN_INTERVAL: '500ms',
      ...partnerEnv(ayo, s3),
      CAMERAS: JSON.stringify([{ name: 'CAM_50', fieldId: 50, url: 'testsrc', enabled: true }]),
    }),
    captureLogger().logger,
  );
  // The booking is placed once the camera records, never from when this file was loaded: on a busy machine the
  // service takes seconds to start, and a window fixed in advance would start before there is footage of it.
  const api = async (p: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    fetch(service.url + p, { ...init, headers: { authorization: `Bearer ${API_KEY}`, ...init.headers } });
  await waitFor(
    async () =>
      ((await (await api('/api/cameras')).json()) as { data: { state: string }[] }).data[0]?.state === 'recording',
    'the camera to record',
    60_000,
  );
  const t0 = Math.ceil(Date.now() / 1000) * 1000;
  // Starts a few seconds out so that the camera records the whole window.
  const b = { start: local(t0 + 6_000), end: local(t0 + 9_000) };
  ayo.setBookings(b.start.date, [
    ayoBooking({
      booking_id: 'BK/DASH/1',
      date: b.start.date,
      start_time: b.start.time,
      end_time: b.end.time,
      field_id: 50,
    }),
    ayoBooking({
      booking_id: 'BK/DASH/2',
      date: b.start.date,
      start_time: '23:00:00',
      end_time: '23:30:00',
      field_id: 51,
      status: 'CANCELLED',
    }),
  ]);
  const synced = await api('/api/sync', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(synced.status).toBe(200);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await ayo?.close();
  await s3?.close();
  tmp.cleanup();
});

describe('the web dashboard in a real browser', () => {
  it(
    "asks for the API key, shows today's bookings per field with each video's state, and retries a dead letter",
    { timeout: 90_000 },
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      // Works offline: every request the page makes goes to the service itself (no CDN), but for the videos' own
      // public URLs in the bucket.
      const foreign: string[] = [];
      const own = [service.url, s3.config.endpoint];
      page.on('request', (r) => {
        if (!own.some((o) => r.url().startsWith(o + '/')) && !/^(blob|data):/.test(r.url())) foreign.push(r.url());
      });
      // The service takes a state change only as JSON from its own origin: the page's POSTs must be such.
      const posts: { url: string; type: string | undefined; status?: number }[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST') posts.push({ url: r.url(), type: r.headers()['content-type'] });
      });
      page.on('response', (r) => {
        const post = posts.find((p) => p.url === r.url() && p.status === undefined);
        if (r.request().method() === 'POST' && post) post.status = r.status();
      });
      // Counts the snapshot images the page holds (object URLs made and not yet released).
      await page.addInitScript({
        content: `
      window.__liveUrls = 0;
      const make = URL.createObjectURL.bind(URL), drop = URL.revokeObjectURL.bind(URL);
      URL.createObjectURL = (b) => { window.__liveUrls++; return make(b); };
      URL.revokeObjectURL = (u) => { window.__liveUrls--; return drop(u); };`,
      });
      await page.goto(service.url + '/');
      await page.locator('#key').waitFor();
      await page.fill('#key', API_KEY);
      await page.click('#login-form button');
      await page.locator('#today').waitFor();
      expect(await page.locator('#today').innerText()).toMatch(
        /Field 50[\s\S]*BK\/DASH\/1[\s\S]*Field 51[\s\S]*BK\/DASH\/2\s*cancelled/,
      );
      // The booking's video fails at AYO: its state shows, and the dead letter offers a retry.
      await page.locator('li[data-booking="BK/DASH/1"] .pill.bad', { hasText: 'failed' }).waitFor({ timeout: 60_000 });
      await page.locator('#queue [data-retry-job]').waitFor({ timeout: 20_000 });
      expect(await page.locator('#queue').innerText()).toMatch(/dead\s+notify[\s\S]*HTTP 403: Invalid Signature/);
      expect(await page.locator('#cameras').innerText()).toMatch(/CAM_50\s+recording/);
      ayo.clearFaults();
      await page.click('#queue [data-retry-job]');
      await page.locator('li[data-booking="BK/DASH/1"] .pill.ok', { hasText: 'ready' }).waitFor({ timeout: 30_000 });
      expect(posts).toEqual([
        { url: expect.stringMatching(/\/api\/queue\/\d+\/retry$/), type: 'application/json', status: 200 },
      ]);
      fs.mkdirSync('reports', { recursive: true });
      await page.screenshot({ path: 'reports/dashboard.png', fullPage: true });

      // A video's page: preview, links, coverage and its history.
      await page.click('li[data-booking="BK/DASH/1"] a');
      await page.locator('#video').waitFor();
      const video = await page.locator('#video').innerText();
      expect(video).toMatch(/ready/);
      expect(video).toMatch(/coverage\s+100\.0%/);
      expect(video).toMatch(
        /pending[\s\S]*processing[\s\S]*uploading[\s\S]*notifying[\s\S]*failed[\s\S]*notifying[\s\S]*ready/,
      );
      expect(await page.locator('#video video').getAttribute('src')).toMatch(/_preview\.mp4$/);
      // The page refreshes itself without replacing the player (a preview being watched keeps playing).
      await page.evaluate("document.querySelector('#video video').marked = true");
      const before = await page.locator('#updated').innerText();
      await page.waitForFunction(
        `document.querySelector('#updated').textContent !== ${JSON.stringify(before)}`,
        undefined,
        { timeout: 15_000 },
      );
      expect(await page.evaluate("document.querySelector('#video video').marked")).toBe(true);
      await page.screenshot({ path: 'reports/dashboard-video.png', fullPage: true });
      // Back on the overview through a few refreshes, the page holds one snapshot image per camera, not one per refresh.
      await page.goBack();
      await page.locator('#cameras img[src^="blob:"]').waitFor();
      for (let i = 0; i < 2; i++) {
        const t = await page.locator('#updated').innerText();
        await page.waitForFunction(
          `document.querySelector('#updated').textContent !== ${JSON.stringify(t)}`,
          undefined,
          { timeout: 15_000 },
        );
      }
      expect(await page.evaluate('window.__liveUrls')).toBeLessThanOrEqual(1);
      expect(foreign, foreign.join(' ')).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it('fits a phone screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await page.addInitScript({ content: `localStorage.setItem('venue-recorder-api-key', ${JSON.stringify(API_KEY)})` });
    await page.goto(service.url + '/');
    await page.locator('#today').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: 'reports/dashboard-phone.png', fullPage: true });
    await page.close();
  });
});
