import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/index.js';
import { startService } from '../src/service.js';
import { seedDeliverableVideos } from './fixtures/delivery.js';
import { startFakeAyo, TEST_AYO } from './fixtures/fake-ayo.js';
import { startFlakyProxy } from './fixtures/flaky-proxy.js';
import { captureLogger, tempDir, waitFor, freePort } from './fixtures/helpers.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A service with the object store at `s3Endpoint` and the fake AYO; `count` videos wait for delivery. */
async function setup(opts: {
  count: number;
  s3?: FakeS3;
  s3Endpoint?: string;
  publicBase?: string;
  env?: Record<string, string>;
  ayoDown?: boolean;
}) {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const ayo = await startFakeAyo(TEST_AYO);
  cleanups.push(() => ayo.close());
  // AYO down from the start: its port stays known (to bring it back there) but nothing listens on it.
  if (opts.ayoDown) await ayo.close();
  const ids = seedDeliverableVideos(tmp.dir, opts.count);
  const log = captureLogger();
  const endpoint = opts.s3Endpoint ?? opts.s3!.config.endpoint;
  const service = await startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: tmp.dir,
      BOOKING_SYNC_INTERVAL: '1h',
      AYO_API_BASE_URL: ayo.baseUrl,
      AYO_API_TOKEN: TEST_AYO.token,
      AYO_VENUE_CODE: TEST_AYO.venueCode,
      AYO_VENUE_SECRET: TEST_AYO.secret,
      // Long enough for the fake AYO's answer on a starved machine: an answer later than the timeout is the
      // ambiguous case (AYO accepted, the service never heard), which resends, and these tests count acceptances.
      AYO_API_TIMEOUT: '5s',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: 'videos',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_PUBLIC_BASE_URL: opts.publicBase ?? `${endpoint}/videos`,
      CONNECTIVITY_INTERVAL: '200ms',
      CONNECTIVITY_TIMEOUT: '200ms',
      UPLOAD_RETRY_DELAYS: '10ms,20ms,30ms,40ms,50ms',
      NOTIFY_RETRY_DELAYS: '10ms,20ms,30ms',
      DELIVERY_JOB_RETRY_DELAYS: '300ms,300ms,300ms,300ms,300ms',
      ...opts.env,
    }),
    log.logger,
  );
  cleanups.push(() => service.stop());
  const api = async (p: string, method = 'GET') => {
    const res = await fetch(service.url + p, {
      method,
      headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const video = async (id: string) => (await api(`/api/videos/${id}`)).body.data;
  const allReady = () =>
    waitFor(
      async () => {
        for (const id of ids) if ((await video(id)).status !== 'ready') return false;
        return true;
      },
      'every video ready',
      20_000,
    );
  return { tmp, ayo, ids, log, service, api, video, allReady };
}

/**
 * A service whose object store answers 503 to the first 8 preview PUTs (or those of `failing`), through a proxy in
 * front of s3rver.
 */
async function setupFailingPreviews(opts: { count: number; env: Record<string, string>; failing?: RegExp }) {
  const s3 = await startFakeS3();
  cleanups.push(() => s3.close());
  const proxy = await startFlakyProxy(s3.config.endpoint, {
    method: 'PUT',
    path: opts.failing ?? /_preview\.mp4/,
    times: 8,
  });
  cleanups.push(() => proxy.close());
  const t = await setup({ ...opts, s3Endpoint: proxy.url, publicBase: `${s3.config.endpoint}/videos` });
  return { t, proxy };
}

/** Waits for a log line: an actor's lines cross threads after its database writes, so they may trail the API. */
const logged = (lines: string[], match: (l: string) => boolean) =>
  waitFor(() => lines.some(match), 'the log line', 5_000);

const objectFile = (s3: FakeS3, key: string) => path.join(s3.dir, 'videos', key + '._S3rver_object');

describe('delivery: upload to R2 and notify AYO', () => {
  it('uploads the preview and thumbnail of each video, verified, then tells AYO once; the full MP4 stays local', async () => {
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());
    const t = await setup({ count: 3, s3 });
    await t.allReady();
    for (const id of t.ids) {
      const v = await t.video(id);
      expect(v.urls).toEqual({
        mp4: null,
        preview: `${s3.config.endpoint}/videos/mp4/${id}_preview.mp4`,
        thumbnail: `${s3.config.endpoint}/videos/mp4/${id}_thumbnail.jpg`,
      });
      expect(v.history.map((h: any) => h.status).slice(-3)).toEqual(['uploading', 'notifying', 'ready']);
      const thumb = await fetch(v.urls.thumbnail);
      expect(thumb.headers.get('content-type')).toBe('image/jpeg');
      expect((await thumb.arrayBuffer()).byteLength).toBe(5_000);
      const preview = await fetch(v.urls.preview);
      expect(preview.headers.get('content-type')).toBe('video/mp4');
      expect((await preview.arrayBuffer()).byteLength).toBe(50_000);
      // FULL_VIDEO_UPLOAD=on-purchase (the default): the full video is not in the bucket, and is still on disk.
      expect((await fetch(`${s3.config.endpoint}/videos/mp4/${id}.mp4`)).status).toBe(404);
      expect(fs.existsSync(path.join(t.tmp.dir, 'media', 'videos', '2025-04-10', `${id}.mp4`))).toBe(true);
      const calls = t.ayo.acceptedVideos().get(id)!;
      expect(calls).toHaveLength(1);
      expect(calls[0]!.params).toMatchObject({
        booking_id: expect.stringMatching(/^BK\/D\/\d$/),
        type: 'full',
        preview_path: v.urls.preview,
        image_path: v.urls.thumbnail,
        unique_id: id,
        start_timestamp: '2025-04-10T10:00:00+07:00',
        end_timestamp: '2025-04-10T11:00:00+07:00',
        duration: '3600',
      });
      await logged(t.log.lines, (l) => l.includes(`📤 SUCCESS: Direct upload completed for ${id}`));
      await logged(t.log.lines, (l) => l.includes(`🔔 SUCCESS: Direct API notification sent for ${id}`));
    }
  });

  it('queues while the object store is down, without spending attempts, and delivers oldest first once it is back', async () => {
    const port = await freePort();
    const t = await setup({
      count: 5,
      s3Endpoint: `http://127.0.0.1:${port}`,
      publicBase: `http://127.0.0.1:${port}/videos`,
    });
    await waitFor(
      () => t.log.lines.some((l) => l.includes('🌐 CONNECTIVITY: Offline - object store unreachable')),
      'offline',
      10_000,
    );
    for (const id of t.ids)
      await waitFor(
        () =>
          t.log.lines.some((l) =>
            l.includes(`📦 QUEUE: Upload task queued untuk video ${id} - akan diproses saat online`),
          ),
        `${id} queued`,
        10_000,
      );
    const q = (await t.api('/api/queue')).body.data;
    expect(q.counts).toContainEqual({ kind: 'upload', status: 'pending', count: 5 });
    expect(q.deadLetters).toEqual([]);
    const s3 = await startFakeS3({ port });
    cleanups.push(() => s3.close());
    await t.allReady();
    const attempts = (await t.api('/api/queue')).body.data;
    expect(attempts.counts).toContainEqual({ kind: 'upload', status: 'done', count: 5 });
    await logged(t.log.lines, (l) =>
      l.includes('🌐 CONNECTIVITY: Online - object store is back; sending queued upload tasks, oldest first'),
    );
    for (const id of t.ids) expect(fs.existsSync(objectFile(s3, `mp4/${id}_preview.mp4`))).toBe(true);
    // No attempt was spent on the outage: each upload job ran once, when the store was back.
    const db = openDatabase(path.join(t.tmp.dir, 'venue-recorder.db'));
    expect(
      (db.prepare("SELECT attempts FROM jobs WHERE kind = 'upload'").all() as { attempts: number }[]).map(
        (j) => j.attempts,
      ),
    ).toEqual([1, 1, 1, 1, 1]);
    db.close();
    // Oldest first: the first two delivered are the two oldest (two uploads run at once).
    const order = t.log.lines
      .filter((l) => l.includes('📤 SUCCESS'))
      .map((l) => t.ids.findIndex((id) => l.includes(id)));
    expect(order.slice(0, 2).sort()).toEqual([0, 1]);
  });

  it('queues notifications while AYO is down, without spending attempts, and sends each once when it is back', async () => {
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());
    const t = await setup({ count: 3, s3, ayoDown: true });
    await waitFor(
      () => t.log.lines.some((l) => l.includes('🌐 CONNECTIVITY: Offline - AYO API unreachable')),
      'AYO offline',
      10_000,
    );
    for (const id of t.ids) {
      await waitFor(
        () => t.log.lines.some((l) => l.includes(`📦 QUEUE: API notification task queued untuk video ${id}`)),
        `${id}'s notification queued`,
        15_000,
      );
    }
    // Uploaded, waiting for AYO.
    for (const id of t.ids) expect((await t.video(id)).status).toBe('notifying');
    const back = await startFakeAyo({ ...TEST_AYO, port: Number(new URL(t.ayo.baseUrl).port) });
    cleanups.push(() => back.close());
    await t.allReady();
    const announced = back.calls
      .filter((c) => c.endpoint === 'save-video-available' && c.answered === 200)
      .map((c) => String(c.params.unique_id));
    // Each once (the queue's order is that of the uploads finishing, two at a time).
    expect([...announced].sort()).toEqual([...t.ids].sort());
    const db = openDatabase(path.join(t.tmp.dir, 'venue-recorder.db'));
    expect(
      (db.prepare("SELECT attempts FROM jobs WHERE kind = 'notify' ORDER BY id").all() as { attempts: number }[]).map(
        (j) => j.attempts,
      ),
    ).toEqual([1, 1, 1]);
    db.close();
  });

  it('retries AYO 500s, resets and timeouts with the seed lines', async () => {
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());
    const t = await setup({ count: 1, s3, env: { AYO_CIRCUIT_BREAK_AFTER: '100' } });
    t.ayo.fault({ kind: '500', endpoint: 'save-video-available', times: 1 });
    t.ayo.fault({ kind: 'reset', endpoint: 'save-video-available', times: 1 });
    t.ayo.fault({ kind: 'hang', endpoint: 'save-video-available', times: 1 });
    await t.allReady();
    expect(t.ayo.acceptedVideos().get(t.ids[0]!)).toHaveLength(1);
    // Three failed calls (500, reset, timeout), then the accepted one; a busy machine may split the quick
    // retries across two claims (a connectivity probe timing out in between), so N is not fixed.
    expect(t.ayo.calls.filter((c) => c.endpoint === 'save-video-available')).toHaveLength(4);
    await logged(t.log.lines, (l) =>
      new RegExp(`🔄 RETRY: API Notification for ${t.ids[0]} ✅ Berhasil setelah [1-3] kali retry`).test(l),
    );
    expect(t.log.lines.filter((l) => l.includes('🔄 RETRY: Will retry error:')).length).toBeGreaterThanOrEqual(2);
  });

  it('an AYO 403 is a permanent failure shown on the video and the queue; an operator retry delivers it', async () => {
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());
    const t = await setup({ count: 1, s3 });
    const id = t.ids[0]!;
    t.ayo.fault({ kind: '403', endpoint: 'save-video-available' });
    const failed = await waitFor(
      async () => {
        const v = await t.video(id);
        return v.status === 'failed' ? v : undefined;
      },
      'the permanent failure',
      15_000,
    );
    expect(failed.reason).toBe(
      'AYO notification failed: AYO save-video-available answered HTTP 403: Invalid Signature',
    );
    const calls = t.ayo.calls.filter((c) => c.endpoint === 'save-video-available');
    expect(calls).toHaveLength(1);
    const q = (await t.api('/api/queue')).body.data;
    expect(q.deadLetters).toEqual([
      expect.objectContaining({
        kind: 'notify',
        uniqueId: id,
        lastError: 'AYO save-video-available answered HTTP 403: Invalid Signature',
      }),
    ]);
    t.ayo.clearFaults();
    const retried = await t.api(`/api/videos/${id}/retry`, 'POST');
    expect(retried).toMatchObject({
      status: 200,
      body: { data: { uniqueId: id, job: { kind: 'notify', status: 'pending' } } },
    });
    await t.allReady();
    expect((await t.api(`/api/videos/${id}/retry`, 'POST')).status).toBe(409);
    expect((await t.api('/api/queue/999999/retry', 'POST')).status).toBe(404);
    expect((await t.api('/api/queue/abc/retry', 'POST')).status).toBe(400);
  });

  it('a notification failing with 5xx through every attempt becomes a dead letter with the seed line, its video failed', async () => {
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());
    // A breaker that never opens here: this is about running out of attempts, not about the circuit.
    const t = await setup({
      count: 1,
      s3,
      env: { AYO_CIRCUIT_BREAK_AFTER: '1000', DELIVERY_CIRCUIT_BREAK_AFTER: '1000' },
    });
    const id = t.ids[0]!;
    for (let i = 0; i < 100; i++) t.ayo.fault({ kind: '500', endpoint: 'save-video-available' });
    const failed = await waitFor(
      async () => {
        const v = await t.video(id);
        return v.status === 'failed' && (await t.api('/api/queue')).body.data.deadLetters.length ? v : undefined;
      },
      'the dead letter',
      60_000,
    );
    expect(failed.reason).toMatch(/HTTP 500/);
    // Quick retries (1 + 3) in each of the 6 durable attempts (the first and 5 queue retries): 24 calls. AYO's other
    // endpoints answer meanwhile (its health-check, the sync), and each such recovery may bring the job forward once:
    // a try that fails the same way costs its 4 calls but gives its attempt back, so the dead letter still comes after
    // 6 attempts and every try is whole.
    const calls = t.ayo.calls.filter((c) => c.endpoint === 'save-video-available').length;
    expect(calls).toBeGreaterThanOrEqual(24);
    expect(calls % 4).toBe(0);
    await logged(t.log.lines, (l) => l.includes(`🔄 RETRY: API Notification for ${id} ❌ Gagal setelah 4 percobaan`));
    const q = (await t.api('/api/queue')).body.data;
    expect(q.deadLetters).toEqual([
      expect.objectContaining({
        kind: 'notify',
        uniqueId: id,
        attempts: 6,
        lastError: expect.stringMatching(/HTTP 500/),
      }),
    ]);
    expect(t.ayo.acceptedVideos().get(id)).toBeUndefined();
  }, 120_000);

  it('with AYO failing for good and the breaker on, every notification still runs out of attempts and is a dead letter', async () => {
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());
    const t = await setup({ count: 2, s3, env: { DELIVERY_CIRCUIT_HALF_OPEN_AFTER: '200ms' } });
    for (let i = 0; i < 1000; i++) t.ayo.fault({ kind: '500', endpoint: 'save-video-available' });
    await waitFor(
      async () => (await t.api('/api/queue')).body.data.deadLetters.length === 2,
      'two dead letters',
      30_000,
    );
    for (const id of t.ids) expect((await t.video(id)).status).toBe('failed');
    await logged(t.log.lines, (l) => l.includes('⚡ CIRCUIT: AYO circuit opened after repeated failures'));
    expect(t.ayo.acceptedVideos().size).toBe(0);
  });

  it('a thumbnail that fails to upload is retried alone; the preview already stored is not sent again', async () => {
    const { t, proxy } = await setupFailingPreviews({
      count: 1,
      env: { DELIVERY_CIRCUIT_BREAK_AFTER: '20' },
      failing: /_thumbnail\.jpg/,
    });
    await t.allReady();
    const id = t.ids[0]!;
    const puts = (re: RegExp) => proxy.seen.filter((r) => r.method === 'PUT' && re.test(r.path));
    expect(puts(new RegExp(`${id}_preview\\.mp4`))).toHaveLength(1);
    expect(puts(/_thumbnail\.jpg/).filter((r) => r.failed)).toHaveLength(8);
    expect(puts(/_thumbnail\.jpg/).filter((r) => !r.failed).length).toBeGreaterThanOrEqual(1);
    expect(puts(new RegExp(`${id}\\.mp4`))).toHaveLength(0);
    expect(t.ayo.acceptedVideos().get(id)).toHaveLength(1);
  });

  it('an open circuit lets one upload through once its time is up, closes again, and the queue drains', async () => {
    // 8 failed preview PUTs: more than the breaker's 5 and more than one claim's quick retries.
    const { t } = await setupFailingPreviews({ count: 3, env: { DELIVERY_CIRCUIT_HALF_OPEN_AFTER: '300ms' } });
    await t.allReady();
    const circuitLines = t.log.lines.filter((l) => l.includes('⚡ CIRCUIT: object store circuit'));
    expect(circuitLines.some((l) => l.includes('opened after repeated failures'))).toBe(true);
    expect(circuitLines.at(-1)).toContain('closed again');
    for (const id of t.ids) expect(t.ayo.acceptedVideos().get(id)).toHaveLength(1);
    // Calls the open circuit refused spent no attempt: no upload job came near its last one.
    const db = openDatabase(path.join(t.tmp.dir, 'venue-recorder.db'));
    const attempts = db.prepare("SELECT attempts, max_attempts FROM jobs WHERE kind = 'upload'").all() as {
      attempts: number;
      max_attempts: number;
    }[];
    db.close();
    for (const a of attempts) expect(a.attempts).toBeLessThan(a.max_attempts);
  });

  it('an operator cannot retry a delivered job (no second notification)', async () => {
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());
    const t = await setup({ count: 1, s3 });
    await t.allReady();
    const db = openDatabase(path.join(t.tmp.dir, 'venue-recorder.db'));
    const notify = db.prepare("SELECT id FROM jobs WHERE kind = 'notify'").get() as { id: number };
    db.close();
    const r = await t.api(`/api/queue/${notify.id}/retry`, 'POST');
    expect(r).toMatchObject({
      status: 409,
      body: {
        status: 'error',
        message: `Job ${notify.id} cannot be retried: it is done; running it again would deliver twice`,
      },
    });
    expect(t.ayo.acceptedVideos().get(t.ids[0]!)).toHaveLength(1);
    expect((await t.video(t.ids[0]!)).status).toBe('ready');
  });
});
