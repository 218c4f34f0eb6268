// The contract: the real service (fake AYO, s3rver, a testsrc camera) is called on every route, with success and
// error cases, and each answer's status, content type and body is validated against the served OpenAPI document.
// The routes the app registers (recorded as they are added) must be exactly the documented ones.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openDatabase, retryWhileBusy, type Db } from '../src/db/index.js';
import { createHttpApp } from '../src/http/app.js';
import { registeredRoutes } from '../src/http/openapi/index.js';
import { startHttpServer, type RunningServer } from '../src/http/server.js';
import { startService, type RunningService } from '../src/service.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { partnerEnv, venueLocal } from './fixtures/env.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { createOpenApiChecker, send, type Answer, type Request } from './fixtures/openapi-check.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';

const API_KEY = 'contract-key-0123456789';
const CAMERA = 'CAM_50';

let ayo: FakeAyo;
let s3: FakeS3;
let service: RunningService;
let tmp: ReturnType<typeof tempDir>;
let objects: { server: RunningServer; db: Db };
let doc: any;
let checker: ReturnType<typeof createOpenApiChecker>;
const log = captureLogger();

/** `method template` of every documented operation. */
const documented = () =>
  Object.entries<any>(doc.paths).flatMap(([template, item]) => Object.keys(item).map((m) => `${m} ${template}`));
/** Operations answered with a 2xx, and the parameters that did it (reused by the sweeps below). */
const succeeded = new Map<string, Request>();

/** `key`: null sends none; `sweep`: a success case sent changed (not a success itself); `docCannotTell`: a 400 for a rule no schema can state (a key leaving the store). */
type Call = Request & { key?: string | null; base?: string; docCannotTell?: boolean; sweep?: boolean };

/** Sends `req` with the API key (unless `key` says otherwise) and fails on any answer the document does not allow. */
async function call(req: Call): Promise<Answer> {
  const { key, base, docCannotTell: _, sweep: __, ...request } = req;
  const auth: Record<string, string> = key === null ? {} : { authorization: `Bearer ${key ?? API_KEY}` };
  const answer = await send(base ?? service.url, { ...request, headers: { ...auth, ...request.headers } });
  expect(checker.problems(req.method, req.template, answer), `${req.method} ${req.template}`).toEqual([]);
  // The document's parameters and bodies are true too: what the service took, the document allows; what it refused
  // as bad input, the document refuses (but for what no schema can tell, marked `docCannotTell`).
  const sweeping = req.sweep === true;
  if (answer.status < 300 && !sweeping) expect(checker.requestProblems(request), 'request').toEqual([]);
  if (answer.status === 400 && !req.docCannotTell)
    expect(
      checker.requestProblems(request),
      `the document allows a request answered 400: ${answer.raw.toString('utf8')}`,
    ).not.toEqual([]);
  if (answer.status < 300 && !sweeping)
    succeeded.set(`${req.method} ${req.template}`, { ...request, ...(base ? { base } : {}) });
  return answer;
}

const get = (template: string, extra: Partial<Call> = {}) => call({ method: 'get', template, ...extra });
const post = (template: string, body: unknown = {}, extra: Partial<Call> = {}) =>
  call({ method: 'post', template, body, ...extra });

beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  s3 = await startFakeS3();
  tmp = tempDir();
  const now = Date.now();
  const slot = (id: string, startMs: number, endMs: number, over: Record<string, unknown> = {}) => {
    const start = venueLocal(startMs);
    return ayoBooking({
      booking_id: id,
      date: start.date,
      start_time: start.time,
      end_time: venueLocal(endMs).time,
      field_id: 50,
      ...over,
    });
  };
  // Running now on field 50 (manual clips); two that ended before the camera started, so their videos fail with no
  // footage (the retry routes need a failed video each); one cancelled on a field without a camera.
  const bookings = [
    slot('BK/NOW/1', now - 60_000, now + 3_600_000),
    slot('BK/PAST/1', now - 600_000, now - 540_000),
    slot('BK/PAST/2', now - 480_000, now - 420_000),
    slot('BK/GONE/1', now + 7_200_000, now + 9_000_000, { status: 'CANCELLED', field_id: 51, user_name: undefined }),
  ];
  const byDate = new Map<string, unknown[]>();
  for (const b of bookings) byDate.set(String(b.date), [...(byDate.get(String(b.date)) ?? []), b]);
  for (const [date, list] of byDate) ayo.setBookings(date, list);
  // A purchase request for a video that does not exist: recorded as invalid (GET /api/purchases/{video_request_id}).
  ayo.setVideoRequests([
    {
      video_request_id: 'VR-CONTRACT',
      unique_id: 'NO-SUCH-VIDEO',
      booking_id: 'BK/NOW/1',
      user_id: 1,
      status: 'PENDING',
    },
  ]);

  const camerasFile = path.join(tmp.dir, 'cameras.json');
  fs.writeFileSync(camerasFile, JSON.stringify([{ name: CAMERA, fieldId: 50, url: 'testsrc', enabled: true }]));
  service = await startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: tmp.dir,
      API_KEY,
      MIN_FREE_DISK_MB: '0',
      SEGMENT_SECONDS: '1',
      CLIP_GRACE: '500ms',
      CLIP_SECONDS: '5',
      VIDEO_SCAN_INTERVAL: '500ms',
      BOOKING_SYNC_INTERVAL: '1h',
      CAMERA_STATUS_INTERVAL: '1h',
      CAMERAS_FILE: camerasFile,
      ...partnerEnv(ayo, s3),
    }),
    log.logger,
  );
  // The demo's object store is only served in the demo: an app with one, beside the service.
  const objectsDir = path.join(tmp.dir, 'objects');
  fs.mkdirSync(path.join(objectsDir, 'videos'), { recursive: true });
  fs.writeFileSync(path.join(objectsDir, 'videos', 'note.txt'), 'an object');
  const db = openDatabase(path.join(tmp.dir, 'objects.sqlite'));
  objects = {
    db,
    server: await startHttpServer(createHttpApp({ db, apiKey: API_KEY, logger: log.logger, objectsDir }), {
      port: 0,
      host: '127.0.0.1',
    }),
  };
  doc = (await send(service.url, { method: 'get', template: '/openapi.json' })).body;
  checker = createOpenApiChecker(doc);
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await objects?.server.close(100);
  objects?.db.close();
  await ayo?.close();
  await s3?.close();
  tmp?.cleanup();
});

/** A route as `method /path/{}`: h3's `:name` and `**` and the document's `{name}` alike. */
const normalise = (method: string, p: string) => `${method} ${p.replace(/:[^/]+|\*\*|\{[^}]+\}/g, '{}')}`;

