// The bucket's lifecycle (issue 13.2): BUCKET_RETENTION_DAYS by the store's own lifecycle rule where it accepts one,
// else by the service's durable `bucket-delete` jobs; a cancelled booking's objects deleted; each deletion recorded
// on the video. s3rver answers lifecycle calls NotImplemented, so the job path runs against it, objects checked in the
// bucket; the rule path runs the real SDK against a small S3 lifecycle endpoint that keeps the documents it is sent.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PutBucketLifecycleConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/db/index.js';
import {
  applyBucketRetention,
  bucketDeleteJobSpec,
  dueBucketDeletes,
  type BucketRetention,
} from '../src/delivery/bucket-retention.js';
import { createStoredObjects } from '../src/delivery/stored-objects.js';
import { createJobRunner, createVideoLifecycle } from '../src/pipeline/index.js';
import { RETENTION_RULE_ID, retentionRule, retentionRuleIn, withRetentionRule } from '../src/storage/bucket-rules.js';
import { createS3Store, type ObjectStore } from '../src/storage/index.js';
import { startFakeS3 } from './fixtures/s3.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const DAY = 86_400_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the lifecycle rule document', () => {
  it('expires objects under S3_KEY_PREFIX after the days, keeps every other rule of the bucket, and reads back', () => {
    expect(retentionRule('venue-7/', 30)).toEqual({
      ID: RETENTION_RULE_ID,
      Status: 'Enabled',
      Filter: { Prefix: 'venue-7/' },
      Expiration: { Days: 30 },
    });
    expect(() => retentionRule('', 0)).toThrow(/whole days/);
    const theirs = { ID: 'logs', Status: 'Enabled' as const, Filter: { Prefix: 'logs/' }, Expiration: { Days: 7 } };
    const ours = retentionRule('old/', 90);
    expect(withRetentionRule([theirs, ours], 'venue-7/', 30)).toEqual([theirs, retentionRule('venue-7/', 30)]);
    expect(withRetentionRule([ours, theirs], '', 0)).toEqual([theirs]);
    expect(retentionRuleIn([theirs, retentionRule('venue-7/', 30)])).toEqual({ prefix: 'venue-7/', days: 30 });
    expect(retentionRuleIn([theirs, { ...ours, Status: 'Disabled' }])).toBeUndefined();
  });
});

/** A database with `n` delivered videos whose preview, thumbnail and a purchase rendition are in `store`. */
async function deliveredVideos(db: Db, store: ObjectStore, dir: string, uids: string[]) {
  const lifecycle = createVideoLifecycle({ db, jobDelays: { cut: [], upload: [], notify: [] } });
  const stored = createStoredObjects(db);
  const file = path.join(dir, 'object.bin');
  fs.writeFileSync(file, 'x'.repeat(1024));
  for (const uid of uids) {
    lifecycle.create({
      unique_id: uid,
      booking_id: `BK-${uid}`,
      camera: 'CAM_B',
      field_id: 1,
      type: 'full',
      window_start_ms: 0,
      window_end_ms: 60_000,
    });
    for (const key of [`mp4/${uid}_preview.mp4`, `mp4/${uid}_thumbnail.jpg`, `hls/${uid}/720p/playlist.m3u8`])
      await store.put(key, file, 'application/octet-stream');
    stored.add(uid, 'preview', store.publicUrl(`mp4/${uid}_preview.mp4`));
    stored.add(uid, 'thumbnail', store.publicUrl(`mp4/${uid}_thumbnail.jpg`));
  }
  return lifecycle;
}

const uploadedAt = (db: Db, uid: string, ms: number) =>
  db.prepare('UPDATE videos SET bucket_uploaded_at_ms = ? WHERE unique_id = ?').run(ms, uid);
const bucketOf = (db: Db, uid: string) =>
  db
    .prepare(
      'SELECT status, stored_objects, bucket_deleted_at_ms, bucket_deleted_reason FROM videos WHERE unique_id = ?',
    )
    .get(uid) as Record<string, unknown>;

