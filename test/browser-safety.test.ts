// What a web page opened in the venue PC's browser can do to the service (no API_KEY: the loopback default), tried
// from headless Chromium: a page on another origin posting a form or a no-cors fetch (CSRF), a page of the
// service's own origin sending a "simple request" body, and DNS rebinding (a page whose name is re-pointed at the
// service reads the API as same-origin). Checked from outside: the calls the fake AYO received, the sync record,
// the statuses the browser saw, what the page could read.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { localDateOf } from '../src/util/venue-time.js';
import { launchChromium } from './fixtures/browser.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { partnerEnv } from './fixtures/env.js';
import { captureLogger, freePort, tempDir, waitFor } from './fixtures/helpers.js';

const TZ = 'Asia/Jakarta';
const today = localDateOf(new Date(), TZ);
/** A booking id as AYO may send it: quotes, spaces, angle brackets, a percent sign. */
const ODD_ID = `BK'7 "quoted" <b>&%20;--`;

let ayo: FakeAyo;
let service: RunningService;
let browser: Browser;
let attacker: http.Server;
let attackerUrl: string;
let rebound: Page;
const tmp = tempDir();

/** Serves `pages` (path → HTML) on 127.0.0.1 at `port` (0: any). */
async function serveHtml(pages: Record<string, string>, port = 0): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const html = pages[(req.url ?? '/').split('?')[0]!];
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not here');
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return server;
}

const latestSync = async () =>
  ((await (await fetch(`${service.url}/api/sync`)).json()) as { data: { startedAt: string } | null }).data;

beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  ayo.setBookings(today, [
    ayoBooking({ booking_id: 'BK-PLAYER-1', date: today, user_name: 'Budi Santoso', user_phone: '081234567890' }),
    ayoBooking({ booking_id: ODD_ID, date: today, start_time: '13:00:00', end_time: '14:00:00' }),
  ]);
  browser = await launchChromium([
    // The attacker's name: it resolves to this machine, as a rebinding DNS server would make it after the page loaded.
    '--host-resolver-rules=MAP evil.test 127.0.0.1',
  ]);
  // DNS rebinding: the attacker's page is loaded from evil.test:<port> while the attacker's server holds the port;
  // then the name (here: the port) points at the service, and the page's same-origin requests reach the service.
  const port = await freePort();
  const before = await serveHtml({ '/': '<!doctype html><title>cat pictures</title><p>nothing to see</p>' }, port);
  rebound = await browser.newPage();
  await rebound.goto(`http://evil.test:${port}/`);
  await new Promise<void>((r) => {
    before.close(() => r());
    before.closeAllConnections();
  });
  service = await startService(
    loadConfig({
      PORT: String(port),
      DATA_DIR: tmp.dir,
      ...partnerEnv(ayo),
      BOOKING_SYNC_INTERVAL: '1h',
      BOOKING_SYNC_DAYS_BACK: '0',
      BOOKING_SYNC_DAYS_AHEAD: '0',
    }),
    captureLogger().logger,
  );
  await waitFor(async () => (await latestSync())?.startedAt, 'the first sync', 60_000);
  // Another origin: the page a player (or an ad) opens in the venue PC's browser.
  attacker = await serveHtml({
    '/form': `<!doctype html><form method="POST" action="${service.url}/api/sync" enctype="text/plain">
      <input name='{"x":"' value='"}'></form><script>document.forms[0].submit()</script>`,
    '/fetch': '<!doctype html><title>fetch</title>',
  });
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await service?.stop();
  attacker?.closeAllConnections();
  attacker?.close();
  await ayo?.close();
  tmp.cleanup();
});

