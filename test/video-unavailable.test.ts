// A delivered video whose local files and footage are gone, and whose full video is not in the bucket, becomes
// `unavailable` through the lifecycle table, and AYO hears it (`video-unavailable`, batches of at most 10 ids, signed,
// each id in exactly one accepted call). Real footage cut by real ffmpeg, the recording retention and the video sweep
// run under an injected clock, the reports go over HTTP to the fake AYO, and a purchase of such a video is answered
// incompleted.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAyoClient } from '../src/ayo/index.js';
import { createPurchasesRepo, createSegmentsRepo } from '../src/db/index.js';
import { idReportCounts } from '../src/delivery/id-reports.js';
import { createStoredObjects } from '../src/delivery/stored-objects.js';
import { createPurchaseIntake } from '../src/purchase/index.js';
import { applyRecordingRetention } from '../src/recording/retention.js';
import { startFakeAyo, TEST_AYO } from './fixtures/fake-ayo.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { startIdReporter } from './fixtures/id-reporter.js';
import { videoRequest } from './fixtures/purchases.js';
import { pipelineFixture } from './fixtures/video-pipeline.js';

// 2025-04-10 23:59:30 in Jakarta (UTC+7).
const T0 = Date.UTC(2025, 3, 10, 16, 59, 30);
const HOUR = 3_600_000;
const CAM = { name: 'CAM_U', fieldId: 61, url: 'testsrc', enabled: true };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('videos whose footage is gone become unavailable, and AYO hears it', () => {
  it('12 delivered videos expire: 11 become unavailable and are reported in two signed calls (10 + 1); the one whose full video is in the bucket stays ready; a purchase of an unavailable one is incompleted', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const ayo = await startFakeAyo(TEST_AYO);
    cleanups.push(() => ayo.close());
    const f = pipelineFixture(tmp.dir, [CAM]);
    cleanups.push(() => void f.db.close());

    // 12 two-second bookings in 30 s of footage, cut, delivered; the last one's full video also went to the bucket
    // (FULL_VIDEO_UPLOAD=always).
    await f.record('CAM_U', T0, 30);
    const starts = Array.from({ length: 12 }, (_, i) => 32 + 2 * i);
    const uids = starts.map((s) => `BK-U${s}_CAM_U_20250410${`2359${s}`}`);
    for (const s of starts)
      f.booking({
        booking_id: `BK-U${s}`,
        date: '2025-04-10',
        start_time: `23:59:${s}`,
        end_time: `23:59:${s + 2}`,
        field_id: 61,
      });
    f.clock.now = T0 + 600_000;
    expect(f.scanner.scan().created).toBe(12);
    await f.drain();
    for (const uid of uids) f.deliver(uid);
    const inBucket = uids[11]!;
    createStoredObjects(f.db).add(inBucket, 'mp4', `https://cdn/${inBucket}.mp4`);
    const files = uids.flatMap((u) => {
      const v = f.video(u)!;
      return [v.file, v.preview_file, v.thumbnail_file] as string[];
    });
    for (const file of files) expect(fs.existsSync(file), file).toBe(true);

    // Past the files' retention (72 h) while the footage is still indexed: the files go, the videos stay ready (a
    // purchase could still be cut from the footage).
    f.clock.now = T0 + 74 * HOUR;
    expect(f.sweepFiles()).toEqual({ videos: 12, unavailable: 0, orphans: 0 });
    for (const file of files) expect(fs.existsSync(file), file).toBe(false);
    expect(new Set(f.videos().map((v) => v.status))).toEqual(new Set(['ready']));

    // The recording retention removes the footage: 11 videos have nothing left anywhere and become unavailable.
    const retention = applyRecordingRetention({
      camera: 'CAM_U',
      recordingsDir: f.deps.recordingsDir,
      segments: createSegmentsRepo(f.db),
      retentionHours: 72,
      minFreeDiskMb: 0,
      logger: f.log.logger,
      now: () => f.clock.now,
    });
    expect(retention.expired).toBe(15);
    expect(f.sweepFiles()).toEqual({ videos: 0, unavailable: 11, orphans: 0 });
    expect(f.sweepFiles()).toEqual({ videos: 0, unavailable: 0, orphans: 0 });
    const status = Object.fromEntries(f.videos().map((v) => [v.unique_id, [v.status, v.reason]]));
    const reason = 'its local files and footage were removed by retention, and its full video is not in the bucket';
    for (const uid of uids.slice(0, 11)) expect(status[uid]).toEqual(['unavailable', reason]);
    expect(status[inBucket]?.[0]).toBe('ready');
    const history = f.db
      .prepare(
        "SELECT e.status, e.reason FROM video_events e JOIN videos v ON v.id = e.video_id WHERE v.unique_id = ? AND e.status = 'unavailable'",
      )
      .all(uids[0]!);
    expect(history).toEqual([{ status: 'unavailable', reason }]);

    // The id-report jobs (NotifyActor's kind) post them to AYO: 10 + 1, signed, each id once.
    const reporter = startIdReporter(f.db, ayo.baseUrl);
    cleanups.push(() => reporter.stop());
    await waitFor(() => idReportCounts(f.db, 'video-unavailable').reported === 11, 'all 11 reported');
    const calls = ayo.answeredCalls('video-unavailable');
    expect(calls.map((c) => (c.params.unique_ids as string[]).length).sort((a, b) => a - b)).toEqual([1, 10]);
    const accepted = ayo.acceptedIds('video-unavailable');
    expect([...accepted.keys()].sort()).toEqual(uids.slice(0, 11).sort());
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    expect(ayo.calls.filter((c) => c.endpoint === 'video-unavailable' && !c.signatureValid)).toEqual([]);

    // A purchase of an unavailable video is answered incompleted.
    ayo.setVideoRequests([videoRequest('VR-GONE', uids[0]!, 'BK-U32')]);
    const intake = createPurchaseIntake({
      db: f.db,
      ayo: createAyoClient({ baseUrl: ayo.baseUrl, ...TEST_AYO, timeoutMs: 5_000 }),
      intervalMs: 60_000,
      minCoverage: 0.9,
      jobDelaysMs: [100, 200],
      logger: captureLogger('info').logger,
    });
    cleanups.push(() => intake.stop());
    await intake.poll();
    expect(createPurchasesRepo(f.db).get('VR-GONE')).toMatchObject({
      state: 'incompleted',
      reason: 'its footage was removed by retention',
    });
    await waitFor(() => ayo.acceptedIds('video-request-incompleted').get('VR-GONE') === 1, 'incompleted reported');
    expect(fs.readdirSync(path.join(f.deps.recordingsDir, 'CAM_U', 'day'))).toEqual([]);
  }, 120_000);
});
