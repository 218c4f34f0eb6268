// SQLite contention is routine, not a crash: another connection (an operator's sqlite3, a backup) holds the write
// lock for a minute, far past the 5 s busy timeout and past what used to exhaust the restart intensity, while the
// whole service runs (camera, sync, cut, upload, notify). Nothing changes but a delay: no actor restarts, the camera
// records and every segment it wrote is indexed once the lock goes, the booking that ended under the lock is
// delivered, and /healthz answers throughout, also beside parallel /readyz calls.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { partnerEnv, venueLocal } from './fixtures/env.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';

/** How long the external connection holds the lock. */
const LOCK_MS = 60_000;

let ayo: FakeAyo;
let s3: FakeS3;
let service: RunningService;
let config: Config;
let tmp: ReturnType<typeof tempDir>;
const log = captureLogger();
const api = async (p: string, init?: RequestInit) => {
  const res = await fetch(service.url + p, { ...init, signal: AbortSignal.timeout(60_000) });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  s3 = await startFakeS3();
  tmp = tempDir();
  config = loadConfig({
    PORT: '0',
    DATA_DIR: tmp.dir,
    MIN_FREE_DISK_MB: '0',
    SEGMENT_SECONDS: '1',
    CLIP_GRACE: '500ms',
    VIDEO_SCAN_INTERVAL: '500ms',
    BOOKING_SYNC_INTERVAL: '1h',
    CAMERA_STATUS_INTERVAL: '1h',
    ...partnerEnv(ayo, s3),
    CAMERAS: JSON.stringify([{ name: 'CAM_50', fieldId: 50, url: 'testsrc', enabled: true }]),
  });
  service = await startService(config, log.logger);
  await waitFor(
    async () => (await api('/api/cameras')).body.data[0]?.lastSegmentEndAt,
    'the camera recording',
    90_000,
    200,
  );
}, 150_000);
afterAll(async () => {
  await service?.stop();
  await ayo?.close();
  await s3?.close();
  tmp?.cleanup();
});

