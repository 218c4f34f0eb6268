// GET /api/queue lists the waiting jobs: kind, video, what each waits for (here AYO offline), since when, attempts and
// last error, page by page with a cursor; bad paging is a clear 400. The dashboard's queue view shows the same list.

import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService } from '../src/service.js';
import { launchChromium } from './fixtures/browser.js';
import { seedDeliverableVideos } from './fixtures/delivery.js';
import { startFakeAyo, TEST_AYO } from './fixtures/fake-ayo.js';
import { partnerEnv } from './fixtures/env.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { startFakeS3 } from './fixtures/s3.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('GET /api/queue: the waiting jobs', () => {
  it('lists each waiting job with what it waits for, pages with a cursor, refuses bad paging, and the dashboard shows it', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());
    // AYO is down from the start: its port is known but nothing listens on it.
    const ayo = await startFakeAyo(TEST_AYO);
    await ayo.close();
    const ids = seedDeliverableVideos(tmp.dir, 3);
    const service = await startService(
      loadConfig({
        PORT: '0',
        DATA_DIR: tmp.dir,
        BOOKING_SYNC_INTERVAL: '1h',
        ...partnerEnv(ayo, s3),
        AYO_API_TIMEOUT: '500ms',
        CONNECTIVITY_INTERVAL: '200ms',
        CONNECTIVITY_TIMEOUT: '200ms',
      }),
      captureLogger().logger,
    );
    cleanups.push(() => service.stop());
    const get = async (p: string) => {
      const res = await fetch(service.url + p);
      return { status: res.status, text: await res.text() };
    };
    const queue = async (query = '') => JSON.parse((await get(`/api/queue${query}`)).text).data;

    // Uploaded, then each notification waits for AYO, which is offline.
    const all = await waitFor(
      async () => {
        const q = await queue();
        const jobs = (q.waiting.jobs as any[]).filter((j) => j.kind === 'notify');
        return jobs.length === 3 && jobs.every((j) => j.waitingFor === 'dependency-offline') ? q : undefined;
      },
      'three notifications waiting for AYO',
      60_000,
    );
    expect(all.waiting.nextCursor).toBeNull();
    expect(all.waiting.jobs.map((j: any) => j.uniqueId).sort()).toEqual([...ids].sort());
    for (const j of all.waiting.jobs) {
      expect(j).toMatchObject({ kind: 'notify', dependency: 'ayo', maxAttempts: 6, broughtForward: false });
      expect(j.attempts).toBeLessThanOrEqual(1);
      expect(Number.isNaN(Date.parse(j.since))).toBe(false);
      expect(Number.isNaN(Date.parse(j.dueAt))).toBe(false);
    }
    // Today's views stay: counts per kind and status, the oldest waiting age, the dead letters.
    expect(all.counts).toEqual(expect.arrayContaining([{ kind: 'notify', status: 'pending', count: 3 }]));
    expect(all.oldestPendingAgeSeconds).toHaveProperty('notify');
    expect(all.deadLetters).toEqual([]);

    // Two pages of two: every waiting job once, in queue order.
    const first = await queue('?limit=2');
    expect(first.waiting.jobs).toHaveLength(2);
    expect(first.waiting.nextCursor).toEqual(expect.any(String));
    const second = await queue(`?limit=2&cursor=${encodeURIComponent(first.waiting.nextCursor)}`);
    expect(second.waiting.nextCursor).toBeNull();
    expect([...first.waiting.jobs, ...second.waiting.jobs].map((j: any) => j.id)).toEqual(
      all.waiting.jobs.map((j: any) => j.id),
    );

    // Bad paging: a clear 400 naming the problem, never a stack trace.
    for (const [query, message] of [
      ['?limit=0', /Invalid limit "0": must be a whole number from 1 to 500/],
      ['?limit=abc', /Invalid limit "abc"/],
      ['?limit=501', /Invalid limit "501"/],
      ['?cursor=abc', /Invalid cursor "abc": pass the waiting.nextCursor/],
      ['?cursor=1.2&cursor=3.4', /Parameter cursor must be given once/],
      ['?offset=2', /Unknown parameter "offset": allowed are limit, cursor/],
    ] as const) {
      const res = await get(`/api/queue${query}`);
      expect(res.status, query).toBe(400);
      expect(JSON.parse(res.text).message, query).toMatch(message);
      expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }

    // The dashboard's queue view lists them.
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    await page.goto(service.url + '/');
    await waitFor(
      async () => (await page.locator('#waiting [data-waiting-job]').count()) === 3,
      'the waiting list',
      30_000,
    );
    const text = await page.locator('#waiting').innerText();
    for (const id of ids) expect(text).toContain(id);
    expect(text).toMatch(/dependency-offline\s+notify/);
  }, 120_000);
});