describe('the OpenAPI contract', () => {
  it('documents exactly the routes the app registers', () => {
    const app = new Set(registeredRoutes().map((r) => normalise(r.method, r.path)));
    const documentedRoutes = new Set(
      Object.entries<any>(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => normalise(m, p))),
    );
    expect(
      [...app].filter((r) => !documentedRoutes.has(r)),
      'registered but not documented',
    ).toEqual([]);
    expect(
      [...documentedRoutes].filter((r) => !app.has(r)),
      'documented but not registered',
    ).toEqual([]);
    expect(app.size).toBeGreaterThan(20);
  });

  it('answers every documented operation with a documented success', { timeout: 600_000 }, async () => {
    // Monitoring and pages.
    await get('/healthz', { key: null });
    await waitFor(
      async () => (await get('/readyz', { key: null })).status === 200,
      'the service to be ready',
      120_000,
      200,
    );
    expect((await get('/metrics', { key: null })).body).toMatch(/venue_recorder_/);
    for (const p of ['/', '/dashboard.js', '/dashboard.css', '/favicon.ico', '/openapi.json'])
      await get(p, { key: null });
    expect((await get('/objects/{key}', { base: objects.server.url, params: { key: 'videos/note.txt' } })).body).toBe(
      'an object',
    );

    // Bookings and the sync.
    await waitFor(
      async () => (await get('/api/sync')).body.data?.finishedAt && (await get('/api/bookings')).body.count === 4,
      'the first sync to store the bookings',
      60_000,
      200,
    );
    const today = (await get('/api/status')).body.data.today as string;
    await get('/api/bookings', { query: `status=success&date=${today}&limit=1000` });
    const one = await get('/api/bookings/{booking_id}', { params: { booking_id: 'BK/NOW/1' } });
    expect(one.body.data.bookingId).toBe('BK/NOW/1');
    expect((await get('/api/bookings/status/{status}', { params: { status: 'cancelled' } })).body.count).toBe(1);
    await get('/api/bookings/date/{date}', { params: { date: today }, query: 'limit=2' });
    expect((await post('/api/sync')).body.data.trigger).toBe('api');
    await get('/api/actors');
    expect((await get('/api/buttons')).body.data.line.state).toBe('disabled');
    expect((await get('/api/settings')).body.data.clipSeconds).toEqual({ value: 5, source: 'env' });

    // The camera records; a snapshot of its newest segment.
    await waitFor(
      async () => (await get('/api/cameras')).body.data[0]?.lastSegmentEndAt,
      'the camera to record',
      90_000,
      200,
    );
    // What the recordings take: the camera's segments, on the one recording disk, which is up.
    const storage = (await get('/api/storage')).body.data;
    expect(storage.disks).toEqual([expect.objectContaining({ up: true })]);
    expect((await get('/api/status')).body.data.recordingDisks).toEqual([expect.objectContaining({ up: true })]);
    await waitFor(
      async () => (await get('/api/cameras/{name}/snapshot.jpg', { params: { name: CAMERA } })).status === 200,
      'a snapshot',
      60_000,
      500,
    );

    // The live view: the playlist (starts the camera's live ffmpeg), one of its segments, the views, the player.
    const live = await get('/api/cameras/{name}/live/index.m3u8', { params: { name: CAMERA } });
    const segment = String(live.body).match(/seg_\d{6}\.ts/)![0];
    expect((await get('/api/cameras/{name}/live/{segment}', { params: { name: CAMERA, segment } })).raw[0]).toBe(0x47);
    expect((await get('/api/live')).body.data[0].camera).toBe(CAMERA);
    await get('/live/hls.min.js', { key: null });

    // The recording timeline (today), and an export of the last seconds recorded: its state, the list, the file
    // whole and in part.
    expect(
      (await get('/api/cameras/{name}/timeline', { params: { name: CAMERA } })).body.data.covered.length,
    ).toBeGreaterThanOrEqual(1);
    const lastEnd = Date.parse((await get('/api/cameras')).body.data[0].lastSegmentEndAt as string);
    const window = {
      camera: CAMERA,
      from: new Date(lastEnd - 2_000).toISOString(),
      to: new Date(lastEnd).toISOString(),
    };
    const exported = await post('/api/exports', window);
    expect(exported.status).toBe(202);
    const exportId = { id: String(exported.body.data.id) };
    await waitFor(
      async () => (await get('/api/exports/{id}', { params: exportId })).body.data.state === 'done',
      'the export to be cut',
      120_000,
      300,
    );
    await get('/api/exports', { query: 'limit=5' });
    await get('/api/exports/{id}/file', { params: exportId });
    expect((await get('/api/exports/{id}/file', { params: exportId, headers: { range: 'bytes=0-99' } })).status).toBe(
      206,
    );

    // The camera editor (CAMERAS_FILE): the list, a save of the same list (nothing restarts), a test of a URL.
    expect((await get('/api/cameras/config')).body.data.editable).toBe(true);
    const cameras = [{ name: CAMERA, fieldId: 50, url: 'testsrc', enabled: true }];
    await call({ method: 'put', template: '/api/cameras', body: { cameras } });
    await post('/api/cameras/test', { url: 'testsrc' });

    // A manual clip, delivered to the bucket and AYO (a video with every field set).
    const clip = await post('/api/request-booking-video', { field_id: 50, camera_name: CAMERA });
    expect(clip.status).toBe(202);
    const uid = clip.body.data.videos[0] as string;
    await waitFor(
      async () => (await get('/api/videos/{unique_id}', { params: { unique_id: uid } })).body.data.status === 'ready',
      'the clip to be delivered',
      180_000,
      500,
    );
    await get('/api/videos', { query: `booking_id=${encodeURIComponent('BK/NOW/1')}&type=clip&camera=${CAMERA}` });

    // The bookings that ended before the camera started fail with no footage: one retried by its job, one by itself.
    const failed = await waitFor(
      async () => {
        const list = (await get('/api/videos', { query: 'status=failed&type=full' })).body.data as any[];
        return list.length >= 2 ? list : undefined;
      },
      'two videos to fail for lack of footage',
      120_000,
      500,
    );
    const queue = await get('/api/queue');
    const job = [...queue.body.data.deadLetters, ...queue.body.data.waiting.jobs].find(
      (j: any) => j.uniqueId === failed[0].uniqueId,
    );
    expect(job, JSON.stringify(queue.body.data)).toBeDefined();
    expect((await post('/api/queue/{id}/retry', {}, { params: { id: String(job.id) } })).status).toBe(200);
    expect(
      (await post('/api/videos/{unique_id}/retry', {}, { params: { unique_id: failed[1].uniqueId } })).status,
    ).toBe(200);
    // Purchases: the request for an unknown video, refused as invalid.
    await waitFor(
      async () => (await get('/api/purchases', { query: 'state=invalid&limit=10' })).body.count === 1,
      'the purchase request recorded',
      60_000,
      200,
    );
    const vr = await get('/api/purchases/{video_request_id}', { params: { video_request_id: 'VR-CONTRACT' } });
    expect(vr.body.data.state).toBe('invalid');
    // A page of one, and the page after it.
    const first = await get('/api/queue', { query: 'limit=1' });
    if (first.body.data.waiting.nextCursor)
      await get('/api/queue', { query: `limit=1&cursor=${first.body.data.waiting.nextCursor}` });

    expect(
      documented().filter((op) => !succeeded.has(op)),
      'documented operations never answered 2xx',
    ).toEqual([]);
  });

  /** Every documented operation, sent as it succeeded but changed by `change`; each answer is checked. */
  async function sweep(change: (req: Request) => Call): Promise<Map<string, Answer>> {
    const out = new Map<string, Answer>();
    for (const op of documented()) {
      const req = succeeded.get(op);
      expect(req, `${op} never succeeded above`).toBeDefined();
      out.set(op, await call({ ...change(req!), sweep: true }));
    }
    return out;
  }

  it('answers 401 to a missing or wrong key on every /api route, and needs no key elsewhere', async () => {
    for (const key of [null, 'wrong-key-0123456789']) {
      for (const [op, answer] of await sweep((req) => ({ ...req, key }))) {
        if (op.split(' ')[1]!.startsWith('/api/')) {
          expect(answer.status, op).toBe(401);
          expect(answer.headers['www-authenticate'], op).toBe('Bearer');
        } else expect(answer.status, op).not.toBe(401);
      }
    }
  });

  it('answers 421 to a Host that is not the service on every route but the monitoring ones', async () => {
    for (const [op, answer] of await sweep((req) => ({ ...req, headers: { ...req.headers, host: 'evil.example' } }))) {
      const monitoring = ['/healthz', '/readyz', '/metrics'].includes(op.split(' ')[1]!);
      expect(answer.status === 421, op).toBe(!monitoring);
    }
  });

  it('answers 400 to an unknown query parameter on every route that reads its query', async () => {
    // Pages, objects, the snapshot and the monitoring routes ignore the query; every other route refuses it.
    const ignoring = ['/healthz', '/readyz', '/metrics', '/', '/dashboard.js', '/dashboard.css', '/favicon.ico'];
    ignoring.push('/openapi.json', '/objects/{key}', '/api/cameras/{name}/snapshot.jpg');
    ignoring.push('/api/cameras/{name}/live/index.m3u8', '/api/cameras/{name}/live/{segment}', '/live/hls.min.js');
    for (const [op, answer] of await sweep((req) => ({ ...req, query: 'bogus=1' })))
      expect(answer.status, op).toBe(ignoring.includes(op.split(' ')[1]!) ? answer.status : 400);
  });

  it('answers the representative errors as documented', { timeout: 120_000 }, async () => {
    const status = async (req: Call) => (await call(req)).status;
    // 400: bad values.
    expect(await status({ method: 'get', template: '/api/bookings', query: 'limit=0' })).toBe(400);
    expect(await status({ method: 'get', template: '/api/bookings', query: 'limit=1&limit=2' })).toBe(400);
    expect(await status({ method: 'get', template: '/api/bookings', query: '__proto__=1' })).toBe(400);
    const bad = { status: 'nope', date: '2025-02-30', booking_id: 'x'.repeat(513), unique_id: 'x'.repeat(513) };
    expect(await status({ method: 'get', template: '/api/bookings/status/{status}', params: bad })).toBe(400);
    expect(await status({ method: 'get', template: '/api/bookings/date/{date}', params: bad })).toBe(400);
    expect(await status({ method: 'get', template: '/api/bookings/{booking_id}', params: bad })).toBe(400);
    expect(await status({ method: 'get', template: '/api/videos/{unique_id}', params: bad })).toBe(400);
    expect(await status({ method: 'get', template: '/api/videos', query: 'status=nope' })).toBe(400);
    expect(await status({ method: 'get', template: '/api/queue', query: 'cursor=abc' })).toBe(400);
    expect(await status({ method: 'post', template: '/api/queue/{id}/retry', params: { id: 'abc' }, body: {} })).toBe(
      400,
    );
    for (const body of [{ field_id: 'x' }, { field_id: 50, extra: 1 }, '[1,2', '"text"']) {
      const req: Call = { method: 'post', template: '/api/request-booking-video', body };
      if (typeof body === 'string') req.headers = { 'content-type': 'application/json' };
      expect(await status(req), JSON.stringify(body)).toBe(400);
    }
    expect(await status({ method: 'put', template: '/api/cameras', body: { cameras: 'all of them' } })).toBe(400);
    const objectsApp = { method: 'get', template: '/objects/{key}', base: objects.server.url } as const;
    expect(await status({ ...objectsApp, params: { key: '../outside.txt' }, docCannotTell: true })).toBe(400);

    // 404: unknown ids and names (an id is only an id: quotes and SQL find nothing).
    const unknown = {
      booking_id: "BK/' OR 1=1 --",
      unique_id: 'nope',
      id: '999999',
      name: 'NOPE',
      key: 'videos/no.mp4',
    };
    expect(await status({ method: 'get', template: '/api/bookings/{booking_id}', params: unknown })).toBe(404);
    expect(await status({ method: 'get', template: '/api/videos/{unique_id}', params: unknown })).toBe(404);
    expect(await status({ method: 'post', template: '/api/videos/{unique_id}/retry', params: unknown, body: {} })).toBe(
      404,
    );
    expect(await status({ method: 'post', template: '/api/queue/{id}/retry', params: unknown, body: {} })).toBe(404);
    expect(await status({ method: 'get', template: '/api/cameras/{name}/snapshot.jpg', params: unknown })).toBe(404);
    expect(await status({ ...objectsApp, params: unknown })).toBe(404);
    expect(await status({ method: 'post', template: '/api/request-booking-video', body: { field_id: 99 } })).toBe(404);

    // 409: a delivered video cannot be retried.
    const ready = (await call({ method: 'get', template: '/api/videos', query: 'status=ready' })).body.data[0];
    const retryReady: Call = { method: 'post', template: '/api/videos/{unique_id}/retry', body: {} };
    expect(await status({ ...retryReady, params: { unique_id: ready.uniqueId } })).toBe(409);

    // 429: a second clip of the same field within 30 s (the first of these two may be let through: the success
    // case's clip may be more than 30 s ago on a slow machine).
    const clip = { method: 'post', template: '/api/request-booking-video', body: { field_id: 50 } } as const;
    expect([202, 429]).toContain((await call(clip)).status);
    const again = await call(clip);
    expect(again.status).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);

    // The edge: 413 (a body over 64 kB), 415 (not JSON), 403 (another origin).
    const json = { 'content-type': 'application/json' };
    const big = JSON.stringify({ pad: 'x'.repeat(70 * 1024) });
    expect(await status({ method: 'post', template: '/api/sync', body: big, headers: json })).toBe(413);
    const text = { 'content-type': 'text/plain' };
    expect(await status({ method: 'post', template: '/api/sync', body: '{}', headers: text })).toBe(415);
    const foreign = { origin: 'http://evil.example' };
    expect(await status({ method: 'post', template: '/api/sync', body: {}, headers: foreign })).toBe(403);

    // 503: another connection holds the database's write lock (an operator's sqlite3, a backup).
    const other = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
    try {
      // An actor may hold the lock for a moment: wait it out, as every writer does.
      await retryWhileBusy(() => other.exec('BEGIN IMMEDIATE'), { what: 'take the write lock', logger: log.logger });
      const held = await call({ method: 'post', template: '/api/queue/{id}/retry', params: { id: '1' }, body: {} });
      expect(held.status).toBe(503);
      expect(held.headers['retry-after']).toBeDefined();
      expect(await status({ method: 'get', template: '/readyz', key: null })).toBe(503);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
  });

  it('is strict: an undocumented field, a missing one, a wrong value, status or type fails the check', async () => {
    const auth = { authorization: `Bearer ${API_KEY}` };
    const answer = await send(service.url, { method: 'get', template: '/api/bookings', headers: auth });
    const problems = (a: Answer) => checker.problems('get', '/api/bookings', a).join('\n');
    expect(problems(answer)).toBe('');
    const mutate = (change: (body: any) => void): Answer => {
      const body = structuredClone(answer.body);
      change(body);
      return { ...answer, body };
    };
    expect(problems(mutate((b) => (b.data[0].secret = 'x')))).toMatch(/must NOT have additional properties/);
    expect(problems(mutate((b) => delete b.data[0].rawJson))).toMatch(/must have required property 'rawJson'/);
    expect(problems(mutate((b) => (b.data[0].status = 'SUCCESS')))).toMatch(/must be equal to one of the allowed/);
    expect(problems({ ...answer, status: 418 })).toMatch(/not listed/);
    expect(problems({ ...answer, headers: { 'content-type': 'text/html' } })).toMatch(/answered text\/html/);
    expect(checker.problems('get', '/api/nothing', answer).join()).toMatch(/not in the document/);
  });
});
