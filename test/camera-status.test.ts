import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createSegmentsRepo, openDatabase, type Db } from '../src/db/index.js';
import { startService, type RunningService } from '../src/service.js';
import { createCameraActivity, RECORDING_WITHIN_SEGMENTS } from '../src/sync/index.js';
import { partnerEnv } from './fixtures/env.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

describe('whether a camera records, read from the recording index', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: Db;
  let now = Date.parse('2025-04-10T03:00:00.000Z');
  /** Indexes a 2 s segment of `camera` that closed (was indexed) at `closedAt`. */
  const segment = (camera: string, closedAt: number) =>
    createSegmentsRepo(db).insert({
      camera,
      file: `${camera}/${closedAt}.ts`,
      start_ms: closedAt - 2_000,
      end_ms: closedAt,
      duration_ms: 2_000,
      size_bytes: 1_000,
      created_at: new Date(closedAt).toISOString(),
    });

  beforeAll(() => {
    tmp = tempDir();
    db = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
  });
  afterAll(() => {
    db?.close();
    tmp?.cleanup();
  });

  it('records while the last segment closed within a few segment lengths, and not once it is older', () => {
    const activity = createCameraActivity({ db, segmentSeconds: 2, now: () => now });
    expect(activity.recording('CAM_A')).toBe(false); // never recorded
    segment('CAM_A', now - 500);
    expect(activity.recording('CAM_A')).toBe(true);
    now += RECORDING_WITHIN_SEGMENTS * 2_000 - 500; // exactly three segment lengths since it closed
    expect(activity.recording('CAM_A')).toBe(true);
    now += 1;
    expect(activity.recording('CAM_A')).toBe(false);
    expect(activity.recording('CAM_B')).toBe(false); // another camera's segments do not count
  });

  it('takes an announced stop at once, until a newer segment closes', () => {
    const activity = createCameraActivity({ db, segmentSeconds: 2, now: () => now });
    segment('CAM_C', now);
    now += 100;
    activity.noted('CAM_C', false);
    expect(activity.recording('CAM_C')).toBe(false); // the index alone would still say recording
    now += 1_000;
    segment('CAM_C', now);
    expect(activity.recording('CAM_C')).toBe(true); // recording again, even before the announcement
    activity.noted('CAM_C', true);
    expect(activity.recording('CAM_C')).toBe(true);
  });

  it('a fresh reader (a restarted SyncActor) knows from the index alone', () => {
    segment('CAM_D', now);
    expect(createCameraActivity({ db, segmentSeconds: 2, now: () => now }).recording('CAM_D')).toBe(true);
  });
});

describe('camera statuses AYO hears across a SyncActor restart', () => {
  let ayo: FakeAyo;
  let service: RunningService;
  let tmp: ReturnType<typeof tempDir>;
  const log = captureLogger();
  const statusCalls = (from: number) =>
    ayo.calls
      .slice(from)
      .filter((c) => c.endpoint === 'update-camera-status')
      .map((c) => ({ camera: String(c.params.camera_id), status: String(c.params.status) }));

  beforeAll(async () => {
    ayo = await startFakeAyo(TEST_AYO);
    tmp = tempDir();
    service = await startService(
      loadConfig({
        PORT: '0',
        DATA_DIR: tmp.dir,
        MIN_FREE_DISK_MB: '0',
        SEGMENT_SECONDS: '2',
        ...partnerEnv(ayo),
        BOOKING_SYNC_INTERVAL: '1h',
        BOOKING_SYNC_DAYS_BACK: '0',
        BOOKING_SYNC_DAYS_AHEAD: '0',
        AYO_HEALTH_CHECK_INTERVAL: '1h',
        CAMERA_STATUS_INTERVAL: '1s',
        CAMERAS: JSON.stringify([
          { name: 'CAM_A', fieldId: 50, url: 'testsrc', enabled: true },
          { name: 'CAM_OFF', fieldId: 51, url: 'testsrc', enabled: false },
        ]),
      }),
      log.logger,
    );
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    await ayo?.close();
    tmp?.cleanup();
  }, 60_000);

  it('reports a steadily recording camera ACTIVE after the restart, not INACTIVE, and a disabled one INACTIVE', async () => {
    await waitFor(
      () => statusCalls(0).some((c) => c.camera === 'CAM_A' && c.status === 'ACTIVE'),
      'CAM_A reported ACTIVE',
      60_000,
    );

    // Restart SyncActor while CAM_A records steadily: the recorder announces no change, so nothing tells the new
    // incarnation that CAM_A records but the recording index.
    let sinceRestart: number | undefined;
    const off = service.supervisor.events.on('actor:ready', ({ id }) => {
      if (id === 'sync') sinceRestart = ayo.calls.length;
    });
    service.supervisor.kill('sync', 'killed by the test while cameras record');
    await waitFor(() => sinceRestart !== undefined, 'SyncActor running again', 60_000);
    off();
    const from = sinceRestart!;
    await waitFor(
      () => statusCalls(from).filter((c) => c.camera === 'CAM_A').length >= 3,
      'three periodic reports after the restart',
      60_000,
    );

    const after = statusCalls(from);
    expect(after.filter((c) => c.camera === 'CAM_A').map((c) => c.status)).toEqual(
      after.filter((c) => c.camera === 'CAM_A').map(() => 'ACTIVE'),
    );
    expect(new Set(after.filter((c) => c.camera === 'CAM_OFF').map((c) => c.status))).toEqual(new Set(['INACTIVE']));
    expect(service.supervisor.status().find((a) => a.id === 'sync')).toMatchObject({ state: 'running', restarts: 1 });
    // The premise: CAM_A never stopped recording meanwhile (its recorder neither restarted ffmpeg nor changed state).
    expect(log.lines.filter((l) => l.includes('CAM_A') && l.includes('restarting ffmpeg'))).toEqual([]);
    expect(service.supervisor.status().find((a) => a.id === 'recorder:CAM_A')).toMatchObject({
      state: 'running',
      restarts: 0,
    });
  }, 180_000);
});
