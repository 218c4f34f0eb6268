// Two bookings whose ids read alike once made safe (`BK/1` and `BK-1`, `BK.1` and `BK_1`) on one field at one start
// each get their own video: AYO lists them, the sync stores them, the scanner makes one video per booking and camera.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAyoClient } from '../src/ayo/index.js';
import { createBookingSync } from '../src/sync/index.js';
import { createAyoBookingSource } from '../src/sync/index.js';
import { createResilience } from '../src/util/resilience.js';
import { resolveUniqueId, videoUniqueId, withBookingSuffix } from '../src/video/unique-id.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { tempDir } from './fixtures/helpers.js';
import { pipelineFixture } from './fixtures/video-pipeline.js';

const TZ = 'Asia/Jakarta';
// 2025-04-10 12:00 in Jakarta: the bookings below (10:00–11:00) are over and due for their videos.
const NOW = Date.UTC(2025, 3, 10, 5, 0, 0);
const CAMS = [
  { name: 'CAM_A', fieldId: 50, url: 'testsrc', enabled: true },
  { name: 'CAM_B', fieldId: 50, url: 'testsrc', enabled: true },
];

let ayo: FakeAyo;
beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
});
afterAll(() => ayo.close());

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
  ayo.clearBookings();
});
afterEach(() => tmp.cleanup());

/** Lists `ids` at AYO for 2025-04-10 on field 50, 10:00–11:00, syncs them into the fixture's database and scans. */
async function syncAndScan(ids: string[]) {
  const f = pipelineFixture(tmp.dir, CAMS, { timeZone: TZ });
  f.clock.now = NOW;
  ayo.setBookings(
    '2025-04-10',
    ids.map((booking_id) => ayoBooking({ booking_id, start_time: '10:00:00', end_time: '11:00:00' })),
  );
  const sync = createBookingSync({
    db: f.db,
    source: createAyoBookingSource(
      createAyoClient({ ...TEST_AYO, baseUrl: ayo.baseUrl, timeoutMs: 10_000 }),
      createResilience({ name: 'AYO', maxAttempts: 1 }, f.log.logger),
    ),
    timeZone: TZ,
    daysBack: 0,
    daysAhead: 0,
    logger: f.log.logger,
    now: () => new Date(f.clock.now),
  });
  const record = await sync.run('test');
  expect(record).toMatchObject({ created: ids.length, failedDates: [] });
  const scanned = f.scanner.scan();
  return { f, scanned };
}

describe('video unique ids', () => {
  it.each([
    ['BK/1', 'BK-1'],
    ['BK.1', 'BK_1'],
  ])('%s and %s at one start on one field each get a video per camera, with distinct ids', async (first, second) => {
    const { f, scanned } = await syncAndScan([first, second]);
    expect(scanned.created).toBe(4);
    const videos = f.videos().map((v) => [v.booking_id, v.camera, v.unique_id]);
    const base = (camera: string) => videoUniqueId(first, camera, Date.UTC(2025, 3, 10, 3), TZ, 'full');
    expect(base('CAM_A')).toMatch(/^BK.1_CAM_A_20250410100000$/);
    // Per camera: one booking keeps today's form, the other (whose id would take the same) gets its own suffix.
    for (const camera of ['CAM_A', 'CAM_B']) {
      const mine = videos.filter((v) => v[1] === camera);
      const plain = mine.find((v) => v[2] === base(camera));
      expect(plain).toBeDefined();
      const other = mine.find((v) => v !== plain)!;
      expect(other[0]).not.toBe(plain![0]);
      expect(other[2]).toBe(withBookingSuffix(base(camera), other[0]));
    }
    expect(videos.map((v) => v[0]).sort()).toEqual([first, first, second, second].sort());
    expect(new Set(videos.map((v) => v[2])).size).toBe(4);
    // Scanning again changes nothing: each booking finds its own videos under the ids it holds.
    expect(f.scanner.scan()).toEqual({ created: 0, cancelled: 0 });
    expect(f.videos()).toHaveLength(4);
    f.db.close();
  });

  it('a booking alone keeps the id of today', async () => {
    const { f } = await syncAndScan(['BK/0042/250410/0000001']);
    expect(f.videos().map((v) => v.unique_id)).toEqual([
      'BK-0042-250410-0000001_CAM_A_20250410100000',
      'BK-0042-250410-0000001_CAM_B_20250410100000',
    ]);
    f.db.close();
  });

  it('resolves to the id a booking already holds, whichever form it is', () => {
    const held = new Map<string, string>();
    const holderOf = (id: string) => held.get(id);
    expect(resolveUniqueId('X_CAM_1', 'X/1', holderOf)).toBe('X_CAM_1');
    held.set('X_CAM_1', 'X.1');
    const suffixed = resolveUniqueId('X_CAM_1', 'X/1', holderOf);
    expect(suffixed).toMatch(/^X_CAM_1_b[0-9a-f]{8}$/);
    held.set(suffixed, 'X/1');
    // Even were the plain id freed, the booking keeps the suffixed one it holds.
    held.delete('X_CAM_1');
    expect(resolveUniqueId('X_CAM_1', 'X/1', holderOf)).toBe(suffixed);
    expect(resolveUniqueId('X_CAM_1', 'X.1', holderOf)).toBe('X_CAM_1');
  });
});
