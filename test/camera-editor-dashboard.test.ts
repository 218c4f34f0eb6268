// The dashboard's camera editor in headless Chromium: the list with a stored password shown as ***, a camera added
// through the form after its test showed codec and resolution, an edit that keeps the stored password, a disable;
// and the read-only page of a service whose cameras come from CAMERAS.

import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { launchChromium } from './fixtures/browser.js';
import { fileCameraClip } from './fixtures/file-camera.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const API_KEY = 'camera-dashboard-key-0123456789';
const SECRET = 'dashSecret-5519z';
const tmp = tempDir();
const file = path.join(tmp.dir, 'cameras.json');
let service: RunningService;
let readOnly: RunningService;
let browser: Browser;
let clipUrl: string;
const stored = () => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>[];
const cameras = async () =>
  (
    (await (await fetch(`${service.url}/api/cameras`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as {
      data: { name: string; state: string }[];
    }
  ).data;

async function open(base: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(base + '/#/cameras');
  await page.locator('#key').waitFor();
  await page.fill('#key', API_KEY);
  await page.click('#login-form button');
  await page.locator('#camera-editor').waitFor({ timeout: 30_000 });
  return page;
}

beforeAll(async () => {
  clipUrl = fileCameraClip(tmp.dir, 3);
  fs.writeFileSync(
    file,
    JSON.stringify([
      { name: 'CAM_1', fieldId: 50, url: 'testsrc', enabled: true },
      { name: 'CAM_PW', fieldId: 51, url: `rtsp://admin:${SECRET}@127.0.0.1:1/stream`, enabled: false },
    ]),
  );
  const common = { PORT: '0', SEGMENT_SECONDS: '1', MIN_FREE_DISK_MB: '0', API_KEY };
  service = await startService(
    loadConfig({ ...common, DATA_DIR: path.join(tmp.dir, 'data'), CAMERAS_FILE: file }),
    captureLogger().logger,
  );
  readOnly = await startService(
    loadConfig({
      ...common,
      DATA_DIR: path.join(tmp.dir, 'data2'),
      CAMERAS: JSON.stringify([{ name: 'ENV_CAM', fieldId: 1, url: 'testsrc', enabled: false }]),
    }),
    captureLogger().logger,
  );
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await readOnly?.stop();
  tmp.cleanup();
});

describe('the camera editor in a real browser', () => {
  it(
    'adds a camera through the form after testing it, keeps a password shown as ***, disables one',
    {
      timeout: 180_000,
    },
    async () => {
      const page = await open(service.url);
      const table = page.locator('#cam-table');
      expect(await table.innerText()).toMatch(/CAM_PW\s+51\s+rtsp:\/\/admin:\*\*\*@127\.0\.0\.1:1\/stream\s+\*\*\*/);

      // Add: the test shows what ffprobe read before anything is saved.
      await page.fill('#cam-name', 'CAM_NEW');
      await page.fill('#cam-field', '60');
      await page.fill('#cam-url', clipUrl);
      await page.click('#cam-test-button');
      await page.locator('#cam-test', { hasText: 'h264' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('#cam-test').innerText()).toBe('h264 · 320×240 · 15 fps');
      expect(stored().map((c) => c.name)).toEqual(['CAM_1', 'CAM_PW']);
      await page.click('#cam-save');
      await page.locator('#cam-result', { hasText: 'Saved' }).waitFor({ timeout: 60_000 });
      expect(await page.locator('#cam-result').innerText()).toMatch(/Saved: .*applied · started CAM_NEW/);
      expect(stored().at(-1)).toEqual({ name: 'CAM_NEW', fieldId: 60, url: clipUrl, enabled: true });
      await page.locator('tr[data-cam="CAM_NEW"]').waitFor();
      await waitFor(
        async () => (await cameras()).find((c) => c.name === 'CAM_NEW')?.state === 'recording',
        'CAM_NEW to record',
        60_000,
      );

      // Edit: the password field shows *** (never the password); saved unchanged, the stored password stays.
      await page.click('[data-cam-edit="CAM_PW"]');
      expect(await page.inputValue('#cam-password')).toBe('***');
      expect(await page.inputValue('#cam-url')).toBe('rtsp://admin:***@127.0.0.1:1/stream');
      await page.fill('#cam-field', '52');
      await page.click('#cam-save');
      await page.locator('#cam-result', { hasText: 'Saved' }).waitFor({ timeout: 60_000 });
      expect(stored().find((c) => c.name === 'CAM_PW')).toEqual({
        name: 'CAM_PW',
        fieldId: 52,
        url: `rtsp://admin:${SECRET}@127.0.0.1:1/stream`,
        enabled: false,
      });
      expect(await page.content()).not.toContain(SECRET);

      // Disable: the recorder stops, the camera stays listed.
      await page.click('[data-cam-toggle="CAM_1"]');
      await page.locator('#cam-result', { hasText: 'stopped CAM_1' }).waitFor({ timeout: 60_000 });
      expect(stored().find((c) => c.name === 'CAM_1')).toMatchObject({ enabled: false });
      expect(await page.locator('tr[data-cam="CAM_1"]').innerText()).toMatch(/disabled/);
      expect((await cameras()).find((c) => c.name === 'CAM_1')?.state).toBe('disabled');
      await page.close();
    },
  );

  it('is read-only without CAMERAS_FILE and says why', { timeout: 60_000 }, async () => {
    const page = await open(readOnly.url);
    expect(await page.locator('#cam-readonly').innerText()).toMatch(/^Read-only: .*set CAMERAS_FILE/);
    expect(await page.locator('#cam-save').isDisabled()).toBe(true);
    expect(await page.locator('[data-cam-edit]').count()).toBe(0);
    expect(await page.locator('#cam-table').innerText()).toMatch(/ENV_CAM/);
    await page.close();
  });
});