describe('bucket retention against s3rver (no lifecycle rules: the job path)', { timeout: 60_000 }, () => {
  it('falls back to the service, deletes each video past its days (renditions too) and a cancelled booking’s objects, and records why', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());
    const store = createS3Store(s3.config);
    const db = openDatabase(path.join(tmp.dir, 'db.sqlite'));
    cleanups.push(() => void db.close());

    const retention = await applyBucketRetention(store, '', 30);
    expect(retention).toMatchObject({ mode: 'service', days: 30 });
    expect((retention as { why: string }).why).toMatch(/refused a lifecycle rule: .*NotImplemented/);

    const lifecycle = await deliveredVideos(db, store, tmp.dir, ['OLD', 'YOUNG', 'CANCELLED', 'REVIVED']);
    const now = Date.now();
    uploadedAt(db, 'OLD', now - 31 * DAY);
    uploadedAt(db, 'YOUNG', now - 10 * DAY);
    expect(lifecycle.apply('CANCELLED', 'booking:cancelled').moved).toBe(true);
    expect(lifecycle.apply('REVIVED', 'booking:cancelled').moved).toBe(true);
    expect((await store.list('')).length).toBe(12);

    const { logger, lines } = captureLogger('info');
    const runner = createJobRunner(
      bucketDeleteJobSpec({
        db,
        store,
        keyPrefix: '',
        logger,
        delaysMs: [100],
        quickDelaysMs: [],
        breaker: { threshold: 100, halfOpenAfterMs: 100 },
        days: 30,
      }),
      { db, owner: 'test', logger },
    );
    cleanups.push(() => runner.stop());
    // The sweep queues the cancelled videos with objects and the video past 30 days, once.
    expect(dueBucketDeletes(db, retention, now)).toBe(3);
    expect(dueBucketDeletes(db, retention, now)).toBe(3);
    // One booking is reinstated before its deletion runs: its objects stay.
    expect(lifecycle.apply('REVIVED', 'booking:eligible', { window: { startMs: 0, endMs: 60_000 } }).moved).toBe(true);
    const timer = setInterval(() => runner.pump(), 50);
    cleanups.push(() => clearInterval(timer));
    const done = () =>
      (
        db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'bucket-delete' AND status = 'done'").get() as {
          n: number;
        }
      ).n;
    await waitFor(() => done() === 3, 'the three deletion jobs done');

    expect(await store.list('')).toEqual([
      'hls/REVIVED/720p/playlist.m3u8',
      'hls/YOUNG/720p/playlist.m3u8',
      'mp4/REVIVED_preview.mp4',
      'mp4/REVIVED_thumbnail.jpg',
      'mp4/YOUNG_preview.mp4',
      'mp4/YOUNG_thumbnail.jpg',
    ]);
    expect(bucketOf(db, 'OLD')).toMatchObject({
      stored_objects: '',
      bucket_deleted_reason: 'BUCKET_RETENTION_DAYS: 30 days after its last upload',
    });
    expect(bucketOf(db, 'CANCELLED')).toMatchObject({
      status: 'cancelled',
      stored_objects: '',
      bucket_deleted_reason: 'its booking was cancelled',
    });
    expect(bucketOf(db, 'REVIVED')).toMatchObject({ status: 'pending', bucket_deleted_at_ms: null });
    expect(bucketOf(db, 'YOUNG')).toMatchObject({ stored_objects: 'preview,thumbnail', bucket_deleted_at_ms: null });
    expect(lines.filter((l) => l.includes('🗑️ BUCKET: deleted'))).toHaveLength(2);
    // Nothing more is due; a deleted video is not queued again.
    expect(dueBucketDeletes(db, retention, now)).toBe(0);
    const jobs = db
      .prepare("SELECT status, COUNT(*) AS n FROM jobs WHERE kind = 'bucket-delete' GROUP BY status")
      .all();
    expect(jobs).toEqual([{ status: 'done', n: 3 }]);
  });
});

/** The rules of a lifecycle document as the bucket got it (the SDK's element order is its own). */
const rulesIn = (xml: string) =>
  [...xml.matchAll(/<Rule>(.*?)<\/Rule>/gs)].map(([, rule]) => {
    const el = (name: string) => new RegExp(`<${name}>(.*?)</${name}>`, 's').exec(rule!)?.[1];
    return { id: el('ID'), status: el('Status'), prefix: el('Prefix'), days: el('Days') };
  });

