// A booking cancelled while its video is on the way: the upload or the notification that was running finishes, but
// the video stays cancelled, nothing further is queued, and an operator cannot bring it back.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryActorData, DeliveryEvent } from '../src/actors/delivery.messages.js';
import { createAyoClient } from '../src/ayo/index.js';
import { createJobsRepo, createVideosRepo, openDatabase, type Db } from '../src/db/index.js';
import { deliveryJobSpec, type DeliveryStage } from '../src/delivery/delivery-actor.js';
import { notifyStage } from '../src/delivery/notify.js';
import { uploadStage } from '../src/delivery/upload.js';
import { createJobRunner, createVideoLifecycle, retryJobByOperator } from '../src/pipeline/index.js';
import { createS3Store } from '../src/storage/index.js';
import { seedDeliverableVideos } from './fixtures/delivery.js';
import { startFakeAyo, TEST_AYO } from './fixtures/fake-ayo.js';
import { captureLogger, tempDir } from './fixtures/helpers.js';
import { startFakeS3 } from './fixtures/s3.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const jobDelays = { cut: [], upload: [60_000], notify: [60_000] };
function seeded(): { db: Db; uid: string } {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const [uid] = seedDeliverableVideos(tmp.dir, 1);
  const db = openDatabase(path.join(tmp.dir, 'venue-recorder.db'));
  cleanups.push(() => {
    db.close();
  });
  return { db, uid: uid! };
}
/** The scanner's cancel of a booking, as VideoActor applies it. */
const cancel = (db: Db, uid: string) => createVideoLifecycle({ db, jobDelays }).apply(uid, 'booking:cancelled');

/** Runs the stage's due jobs once, as its delivery actor would. */
async function runStage<K extends 'upload' | 'notify', R>(db: Db, stage: DeliveryStage<K, R>) {
  const log = captureLogger();
  const data = {
    jobDelays,
    quickDelaysMs: [],
    concurrency: 1,
    breaker: { threshold: 5, halfOpenAfterMs: 60_000 },
  } as unknown as DeliveryActorData;
  const events: DeliveryEvent[] = [];
  const ctx = { id: stage.kind, data, logger: log.logger, emit: (e: DeliveryEvent) => events.push(e) };
  const runner = createJobRunner(deliveryJobSpec(ctx, db, createVideoLifecycle({ db, jobDelays }), stage), {
    db,
    owner: 'test',
    logger: log.logger,
  });
  runner.pump();
  await runner.idle();
  return { log, events };
}

describe('a booking cancelled while its video is delivered', () => {
  it('an upload that finishes after the cancel announces nothing and queues no notification', async () => {
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());
    const { db, uid } = seeded();
    const real = createS3Store(s3.config);
    let puts = 0;
    // The booking is cancelled (its files go with it) while the objects go up.
    const store = {
      ...real,
      put: async (...a: Parameters<typeof real.put>) => {
        if (puts++ === 0) cancel(db, uid);
        return real.put(...a);
      },
    };
    const { log } = await runStage(db, uploadStage({ store, keyPrefix: '' }));
    expect(createVideosRepo(db).get(uid)).toMatchObject({ status: 'cancelled', mp4_url: null, file: null });
    expect(createJobsRepo(db).pending('notify')).toEqual([]);
    expect(createJobsRepo(db).pending('upload')).toEqual([]);
    expect(log.lines.some((l) => l.includes(`${uid} was cancelled when its upload finished; not announced`))).toBe(
      true,
    );
    expect(log.lines.filter((l) => l.includes('❌ ERROR'))).toEqual([]);
  });

  it('a notification AYO accepts after the cancel leaves the video cancelled', async () => {
    const ayo = await startFakeAyo(TEST_AYO);
    cleanups.push(() => ayo.close());
    const { db, uid } = seeded();
    const urls = { mp4: 'https://cdn/a.mp4', preview: 'https://cdn/a_preview.mp4', thumbnail: 'https://cdn/a.jpg' };
    createJobsRepo(db).claim('upload', 'test', 60_000, Date.now());
    expect(createVideoLifecycle({ db, jobDelays }).apply(uid, 'upload:done', { urls }).moved).toBe(true);
    const real = createAyoClient({ ...TEST_AYO, baseUrl: ayo.baseUrl, timeoutMs: 2_000 });
    const client = {
      ...real,
      call: async (...a: Parameters<typeof real.call>) => {
        const r = await real.call(...a);
        cancel(db, uid);
        return r;
      },
    };
    const { log } = await runStage(db, notifyStage(client, 'Asia/Jakarta'));
    expect(ayo.calls.filter((c) => c.endpoint === 'save-video-available')).toHaveLength(1);
    expect(createVideosRepo(db).get(uid)?.status).toBe('cancelled');
    expect(log.lines.some((l) => l.includes(`AYO accepted ${uid}, but its video was cancelled meanwhile`))).toBe(true);
  });

  it('an operator retry does not bring back the video of a cancelled booking', () => {
    const { db, uid } = seeded();
    const job = createJobsRepo(db).pending('upload')[0]!;
    cancel(db, uid);
    const lifecycle = createVideoLifecycle({ db, jobDelays });
    expect(retryJobByOperator(db, lifecycle, job.id, Date.now())).toEqual({ refused: 'its booking was cancelled' });
    expect(createVideosRepo(db).get(uid)?.status).toBe('cancelled');
    expect(createJobsRepo(db).get(job.id)?.status).toBe('cancelled');
  });
});
