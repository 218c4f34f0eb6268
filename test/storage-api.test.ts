// GET /api/storage over a real index on disk and two real recording directories: bytes, segments and hours per
// camera and venue day (split at the venue's midnight, not UTC's), days kept beside the retention setting, usage per
// disk, a camera without footage, and the report reused for a few seconds.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSegmentsRepo, openDatabase, type Db, type SegmentsRepo } from '../src/db/index.js';
import { createHttpApp } from '../src/http/app.js';
import { startHttpServer, type RunningServer } from '../src/http/server.js';
import { createDiskMonitor } from '../src/recording/disks.js';
import { createStorageReport } from '../src/recording/storage-report.js';
import { captureLogger, tempDir } from './fixtures/helpers.js';

const MIN = 60_000;
const DAY = 86_400_000;
// Midnight of 2025-04-10 in Asia/Jakarta (UTC+7) is 17:00 UTC on the 9th.
const MIDNIGHT = Date.parse('2025-04-09T17:00:00Z');

describe('GET /api/storage', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let repo: SegmentsRepo;
  let server: RunningServer;
  let now = MIDNIGHT + 12 * 60 * MIN;
  const disks = { a: '', b: '' };
  const log = captureLogger();

  const seg = (camera: string, dir: string, startMs: number, minutes: number, bytes: number) =>
    repo.insert({
      camera,
      dir,
      file: path.relative(path.join(tmp.dir, 'rec'), path.join(dir, camera, `${startMs}.ts`)),
      start_ms: startMs,
      end_ms: startMs + minutes * MIN,
      duration_ms: minutes * MIN,
      size_bytes: bytes,
      created_at: new Date(startMs).toISOString(),
    });
  const get = async (query = '') => {
    const res = await fetch(`${server.url}/api/storage${query}`);
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    tmp = tempDir();
    db = openDatabase(path.join(tmp.dir, 'db.sqlite'));
    repo = createSegmentsRepo(db);
    disks.a = path.join(tmp.dir, 'disk-a');
    disks.b = path.join(tmp.dir, 'disk-b');
    createDiskMonitor({
      dirs: [disks.a, disks.b],
      recordingsDir: path.join(tmp.dir, 'rec'),
      segments: repo,
      minFreeDiskMb: 1,
      logger: log.logger,
    }).check();
    // CAM_A: 10 minutes either side of the venue's midnight, on disk A; an hour from the venue's midnight two days
    // before (two and a half days ago), on disk B.
    seg('CAM_A', disks.a, MIDNIGHT - 10 * MIN, 10, 1_000);
    seg('CAM_A', disks.a, MIDNIGHT, 10, 2_000);
    seg('CAM_A', disks.b, now - 2.5 * DAY, 60, 4_000);
    // CAM_B: 90 minutes this morning, on disk B.
    seg('CAM_B', disks.b, MIDNIGHT + 6 * 60 * MIN, 45, 300);
    seg('CAM_B', disks.b, MIDNIGHT + 6 * 60 * MIN + 45 * MIN, 45, 300);
    const storage = createStorageReport({
      segments: repo,
      timeZone: 'Asia/Jakarta',
      retentionHours: 72,
      minFreeDiskMb: 1,
      cameras: () => ['CAM_A', 'CAM_B', 'CAM_NEW'],
      cacheMs: 5_000,
      now: () => now,
    });
    server = await startHttpServer(createHttpApp({ db, apiKey: undefined, logger: log.logger, storage }), {
      port: 0,
      host: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await server?.close();
    db?.close();
    tmp?.cleanup();
  });

  it('reports each camera per venue day, the days it keeps beside retention, and each disk', async () => {
    const { status, body } = await get();
    expect(status).toBe(200);
    const data = body.data;
    expect(data).toMatchObject({ retentionHours: 72, retentionDays: 3, minFreeDiskMb: 1 });
    const [a, b, fresh] = data.cameras;
    expect(a).toMatchObject({ camera: 'CAM_A', bytes: 7_000, segments: 3, daysKept: 2.5 });
    expect(a.oldestAt).toBe(new Date(now - 2.5 * DAY).toISOString());
    expect(a.days).toEqual([
      { date: '2025-04-08', bytes: 4_000, segments: 1, hoursCovered: 1 },
      { date: '2025-04-09', bytes: 1_000, segments: 1, hoursCovered: 0.17 },
      { date: '2025-04-10', bytes: 2_000, segments: 1, hoursCovered: 0.17 },
    ]);
    expect(b).toMatchObject({ camera: 'CAM_B', bytes: 600, segments: 2 });
    expect(b.days).toEqual([{ date: '2025-04-10', bytes: 600, segments: 2, hoursCovered: 1.5 }]);
    expect(fresh).toEqual({
      camera: 'CAM_NEW',
      bytes: 0,
      segments: 0,
      oldestAt: null,
      newestAt: null,
      daysKept: 0,
      days: [],
    });
    expect(data.summary).toEqual([
      'CAM_A: keeps 2.5 days, retention says 3',
      'CAM_B: keeps 0.3 days, retention says 3',
      'CAM_NEW: keeps 0 days, retention says 3',
    ]);
    expect(data.disks.map((d: any) => [d.dir, d.up, d.recordingBytes, d.segments])).toEqual([
      [disks.a, true, 3_000, 2],
      [disks.b, true, 4_600, 3],
    ]);
    expect(data.disks[0].freeBytes).toBeGreaterThan(0);
    // The disks were marked, so that an empty mount point is never taken for them.
    expect(fs.existsSync(path.join(disks.a, '.venue-recorder-disk'))).toBe(true);
  });

  it('reuses the report for a few seconds, then reads the index again', async () => {
    const before = (await get()).body.data;
    seg('CAM_B', disks.b, MIDNIGHT + 8 * 60 * MIN, 30, 50);
    now += 1_000;
    expect((await get()).body.data).toEqual(before);
    now += 5_000;
    const after = (await get()).body.data;
    expect(after.cameras[1]).toMatchObject({ camera: 'CAM_B', bytes: 650, segments: 3 });
  });

  it('refuses an unknown query parameter', async () => {
    const { status, body } = await get('?camera=CAM_A');
    expect(status).toBe(400);
    expect(body.status).toBe('error');
  });
});