/** An S3 endpoint that keeps the lifecycle configuration it is sent (XML, as the SDK writes it) and nothing else. */
async function lifecycleEndpoint() {
  let document: string | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!new URL(req.url!, 'http://x').searchParams.has('lifecycle')) res.writeHead(501).end();
      else if (req.method === 'PUT') {
        document = Buffer.concat(chunks).toString('utf8');
        res.writeHead(200).end();
      } else if (req.method === 'DELETE') {
        document = undefined;
        res.writeHead(204).end();
      } else if (document === undefined)
        res
          .writeHead(404, { 'content-type': 'application/xml' })
          .end('<Error><Code>NoSuchLifecycleConfiguration</Code><Message>none</Message></Error>');
      else res.writeHead(200, { 'content-type': 'application/xml' }).end(document);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    document: () => document,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('bucket retention where the store accepts lifecycle rules', { timeout: 60_000 }, () => {
  it('writes one rule scoped to S3_KEY_PREFIX beside the bucket’s own, reads it back, removes it at 0 days; the service then only records the deletions', async () => {
    const ep = await lifecycleEndpoint();
    cleanups.push(() => ep.close());
    const config = {
      endpoint: ep.endpoint,
      region: 'auto',
      bucket: 'videos',
      accessKeyId: 'KEY',
      secretAccessKey: 'SECRET',
      forcePathStyle: true,
      keyPrefix: 'venue-7/',
      publicBaseUrl: `${ep.endpoint}/videos`,
    };
    const store = createS3Store(config);
    const sdk = new S3Client({
      endpoint: ep.endpoint,
      region: 'auto',
      forcePathStyle: true,
      credentials: { accessKeyId: 'KEY', secretAccessKey: 'SECRET' },
    });
    await sdk.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: 'videos',
        LifecycleConfiguration: {
          Rules: [{ ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 7 } }],
        },
      }),
    );
    const retention: BucketRetention = await applyBucketRetention(store, 'venue-7/', 30);
    expect(retention).toEqual({ mode: 'rule', days: 30, prefix: 'venue-7/' });
    expect(rulesIn(ep.document()!)).toEqual([
      { id: 'logs', status: 'Enabled', prefix: 'logs/', days: '7' },
      { id: RETENTION_RULE_ID, status: 'Enabled', prefix: 'venue-7/', days: '30' },
    ]);
    expect(await store.expiry!.get()).toEqual({ prefix: 'venue-7/', days: 30 });

    // The rule deletes; the service records it once the rule's day has passed, and queues no job.
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const db = openDatabase(path.join(tmp.dir, 'db.sqlite'));
    cleanups.push(() => void db.close());
    const lifecycle = createVideoLifecycle({ db, jobDelays: { cut: [], upload: [], notify: [] } });
    for (const uid of ['R-OLD', 'R-DUE']) {
      lifecycle.create({
        unique_id: uid,
        booking_id: uid,
        camera: 'C',
        field_id: 1,
        type: 'full',
        window_start_ms: 0,
        window_end_ms: 1,
      });
      createStoredObjects(db).add(uid, 'preview', 'https://cdn/p.mp4');
    }
    const now = Date.now();
    uploadedAt(db, 'R-OLD', now - 32 * DAY);
    uploadedAt(db, 'R-DUE', now - 30.5 * DAY);
    expect(dueBucketDeletes(db, retention, now)).toBe(1);
    expect(bucketOf(db, 'R-OLD')).toMatchObject({
      stored_objects: '',
      bucket_deleted_reason: "deleted by the bucket's lifecycle rule, 30 days after upload",
    });
    expect(bucketOf(db, 'R-DUE')).toMatchObject({ stored_objects: 'preview', bucket_deleted_at_ms: null });
    expect(db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'bucket-delete'").get()).toEqual({ n: 0 });

    // BUCKET_RETENTION_DAYS=0 removes only ours.
    expect(await applyBucketRetention(store, 'venue-7/', 0)).toEqual({ mode: 'off' });
    expect(rulesIn(ep.document()!)).toEqual([{ id: 'logs', status: 'Enabled', prefix: 'logs/', days: '7' }]);
  });
});