describe('a web page in the venue browser', () => {
  it('on another origin cannot start a sync with a form post', { timeout: 60_000 }, async () => {
    const syncBefore = await latestSync();
    const fetchesBefore = ayo.bookingCalls().length;
    const page = await browser.newPage();
    try {
      const answer = page.waitForResponse((r) => r.url() === `${service.url}/api/sync`);
      await page.goto(`${attackerUrl}/form`);
      expect((await answer).status()).toBe(403);
      expect(await (await answer).json()).toEqual({
        status: 'error',
        message: `Cross-origin request refused: Origin ${JSON.stringify(attackerUrl)} is not this service`,
      });
    } finally {
      await page.close();
    }
    expect(ayo.bookingCalls()).toHaveLength(fetchesBefore);
    expect(await latestSync()).toEqual(syncBefore);
  });

  it('on another origin cannot start a sync or a clip with no-cors fetches', { timeout: 60_000 }, async () => {
    const syncBefore = await latestSync();
    const fetchesBefore = ayo.bookingCalls().length;
    const page = await browser.newPage();
    try {
      await page.goto(`${attackerUrl}/fetch`);
      const seen: number[] = [];
      page.on('response', (r) => {
        if (r.url().startsWith(service.url)) seen.push(r.status());
      });
      await page.evaluate(async (base) => {
        const opts = { method: 'POST', mode: 'no-cors' as const };
        await fetch(`${base}/api/sync`, { ...opts, body: '{}' });
        await fetch(`${base}/api/sync`, opts);
        await fetch(`${base}/api/request-booking-video`, { ...opts, body: '{"field_id": 50}' });
        await fetch(`${base}/api/request-booking-video`, {
          ...opts,
          body: new URLSearchParams({ field_id: '50' }),
        });
      }, service.url);
      await waitFor(() => seen.length === 4, 'the browser to see the four answers', 30_000);
      expect(seen).toEqual([403, 403, 403, 403]);
    } finally {
      await page.close();
    }
    expect(ayo.bookingCalls()).toHaveLength(fetchesBefore);
    expect(await latestSync()).toEqual(syncBefore);
    const videos = (await (await fetch(`${service.url}/api/videos`)).json()) as { count: number };
    expect(videos.count).toBe(0);
  });

  it('of the service itself sends state changes as JSON: a simple-request body is refused, JSON runs', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${service.url}/`);
      const plain = await page.evaluate(async () => {
        const r = await fetch('/api/sync', { method: 'POST', body: '{}' });
        return { status: r.status, body: (await r.json()) as { message?: string; data?: unknown } };
      });
      expect(plain.status).toBe(415);
      expect(plain.body.message).toBe(
        'Unsupported Content-Type "text/plain": state changes are sent as application/json (an empty body is fine)',
      );
      const fetchesBefore = ayo.bookingCalls().length;
      const json = await page.evaluate(async () => {
        const r = await fetch('/api/sync', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        return { status: r.status, body: (await r.json()) as { message?: string; data?: unknown } };
      });
      expect(json.status).toBe(200);
      expect(json.body.data).toMatchObject({ trigger: 'api', error: null });
      expect(ayo.bookingCalls().length).toBeGreaterThan(fetchesBefore);
    } finally {
      await page.close();
    }
  });

  it("rebound to the service by DNS, cannot read the players' names and phones", { timeout: 60_000 }, async () => {
    const read = () =>
      rebound.evaluate(async () => {
        const r = await fetch('/api/bookings');
        return { status: r.status, url: r.url, text: await r.text() };
      });
    const stolen = await read();
    expect(stolen.url).toMatch(/^http:\/\/evil\.test:\d+\/api\/bookings$/);
    expect(stolen.status).toBe(421);
    expect(stolen.text).not.toContain('Budi');
    expect(stolen.text).not.toContain('081234567890');
    expect(JSON.parse(stolen.text).message).toMatch(/^Host "evil\.test:\d+" is not a name of this service/);
    // The same read from the service's own origin gets them: the refusal above is the Host check, nothing else.
    const own = await browser.newPage();
    try {
      await own.goto(`${service.url}/`);
      const legit = await own.evaluate(async () => (await fetch('/api/bookings')).text());
      expect(legit).toContain('Budi Santoso');
    } finally {
      await own.close();
    }
  });
});

describe('ids as AYO sent them', () => {
  it('a booking stored with quotes and odd characters in its id is fetched by its URL-encoded id', async () => {
    const res = await fetch(`${service.url}/api/bookings/${encodeURIComponent(ODD_ID)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { bookingId: string; startTime: string } };
    expect(body.data).toMatchObject({ bookingId: ODD_ID, startTime: '13:00:00' });
    const videos = await fetch(`${service.url}/api/videos?booking_id=${encodeURIComponent(ODD_ID)}`);
    expect(videos.status).toBe(200);
    const missing = await fetch(`${service.url}/api/bookings/${encodeURIComponent(ODD_ID + "'")}`);
    expect(missing.status).toBe(404);
  });
});
