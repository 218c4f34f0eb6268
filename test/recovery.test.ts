// Recovery brings work forward: AYO answers every call with 500 for a while, the notifications spend their quick
// retries and go back to the queue for the kind's production delay (5 minutes); once AYO answers again, they go at
// once, without having spent attempts on the way. Real fake AYO over HTTP, real s3rver, the whole service.

import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/index.js';
import { startService } from '../src/service.js';
import { seedDeliverableVideos } from './fixtures/delivery.js';
import { startFakeAyo, TEST_AYO } from './fixtures/fake-ayo.js';
import { partnerEnv } from './fixtures/env.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { startFakeS3 } from './fixtures/s3.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('recovery brings work forward', () => {
  it('AYO answers 500 for a while, then recovers: the notifications waiting out their 5-minute queued delay are sent at once', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());
    const ayo = await startFakeAyo(TEST_AYO);
    cleanups.push(() => ayo.close());
    // Every AYO endpoint fails: save-video-available, the health-check and the bookings.
    ayo.fault({ kind: '500' });
    const ids = seedDeliverableVideos(tmp.dir, 2);
    const id = ids[0]!;
    const log = captureLogger();
    const service = await startService(
      loadConfig({
        PORT: '0',
        DATA_DIR: tmp.dir,
        BOOKING_SYNC_INTERVAL: '1h',
        ...partnerEnv(ayo, s3),
        AYO_HEALTH_CHECK_INTERVAL: '2s',
        // Probes answer all along (the fake's root is a 404): reachability alone must not bring a 5xx failure forward.
        CONNECTIVITY_INTERVAL: '1s',
        // Quick retries short for the test's sake; the queued delays are production's.
        NOTIFY_RETRY_DELAYS: '50ms,100ms,200ms',
        DELIVERY_JOB_RETRY_DELAYS: '5m,20m,45m,2h,5h',
      }),
      log.logger,
    );
    cleanups.push(() => service.stop());
    const api = async (p: string) => (await (await fetch(service.url + p)).json()) as any;
    const notifyJob = async (uid = id) =>
      ((await api('/api/queue')).data.waiting.jobs as any[]).find((j) => j.kind === 'notify' && j.uniqueId === uid);

    // The quick retries are spent: the job waits for its due time, 5 minutes on, after AYO's 5xx.
    const waiting = await waitFor(
      async () => {
        const j = await notifyJob();
        return j?.attempts === 1 && j.waitingFor === 'due-time' ? j : undefined;
      },
      'the notification to wait out its queued delay',
      60_000,
    );
    expect(waiting).toMatchObject({ dependency: 'ayo', failureClass: 'server-error', broughtForward: false });
    expect(waiting.lastError).toMatch(/HTTP 500/);
    expect(Date.parse(waiting.dueAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    expect((await api(`/api/videos/${id}`)).data.status).toBe('notifying');
    await waitFor(async () => (await notifyJob(ids[1]))?.attempts === 1, 'the second notification to wait too', 30_000);
    // The outage goes on past many probes, each answered (a 404 at the root), and the canaries they let through: no
    // attempt is spent on them, and nothing is announced.
    const probes = () => ayo.calls.filter((c) => c.method === 'HEAD').length;
    const seen = probes();
    await waitFor(() => probes() >= seen + 20, 'twenty more answered probes', 60_000);
    for (const uid of ids) expect(await notifyJob(uid)).toMatchObject({ attempts: 1 });
    expect(ayo.acceptedVideos().size).toBe(0);

    // AYO recovers. The queued delay has over 4 minutes to run: a deadline of one minute proves the bring-forward.
    ayo.clearFaults();
    await waitFor(
      async () => {
        for (const uid of ids) if ((await api(`/api/videos/${uid}`)).data.status !== 'ready') return false;
        return true;
      },
      'both videos to be announced after the recovery',
      60_000,
    );
    for (const uid of ids) expect(ayo.acceptedVideos().get(uid)).toHaveLength(1);
    await waitFor(
      () => log.lines.some((l) => /🌐 RECOVERY: AYO answers again; [12] notify task\(s\)/.test(l)),
      'the recovery line',
      5_000,
    );
    // The attempts: the first, and the one that went through; the failed canaries gave theirs back.
    const db = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
    try {
      expect(db.prepare("SELECT status, attempts FROM jobs WHERE kind = 'notify' ORDER BY id").all()).toEqual([
        { status: 'done', attempts: 2 },
        { status: 'done', attempts: 2 },
      ]);
    } finally {
      db.close();
    }
  }, 180_000);
});
