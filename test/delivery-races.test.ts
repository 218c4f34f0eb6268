// A booking cancelled while its video is on the way: the upload or the notification that was running finishes, but
// the video stays cancelled, nothing further is queued, and an operator cannot bring it back.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAyoClient } from '../src/ayo/index.js';
import { createJobsRepo, createQueueRepo, createVideosRepo, openDatabase, type Db } from '../src/db/index.js';
import { notifyVideo } from '../src/delivery/notify.js';
import { uploadVideo } from '../src/delivery/upload.js';
import { createS3Store } from '../src/storage/index.js';
import { seedDeliverableVideos } from './fixtures/delivery.js';
import { startFakeAyo, TEST_AYO } from './fixtures/fake-ayo.js';
import { captureLogger, tempDir } from './fixtures/helpers.js';
import { startFakeS3 } from './fixtures/s3.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

function seeded(): { db: Db; uid: string } {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const [uid] = seedDeliverableVideos(tmp.dir, 1);
  const db = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
  cleanups.push(() => { db.close(); });
  return { db, uid: uid! };
}
const cancel = (db: Db, uid: string) => {
  const videos = createVideosRepo(db);
  videos.setStatus(videos.get(uid)!.id, 'cancelled', 'Booking cancelled via API', new Date().toISOString());
};

describe('a booking cancelled while its video is delivered', () => {
  it('an upload that finishes after the cancel announces nothing and queues no notification', async () => {
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());
    const { db, uid } = seeded();
    const real = createS3Store(s3.config);
    let puts = 0;
    // The booking is cancelled while the objects go up.
    const store = { ...real, put: async (...a: Parameters<typeof real.put>) => { if (puts++ === 0) cancel(db, uid); return real.put(...a); } };
    const job = createJobsRepo(db).claim('upload', 'test', 60_000, Date.now())!;
    const log = captureLogger();
    await uploadVideo({ db, store, keyPrefix: '', logger: log.logger, notifyAttempts: 4 }, job, new AbortController().signal);
    expect(createVideosRepo(db).get(uid)).toMatchObject({ status: 'cancelled', mp4_url: null });
    expect(createJobsRepo(db).pending('notify')).toEqual([]);
    expect(log.lines.some((l) => l.includes(`${uid} was cancelled when its upload finished; not announced`))).toBe(true);
  });

  it('a notification AYO accepts after the cancel leaves the video cancelled', async () => {
    const ayo = await startFakeAyo(TEST_AYO);
    cleanups.push(() => ayo.close());
    const { db, uid } = seeded();
    const videos = createVideosRepo(db);
    videos.setStatus(videos.get(uid)!.id, 'notifying', null, new Date().toISOString());
    const job = createJobsRepo(db).enqueue({ kind: 'notify', payload: { uniqueId: uid }, dedupeKey: `notify:${uid}`, maxAttempts: 4, runAtMs: Date.now() }, new Date().toISOString());
    const real = createAyoClient({ ...TEST_AYO, baseUrl: ayo.baseUrl, timeoutMs: 2_000 });
    const client = { ...real, call: async (...a: Parameters<typeof real.call>) => { const r = await real.call(...a); cancel(db, uid); return r; } };
    const log = captureLogger();
    await notifyVideo({ db, ayo: client, timeZone: 'Asia/Jakarta', logger: log.logger }, job, new AbortController().signal);
    expect(videos.get(uid)?.status).toBe('cancelled');
    expect(log.lines.some((l) => l.includes(`AYO accepted ${uid}, but its video was cancelled meanwhile`))).toBe(true);
  });

  it('an operator retry does not bring back the video of a cancelled booking', () => {
    const { db, uid } = seeded();
    cancel(db, uid);
    const job = createJobsRepo(db).pending('upload')[0]!;
    expect(createQueueRepo(db).retry(job.id, Date.now())).toEqual({ refused: 'its video was cancelled with its booking' });
    expect(createVideosRepo(db).get(uid)?.status).toBe('cancelled');
  });
});
