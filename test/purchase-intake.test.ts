// The intake of purchase requests against the fake AYO and a real SQLite file, without the rest of the service: the
// lenient reading of AYO's list, the decision rules, bad answers that change nothing, and one row per request.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAyoClient } from '../src/ayo/index.js';
import { createPurchasesRepo, openDatabase, type Db } from '../src/db/index.js';
import { createPurchaseIntake } from '../src/purchase/index.js';
import { decide, parseVideoRequests } from '../src/purchase/decide.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { captureLogger, tempDir } from './fixtures/helpers.js';
import { finishCut, makeMp4, seedVideo, videoRequest } from './fixtures/purchases.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{
  dir: string;
  db: Db;
  ayo: FakeAyo;
  intake: ReturnType<typeof createPurchaseIntake>;
  lines: string[];
}> {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const ayo = await startFakeAyo(TEST_AYO);
  cleanups.push(() => ayo.close());
  const db = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
  cleanups.push(() => void db.close());
  const log = captureLogger('info');
  const intake = createPurchaseIntake({
    db,
    ayo: createAyoClient({ baseUrl: ayo.baseUrl, ...TEST_AYO, timeoutMs: 5_000 }),
    intervalMs: 60_000,
    minCoverage: 0.9,
    jobDelaysMs: [100, 200],
    logger: log.logger,
  });
  cleanups.push(() => intake.stop());
  return { dir: tmp.dir, db, ayo, intake, lines: log.lines };
}

const jobsOf = (db: Db, kind: string) =>
  db.prepare<[string], { dedupe_key: string }>('SELECT dedupe_key FROM jobs WHERE kind = ?').all(kind);

describe('purchase intake', { timeout: 60_000 }, () => {
  it('reads AYO lists leniently: wrapped lists, numeric ids, other statuses ignored, bad items named', () => {
    expect(parseVideoRequests(null)).toEqual({ requests: [], skipped: [] });
    const wrapped = parseVideoRequests({
      data: [{ video_request_id: 7, unique_id: 'U', booking_id: 'B', user_id: 3 }],
    });
    expect(wrapped.requests).toEqual([
      { videoRequestId: '7', uniqueId: 'U', bookingId: 'B', userId: '3', raw: expect.any(Object) },
    ]);
    const mixed = parseVideoRequests([
      videoRequest('A', 'U1'),
      { video_request_id: 'B', unique_id: 'U2', status: 'DONE' },
      { video_request_id: '', unique_id: 'U3' },
      'text',
    ]);
    expect(mixed.requests.map((r) => r.videoRequestId)).toEqual(['A']);
    expect(mixed.skipped).toEqual(['item 2 lacks a video_request_id or a unique_id', 'item 3 is not an object']);
    expect(() => parseVideoRequests({ unexpected: true })).toThrow(/not a list/);
  });

  it('decides by the video: unknown or cancelled invalid, gone or thin incompleted, being made waits', () => {
    const v = (over: Record<string, unknown>) =>
      ({ status: 'ready', file: '/f.mp4', coverage: 1, reason: null, ...over }) as never;
    const exists = () => true;
    expect(decide(undefined, 0.9, exists).kind).toBe('invalid');
    expect(decide(v({ status: 'cancelled' }), 0.9, exists).kind).toBe('invalid');
    expect(decide(v({ status: 'unavailable' }), 0.9, exists).kind).toBe('incompleted');
    expect(decide(v({}), 0.9, () => false).kind).toBe('incompleted');
    expect(decide(v({ coverage: 0.85 }), 0.9, exists)).toEqual({
      kind: 'incompleted',
      why: 'footage covers 85.0% of the booking, below 90%',
    });
    for (const status of ['pending', 'processing'])
      expect(decide(v({ status, file: null }), 0.9, exists).kind).toBe('wait');
    expect(decide(v({ status: 'failed', file: null, coverage: null }), 0.9, exists).kind).toBe('wait');
    expect(decide(v({ coverage: 0.9 }), 0.9, exists).kind).toBe('deliver');
  });

  it('bad answers from AYO change nothing and crash nothing; a good one afterwards is taken', async () => {
    const s = await setup();
    s.ayo.setVideoRequests([videoRequest('VR-1', 'NO-SUCH')]);
    for (const kind of ['not-a-list', 'malformed', 'error-envelope', 'html', '503'] as const) {
      s.ayo.fault({ kind, endpoint: 'video-requests', times: 1 });
      await s.intake.poll();
    }
    expect(createPurchasesRepo(s.db).list({ limit: 10 })).toEqual([]);
    expect(s.lines.filter((l) => l.includes('video-requests failed'))).toHaveLength(5);
    await s.intake.poll();
    expect(createPurchasesRepo(s.db).get('VR-1')).toMatchObject({
      state: 'invalid',
      reason: 'no video has this unique_id',
    });
  });

  it('records each request once: a waiting one is queued when its video is ready, and never queued twice', async () => {
    const s = await setup();
    const mp4 = makeMp4(path.join(s.dir, 'src.mp4'), 2);
    seedVideo(s.dir, { uniqueId: 'U-W', bookingId: 'BK/W', stage: 'pending' });
    s.ayo.setVideoRequests([videoRequest('VR-W', 'U-W', 'BK/W')]);
    await s.intake.poll();
    await s.intake.poll();
    const repo = createPurchasesRepo(s.db);
    expect(repo.get('VR-W')?.state).toBe('waiting');
    expect(jobsOf(s.db, 'purchase')).toEqual([]);
    finishCut(s.dir, 'U-W', mp4, 2);
    // AYO no longer lists it (a glitch): the waiting purchase is looked at all the same.
    s.ayo.setVideoRequests([]);
    await s.intake.poll();
    s.ayo.setVideoRequests([videoRequest('VR-W', 'U-W', 'BK/W')]);
    await s.intake.poll();
    await s.intake.poll();
    expect(repo.get('VR-W')?.state).toBe('queued');
    expect(jobsOf(s.db, 'purchase')).toEqual([{ dedupe_key: 'purchase:VR-W' }]);
    expect(repo.history('VR-W').map((h) => h.state)).toEqual(['waiting', 'queued']);
    expect(fs.existsSync(mp4)).toBe(true);
  });
});
