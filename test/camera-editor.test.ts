// The camera editor's API on a running service: the list with write-only passwords, a save that keeps a stored
// password left as *** (written to CAMERAS_FILE and applied), a test of a URL with ffprobe, the API key, and a service
// whose cameras come from CAMERAS (read-only: 409).

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { fileCameraClip } from './fixtures/file-camera.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const API_KEY = 'camera-editor-key-0123456789';
const OLD = 'oldSecret-4471x';
const NEW = 'newSecret-9923y';
const tmp = tempDir();
const file = path.join(tmp.dir, 'cameras.json');
const log = captureLogger();
let service: RunningService;
let readOnly: RunningService;
let clipUrl: string;

const call = async (base: string, method: string, p: string, body?: unknown, key: string | null = API_KEY) => {
  const res = await fetch(base + p, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const api = (method: string, p: string, body?: unknown, key: string | null = API_KEY) =>
  call(service.url, method, p, body, key);
const stored = () => JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string; url: string; fieldId: number }[];

beforeAll(async () => {
  clipUrl = fileCameraClip(tmp.dir, 2);
  fs.writeFileSync(
    file,
    JSON.stringify([
      { name: 'CAM_1', fieldId: 50, url: 'testsrc', enabled: true },
      { name: 'CAM_PW', fieldId: 51, url: `rtsp://admin:${OLD}@127.0.0.1:1/stream?pwd=${OLD}`, enabled: false },
    ]),
  );
  const common = { PORT: '0', SEGMENT_SECONDS: '1', MIN_FREE_DISK_MB: '0', API_KEY };
  service = await startService(
    loadConfig({ ...common, DATA_DIR: path.join(tmp.dir, 'data'), CAMERAS_FILE: file }),
    log.logger,
  );
  readOnly = await startService(
    loadConfig({ ...common, DATA_DIR: path.join(tmp.dir, 'data2'), CAMERAS: '[]' }),
    captureLogger().logger,
  );
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await readOnly?.stop();
  tmp.cleanup();
});

describe('camera editor API', () => {
  it('needs the API key for every camera route', async () => {
    expect((await api('GET', '/api/cameras/config', undefined, null)).status).toBe(401);
    expect((await api('PUT', '/api/cameras', { cameras: [] }, null)).status).toBe(401);
    expect((await api('POST', '/api/cameras/test', { url: 'testsrc' }, 'wrong-key-000000')).status).toBe(401);
    expect(stored().map((c) => c.name)).toEqual(['CAM_1', 'CAM_PW']);
  });

  it('shows the list with passwords as *** and says where it comes from', async () => {
    const { status, body } = await api('GET', '/api/cameras/config');
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ source: 'CAMERAS_FILE', file, editable: true, reason: null });
    expect(body.data.cameras).toEqual([
      { name: 'CAM_1', fieldId: 50, url: 'testsrc', enabled: true, hasPassword: false },
      {
        name: 'CAM_PW',
        fieldId: 51,
        url: 'rtsp://admin:***@127.0.0.1:1/stream?pwd=***',
        enabled: false,
        hasPassword: true,
      },
    ]);
    expect(JSON.stringify(body)).not.toContain(OLD);
  });

  it('tests a URL with ffprobe: codec, resolution and frame rate, or why nothing was read', async () => {
    const synthetic = await api('POST', '/api/cameras/test', { url: 'testsrc' });
    expect(synthetic).toMatchObject({ status: 200, body: { data: { ok: true, width: 640, height: 360, fps: 15 } } });
    const file_ = await api('POST', '/api/cameras/test', { url: clipUrl });
    expect(file_.body.data).toMatchObject({ ok: true, codec: 'h264', width: 320, height: 240, fps: 15, audio: null });
    // The stored password is used where the URL shows ***; a camera that does not answer is a result, not an error.
    const dead = await api('POST', '/api/cameras/test', { name: 'CAM_PW', url: 'rtsp://admin:***@127.0.0.1:1/stream' });
    expect(dead.status).toBe(200);
    expect(dead.body.data.ok).toBe(false);
    expect(dead.body.data.message).toMatch(/^Camera test failed: rtsp:\/\/admin:\*\*\*@127\.0\.0\.1:1\/stream: /);
    expect(JSON.stringify(dead.body) + log.lines.join('\n')).not.toContain(OLD);
    const bad = await api('POST', '/api/cameras/test', { url: 'ftp://camera.local/x' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/url must be rtsp:\/\/, rtsps:\/\/, http\(s\):\/\/, file:\/\/ or testsrc/);
    expect((await api('POST', '/api/cameras/test', { nope: 1 })).status).toBe(400);
  }, 60_000);

  it('saves a new list atomically, keeping a password left as ***, and applies it', async () => {
    const view = (await api('GET', '/api/cameras/config')).body.data.cameras as any[];
    const edited = view.map(({ hasPassword: _, ...c }) => (c.name === 'CAM_PW' ? { ...c, fieldId: 52 } : c));
    const { status, body } = await api('PUT', '/api/cameras', {
      cameras: [...edited, { name: 'CAM_2', fieldId: 53, url: 'testsrc', enabled: true, password: '' }],
    });
    expect(status).toBe(200);
    expect(body.data.reload).toMatchObject({ trigger: 'api', result: 'applied', started: ['CAM_2'], stopped: [] });
    expect(JSON.stringify(body)).not.toContain(OLD);
    expect(stored()).toEqual([
      { name: 'CAM_1', fieldId: 50, url: 'testsrc', enabled: true },
      { name: 'CAM_PW', fieldId: 52, url: `rtsp://admin:${OLD}@127.0.0.1:1/stream?pwd=${OLD}`, enabled: false },
      { name: 'CAM_2', fieldId: 53, url: 'testsrc', enabled: true },
    ]);
    expect(fs.readdirSync(tmp.dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    await waitFor(
      async () =>
        ((await api('GET', '/api/cameras')).body.data as any[]).find((c) => c.name === 'CAM_2')?.state === 'recording',
      'CAM_2 to record',
      60_000,
    );
  }, 90_000);

  it('replaces a password typed in the password field, and never logs it', async () => {
    const view = (await api('GET', '/api/cameras/config')).body.data.cameras as any[];
    const cameras = view.map(({ hasPassword: _, ...c }) => (c.name === 'CAM_PW' ? { ...c, password: NEW } : c));
    expect((await api('PUT', '/api/cameras', { cameras })).status).toBe(200);
    const pw = stored().find((c) => c.name === 'CAM_PW')!;
    expect(pw.url).toBe(`rtsp://admin:${NEW}@127.0.0.1:1/stream?pwd=${OLD}`);
    const text = JSON.stringify((await api('GET', '/api/cameras/config')).body) + log.lines.join('\n');
    expect(text).not.toContain(NEW);
    expect(text).not.toContain(OLD);
  });

  it('refuses a bad list with the reason and leaves the file as it was', async () => {
    const before = fs.readFileSync(file, 'utf8');
    const dup = await api('PUT', '/api/cameras', {
      cameras: [
        { name: 'CAM_1', fieldId: 50, url: 'testsrc' },
        { name: 'CAM_1', fieldId: 51, url: 'testsrc' },
      ],
    });
    expect(dup).toMatchObject({
      status: 400,
      body: { status: 'error', message: 'Cameras refused: cameras[1].name CAM_1 is used twice' },
    });
    const masked = await api('PUT', '/api/cameras', {
      cameras: [{ name: 'CAM_X', fieldId: 1, url: 'rtsp://u:***@10.0.0.9/s' }],
    });
    expect(masked.status).toBe(400);
    expect(masked.body.message).toMatch(/no the camera's stored password to keep|no stored/);
    expect((await api('PUT', '/api/cameras', [1, 2])).status).toBe(400);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('is read-only without CAMERAS_FILE, and says why', async () => {
    const view = await call(readOnly.url, 'GET', '/api/cameras/config');
    expect(view.body.data).toMatchObject({ source: 'CAMERAS', file: null, editable: false, reloadable: false });
    expect(view.body.data.reason).toMatch(/CAMERAS_FILE/);
    const put = await call(readOnly.url, 'PUT', '/api/cameras', { cameras: [] });
    expect(put.status).toBe(409);
    expect(put.body.message).toMatch(/^Cameras cannot be edited here: .*set CAMERAS_FILE/);
    // A reload there (SIGHUP) says so as well.
    expect(await readOnly.reloadCameras('signal')).toMatchObject({
      result: 'refused',
      problems: [expect.stringMatching(/CAMERAS_FILE/)],
    });
  });
});