/** The index as an operator reads it, on a connection of its own (WAL readers are not blocked by the lock). */
function read<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(config.dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('a database lock held for a minute by another connection', () => {
  it(
    'changes nothing but a delay: no restarts, no lost segment row, the booking delivered, /healthz answering',
    { timeout: 400_000 },
    async () => {
      // A booking that ends while the lock is held: its video row, cut, upload and notification all wait for it.
      const now = Math.ceil(Date.now() / 1000) * 1000;
      const start = venueLocal(now + 2_000);
      const end = venueLocal(now + 6_000);
      ayo.setBookings(start.date, [
        ayoBooking({
          booking_id: 'BK/LOCK/1',
          date: start.date,
          start_time: start.time,
          end_time: end.time,
          field_id: 50,
        }),
      ]);
      await waitFor(
        async () => {
          await api('/api/sync', { method: 'POST', headers: { 'content-type': 'application/json' } });
          return (await api('/api/bookings/BK/LOCK/1')).status === 200;
        },
        'the booking synced',
        60_000,
        200,
      );
      const uid = 'BK-LOCK-1_CAM_50_' + `${start.date}${start.time}`.replace(/[-:]/g, '');

      const holder = new Database(config.dbPath);
      const lockedAt = Date.now();
      holder.exec('BEGIN IMMEDIATE');
      let healthz = 0;
      let releasedAt: number;
      try {
        // Throughout the lock: /healthz answers; parallel /readyz calls answer (not ready, saying why) without
        // holding it up.
        while (Date.now() - lockedAt < LOCK_MS) {
          const readyz = Promise.all([1, 2, 3, 4].map(() => api('/readyz')));
          expect((await api('/healthz')).status).toBe(200);
          healthz++;
          for (const r of await readyz) {
            expect(r.status).toBe(503);
            expect(r.body.message).toBe('not ready: database is locked by another connection (writes wait for it)');
          }
          // The main thread's reads (WAL readers are not blocked by a writer) answer too: the API and the scrape.
          expect((await api('/api/cameras')).body.data[0]).toMatchObject({ name: 'CAM_50', state: 'recording' });
          expect((await api('/api/videos')).status).toBe(200);
          expect((await fetch(`${service.url}/metrics`, { signal: AbortSignal.timeout(60_000) })).status).toBe(200);
          await new Promise((r) => setTimeout(r, 1_000));
        }
        expect((await api(`/api/videos/${uid}`)).status).toBe(404); // nothing could be written yet
      } finally {
        holder.exec('ROLLBACK');
        releasedAt = Date.now();
        holder.close();
      }
      expect(healthz).toBeGreaterThan(0);

      // After the release, the work that waited completes.
      const video = await waitFor(
        async () => {
          const r = await api(`/api/videos/${uid}`);
          return r.status === 200 && r.body.data.status === 'ready' ? r.body.data : undefined;
        },
        'the video delivered',
        200_000,
        500,
      );
      expect(video.history.map((h: any) => h.status)).toEqual([
        'pending',
        'processing',
        'uploading',
        'notifying',
        'ready',
      ]);
      expect(ayo.acceptedVideos().get(uid)).toHaveLength(1);
      // The light announcement: the preview is in the bucket (the full video stays on disk until a purchase).
      expect((await fetch(video.urls.preview)).status).toBe(200);

      // No actor restarted, and the service is ready again.
      const actors = (await api('/api/actors')).body;
      expect(actors.data.map((a: any) => [a.id, a.state, a.restarts])).toEqual(
        actors.data.map((a: any) => [a.id, 'running', 0]),
      );
      expect(actors.domains.every((d: any) => d.state === 'running')).toBe(true);
      await waitFor(async () => (await api('/readyz')).status === 200, 'ready again', 60_000);

      // Every segment the camera wrote under the lock is indexed (its row written once the lock went), and no gap
      // was recorded: the camera never stopped.
      await waitFor(
        () => read<{ n: number }>('SELECT COUNT(*) AS n FROM segments WHERE start_ms > ?', releasedAt)[0]!.n >= 2,
        'segments after the release',
        30_000,
      );
      const rows = read<{ file: string }>(
        'SELECT file FROM segments WHERE camera = ? AND start_ms >= ? AND start_ms < ?',
        'CAM_50',
        lockedAt,
        releasedAt,
      );
      expect(rows.length).toBeGreaterThan(LOCK_MS / 1000 / 4);
      for (const r of rows) expect(fs.existsSync(path.join(config.dataDir, 'media', 'recordings', r.file))).toBe(true);
      const indexed = new Set(
        read<{ file: string }>('SELECT file FROM segments WHERE camera = ?', 'CAM_50').map((r) => r.file),
      );
      const dir = path.join(config.dataDir, 'media', 'recordings', 'CAM_50');
      const onDisk = fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((f) => f.isFile() && !f.parentPath.includes('.incoming'))
        .map((f) => path.relative(path.join(config.dataDir, 'media', 'recordings'), path.join(f.parentPath, f.name)));
      expect(onDisk.filter((f) => !indexed.has(f))).toEqual([]);
      expect(
        read('SELECT * FROM recording_gaps WHERE camera = ? AND start_ms >= ?', 'CAM_50', lockedAt - 2_000),
      ).toEqual([]);
      // Waiting is logged once per episode, not once per segment.
      const waits = log.lines.filter(
        (l) => l.includes('recorder CAM_50') && l.includes('locked by another connection'),
      );
      expect(waits.length).toBeGreaterThan(0);
      expect(waits.length).toBeLessThan(rows.length / 4);
      // No crash was logged by any actor.
      expect(log.lines.filter((l) => l.includes('💥 ACTOR'))).toEqual([]);
    },
  );
});

describe('an actor restarted while another connection holds the lock', () => {
  it(
    'waits it out in its start-up (the start deadline restarts while it waits) and runs once the lock goes',
    { timeout: 300_000 },
    async () => {
      const dir = tempDir();
      const lines = captureLogger();
      const cfg = loadConfig({ PORT: '0', DATA_DIR: dir.dir, MIN_FREE_DISK_MB: '0' });
      const svc = await startService(cfg, lines.logger);
      const holder = new Database(cfg.dbPath);
      try {
        const video = () => svc.supervisor.status().find((a) => a.id === 'video')!;
        holder.exec('BEGIN IMMEDIATE');
        svc.supervisor.kill('video', 'killed by the test');
        await waitFor(
          () => lines.lines.some((l) => l.includes('video: requeue interrupted cuts: the database is locked')),
          'the start-up waiting for the lock',
          60_000,
        );
        // Past the 15 s start timeout, the start-up still waits rather than counting as a crash.
        const waitingSince = Date.now();
        await waitFor(() => Date.now() - waitingSince > 20_000, 'a lock longer than the start timeout', 30_000, 500);
        expect(video().state).toBe('starting');
        holder.exec('ROLLBACK');
        await waitFor(() => video().state === 'running', 'the video actor running', 60_000);
        expect(video().restarts).toBe(1);
        expect(lines.lines.filter((l) => l.includes('crashed during start-up'))).toEqual([]);
        expect(
          lines.lines.some((l) => l.includes('video: requeue interrupted cuts: the database lock was released')),
        ).toBe(true);
      } finally {
        if (holder.inTransaction) holder.exec('ROLLBACK');
        holder.close();
        await svc.stop();
        dir.cleanup();
      }
    },
  );
});
