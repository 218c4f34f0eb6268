// Exports of any window, against the running service recording a time-coded RTSP camera that goes away for a few seconds:
// what the MP4's frames show, the coverage and the missing stretch with its reason, the download whole and by Range,
// the API key, strict validation, expiry with the recording retention, and that AYO never hears of an export.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/index.js';
import { expireExports } from '../src/exports/index.js';
import { startService, type RunningService } from '../src/service.js';
import { partnerEnv } from './fixtures/env.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { captureLogger, freePort, tempDir, waitFor } from './fixtures/helpers.js';
import type { RtspCamera } from './fixtures/rtsp-camera.js';
import { timedFramesOf } from './fixtures/timecode.js';
import { recordAcrossOutage, startTimecodedRtspCamera } from './fixtures/timecoded-camera.js';

const KEYFRAME_MS = 1_000; // the time-coded camera sends a keyframe every second
const API_KEY = 'exports-key-0123456789';
const CAMERA = 'TC_EXPORT';

let ayo: FakeAyo;
let camera: RtspCamera | undefined;
let service: RunningService;
let tmp: ReturnType<typeof tempDir>;
const log = captureLogger('info');
const auth = { authorization: `Bearer ${API_KEY}` };

const api = async (p: string, init: RequestInit = {}) => {
  const res = await fetch(service.url + p, { ...init, headers: { ...auth, ...init.headers } });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, headers: res.headers, body: type.includes('json') ? ((await res.json()) as any) : null };
};
const postExport = (body: unknown, headers: Record<string, string> = auth) =>
  fetch(`${service.url}/api/exports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const timeline = async () =>
  (await api(`/api/cameras/${CAMERA}/timeline`)).body.data as {
    covered: { start: string; end: string }[];
    gaps: { start: string; end: string; reason: string }[];
  };
const exportDone = (id: number) =>
  waitFor(
    async () => {
      const e = (await api(`/api/exports/${id}`)).body.data;
      return e.state === 'done' || e.state === 'failed' ? e : undefined;
    },
    `export ${id} to be cut`,
    180_000,
    300,
  );

beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  tmp = tempDir();
  camera = await startTimecodedRtspCamera(await freePort());
  service = await startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: tmp.dir,
      API_KEY,
      MIN_FREE_DISK_MB: '0',
      RECORDING_RETENTION_HOURS: '48',
      SEGMENT_SECONDS: '2',
      VIDEO_SCAN_INTERVAL: '500ms',
      BOOKING_SYNC_INTERVAL: '1h',
      AYO_HEALTH_CHECK_INTERVAL: '1h',
      CAMERA_STATUS_INTERVAL: '1h',
      ...partnerEnv(ayo),
      CAMERAS: JSON.stringify([{ name: CAMERA, fieldId: 71, url: camera.url, enabled: true }]),
    }),
    log.logger,
  );
}, 180_000);
afterAll(async () => {
  await service?.stop();
  await camera?.stop();
  await ayo?.close();
  tmp?.cleanup();
});

describe('exports of any window (time-coded camera)', () => {
  it(
    'cuts a window as exactly as a booking clip, reports the camera outage inside another as missing with its ' +
      'reason, serves the file whole and by Range, and expires it with the recording retention',
    { timeout: 600_000 },
    async () => {
      // Recording, then the camera goes away for a few seconds and comes back on the same port.
      const outageRun = await recordAcrossOutage({ camera: camera!, timeline, beforeMs: 8_000, afterMs: 8_000 }).catch(
        (e: unknown) => {
          camera = undefined; // stopped by the outage
          console.log(
            log.lines
              .filter((l) => /RECORD|CAMERA|gap/i.test(l))
              .slice(-30)
              .join('\n'),
          );
          throw e;
        },
      );
      camera = outageRun.camera;
      const t = outageRun.timeline;
      const before = t.covered.at(-2)!;
      const after = t.covered.at(-1)!;
      const outage = t.gaps.find(
        (g) =>
          Date.parse(g.start) >= Date.parse(before.end) - 250 && Date.parse(g.end) <= Date.parse(after.start) + 250,
      );
      expect(outage, JSON.stringify(t)).toBeDefined();

      // 1. A window with footage throughout: its frames show the window.
      const fromMs = Date.parse(after.start) + 1_500;
      const toMs = fromMs + 4_000;
      const res = await postExport({
        camera: CAMERA,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
      });
      expect(res.status).toBe(202);
      const queued = (await res.json()) as any;
      expect(res.headers.get('location')).toBe(`/api/exports/${queued.data.id}`);
      expect(queued.data).toMatchObject({ camera: CAMERA, state: 'queued', file: null });
      const full = await exportDone(queued.data.id);
      expect(full).toMatchObject({ state: 'done', coverage: 1, missing: [], missingSeconds: 0 });
      const fullFile = path.join(tmp.dir, 'media', 'exports', `export-${full.id}.mp4`);
      const frames = await timedFramesOf(fullFile);
      const first = frames[0]?.ms;
      const last = frames.at(-1)?.ms;
      expect(first, 'the first frame reads').toBeDefined();
      expect(last, 'the last frame reads').toBeDefined();
      console.log(`exports: full window shows ${first! - fromMs} ms .. ${last! - toMs} ms`);
      expect(first!).toBeGreaterThanOrEqual(fromMs - KEYFRAME_MS);
      expect(first!).toBeLessThanOrEqual(fromMs + 500);
      expect(last!).toBeGreaterThanOrEqual(toMs - 1_000);

      // 2. A window across the outage: cut from what there is, the outage listed with the recorder's reason.
      const acrossFrom = Date.parse(before.end) - 3_000;
      const acrossTo = Date.parse(after.start) + 3_000;
      const across = await postExport({
        camera: CAMERA,
        from: new Date(acrossFrom).toISOString(),
        to: new Date(acrossTo).toISOString(),
      });
      expect(across.status).toBe(202);
      const partial = await exportDone(((await across.json()) as any).data.id);
      expect(partial.state).toBe('done');
      expect(partial.coverage).toBeGreaterThan(0);
      expect(partial.coverage).toBeLessThan(1);
      // What is missing is what the timeline shows missing over the same window: the outage with the recorder's
      // reason (and any sub-second hole the dying stream left before it, as "no footage").
      const window = `?from=${encodeURIComponent(new Date(acrossFrom).toISOString())}&to=${encodeURIComponent(new Date(acrossTo).toISOString())}`;
      const inWindow = (await api(`/api/cameras/${CAMERA}/timeline${window}`)).body.data as Awaited<
        ReturnType<typeof timeline>
      >;
      expect(partial.missing).toEqual(inWindow.gaps);
      expect(partial.missing).toContainEqual({ start: outage!.start, end: outage!.end, reason: outage!.reason });
      const lost = inWindow.gaps.reduce((sum, g) => sum + Date.parse(g.end) - Date.parse(g.start), 0);
      expect(partial.missingSeconds).toBeCloseTo(lost / 1000, 3);
      expect(partial.coverage).toBeCloseTo(1 - lost / (acrossTo - acrossFrom), 3);
      const partFrames = (
        await timedFramesOf(path.join(tmp.dir, 'media', 'exports', `export-${partial.id}.mp4`))
      ).filter((f) => f.ms !== undefined);
      expect(partFrames[0]!.ms!).toBeGreaterThanOrEqual(acrossFrom - KEYFRAME_MS);
      expect(partFrames[0]!.ms!).toBeLessThanOrEqual(acrossFrom + 500);
      expect(partFrames.at(-1)!.ms!).toBeGreaterThanOrEqual(acrossTo - 1_000);
      // Nothing from the outage is in it: every frame shows a time the camera was sending.
      expect(
        partFrames.filter((f) => f.ms! > Date.parse(before.end) + 500 && f.ms! < Date.parse(after.start) - 500),
      ).toEqual([]);

      // 3. The file: whole, a range, the last bytes, an unsatisfiable range.
      const bytes = fs.readFileSync(fullFile);
      const whole = await fetch(`${service.url}/api/exports/${full.id}/file`, { headers: auth });
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-type')).toBe('video/mp4');
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
      const part = await fetch(`${service.url}/api/exports/${full.id}/file`, {
        headers: { ...auth, range: 'bytes=100-299' },
      });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-299/${bytes.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 300))).toBe(true);
      const tail = await fetch(`${service.url}/api/exports/${full.id}/file`, {
        headers: { ...auth, range: 'bytes=-50' },
      });
      expect(tail.status).toBe(206);
      expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 50))).toBe(true);
      const beyond = await fetch(`${service.url}/api/exports/${full.id}/file`, {
        headers: { ...auth, range: `bytes=${bytes.length}-` },
      });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
      await beyond.text();

      // 4. The API key: neither the request nor the file without it.
      expect(
        (
          await postExport(
            { camera: CAMERA, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() },
            {},
          )
        ).status,
      ).toBe(401);
      const anonymous = await fetch(`${service.url}/api/exports/${full.id}/file`);
      expect(anonymous.status).toBe(401);
      await anonymous.text();

      // 5. Never announced to AYO.
      expect(ayo.calls.filter((c) => JSON.stringify(c.params).includes('export'))).toEqual([]);
      expect(ayo.calls.filter((c) => c.endpoint === 'save-video-available')).toEqual([]);

      // 6. Expiry: once past the recording retention (the sweep's clock moved on), the file goes and the export says so.
      const db = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
      try {
        // Each lives as long as its footage: RECORDING_RETENTION_HOURS after its window's end.
        expect(Date.parse(full.expiresAt) - toMs).toBe(48 * 3_600_000);
        expect(Date.parse(partial.expiresAt) - acrossTo).toBe(48 * 3_600_000);
        expect(expireExports(db, log.logger, Date.parse(partial.expiresAt) - 1)).toBe(0);
        expect(expireExports(db, log.logger, Date.parse(full.expiresAt) + 1)).toBe(2);
      } finally {
        db.close();
      }
      expect(fs.existsSync(fullFile)).toBe(false);
      expect((await api(`/api/exports/${full.id}`)).body.data.state).toBe('expired');
      expect((await api(`/api/exports/${full.id}/file`)).status).toBe(410);
    },
  );

  it(
    'a VideoActor that dies in the middle of a cut (its worker terminated) leaves the export to be cut by the next one',
    { timeout: 300_000 },
    async () => {
      const db = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
      try {
        const jobOf = db.prepare<[string], { status: string; lease_owner: string | null }>(
          'SELECT status, lease_owner FROM jobs WHERE dedupe_key = ?',
        );
        // A long window cuts for long enough to be caught running; tried a few times in case a cut is quicker.
        let caught: { id: number; fromMs: number; toMs: number } | undefined;
        for (let i = 0; i < 5 && !caught; i++) {
          const t = await timeline();
          const last = t.covered.at(-1)!;
          const toMs = Date.parse(last.end) - 500;
          const fromMs = Math.max(Date.parse(last.start) + 500, toMs - 60_000);
          const res = await postExport({
            camera: CAMERA,
            from: new Date(fromMs).toISOString(),
            to: new Date(toMs).toISOString(),
          });
          const id = ((await res.json()) as any).data.id as number;
          const running = await waitFor(
            () => {
              const j = jobOf.get(`export:export-${id}`);
              return j?.status === 'running' ? j : j?.status === 'done' ? 'done' : undefined;
            },
            `export ${id} to start`,
            60_000,
            5,
          );
          if (running === 'done') continue;
          service.supervisor.kill('video', 'killed by the test in the middle of a cut');
          caught = { id, fromMs, toMs };
        }
        expect(caught, 'a cut was caught running').toBeDefined();
        const e = await exportDone(caught!.id);
        expect(e).toMatchObject({ state: 'done', coverage: 1 });
        expect(log.lines.some((l) => /export cut\(s\) interrupted earlier are queued again/.test(l))).toBe(true);
        const frames = (await timedFramesOf(path.join(tmp.dir, 'media', 'exports', `export-${e.id}.mp4`))).filter(
          (f) => f.ms !== undefined,
        );
        expect(frames[0]!.ms!).toBeGreaterThanOrEqual(caught!.fromMs - KEYFRAME_MS);
        expect(frames[0]!.ms!).toBeLessThanOrEqual(caught!.fromMs + 500);
        expect(frames.at(-1)!.ms!).toBeGreaterThanOrEqual(caught!.toMs - 1_000);
        expect(jobOf.get(`export:export-${e.id}`)?.status).toBe('done');
      } finally {
        db.close();
      }
    },
  );

  it('refuses bad requests with a clear 400, and unknown ids with 404', async () => {
    const now = Date.now();
    const at = (ms: number) => new Date(ms).toISOString();
    const cases: [unknown, RegExp][] = [
      [{ camera: 'NOPE', from: at(now - 60_000), to: at(now - 30_000) }, /Unknown camera "NOPE"/],
      [{ camera: CAMERA, from: at(now - 30_000), to: at(now - 30_000) }, /must be before/],
      [{ camera: CAMERA, from: at(now - 60_000), to: at(now - 90_000) }, /must be before/],
      [{ camera: CAMERA, from: at(now - 5 * 3_600_000), to: at(now - 60_000) }, /at most 4 h/],
      [{ camera: CAMERA, from: at(now + 60_000), to: at(now + 120_000) }, /in the future/],
      [{ camera: CAMERA, from: '2026-02-30T10:00:00Z', to: at(now - 60_000) }, /Invalid from/],
      [{ camera: CAMERA, from: '2026-03-01 10:00', to: at(now - 60_000) }, /Invalid from/],
      [{ camera: CAMERA, from: at(now - 60_000), to: 'yesterday' }, /Invalid to/],
      [{ camera: CAMERA, from: at(now - 60_000), to: at(now - 30_000), extra: 1 }, /Unknown field "extra"/],
      [[1, 2], /Body must be JSON/],
    ];
    for (const [body, message] of cases) {
      const res = await postExport(body);
      const answer = (await res.json()) as any;
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(answer.message, JSON.stringify(body)).toMatch(message);
      expect(JSON.stringify(answer)).not.toMatch(/at .*\.ts:\d+/);
    }
    expect((await api('/api/exports/999999')).status).toBe(404);
    expect((await api('/api/exports/999999/file')).status).toBe(404);
    expect((await api('/api/exports/abc')).status).toBe(400);
  });
});
