// Benchmark of draining the upload queue after an outage: 500 queued videos (mp4, preview and thumbnail each) sent
// to s3rver by the real job runner and uploadVideo, against a bare loop of PutObject calls for the same files.
//
// The service side is the real code path: seedDeliverableVideos leaves 500 `uploading` videos with their files and
// upload jobs (what the pipeline leaves behind while the object store is offline), then createJobRunner with
// uploadVideo over createS3Store drains them, 4 at once, pumped until no upload job is pending or running. Each
// object is a HeadObject (skip if already there), the upload (lib-storage; one PutObject for a small file) and a
// HeadObject (size check); then the video moves to `notifying` with its notify job queued, in one transaction.
// The baseline is the least the same delivery can be: one PutObject per object, the objects of a video in turn,
// 4 videos at once, the same client settings, under a fresh key prefix. A breakdown run (once) adds the service's
// two HeadObject per object to the bare loop, to tell the cost of the extra requests from that of the runner,
// lib-storage and SQLite. Requests are counted on node:http's client diagnostics channel. s3rver runs in this
// process (as in the tests), so its work shares the event loop with every side alike. Ratios matter; absolute
// rates depend on the machine (and on a real object store's latency, which makes every extra request cost more).
//
// Run: npm run bench:drain

import diagnosticsChannel from 'node:diagnostics_channel';
import fs from 'node:fs';
import type { ClientRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HeadObjectCommand, ListObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { openDatabase, type Db } from '../src/db/index.js';
import type { DeliveryActorData, DeliveryEvent } from '../src/actors/delivery.messages.js';
import { deliveryJobSpec } from '../src/delivery/delivery-actor.js';
import { uploadStage } from '../src/delivery/upload.js';
import { createJobRunner, createVideoLifecycle } from '../src/pipeline/index.js';
import { silentLogger } from '../src/log.js';
import { createS3Store, videoObjectKeys, type ObjectStore } from '../src/storage/index.js';
import { seedDeliverableVideos } from '../test/fixtures/delivery.js';
import { startFakeS3, type FakeS3 } from '../test/fixtures/s3.js';
import { fmt, median, verdict } from './stats.js';

const VIDEOS = 500;
const WARMUP_VIDEOS = 150;
const REPEATS = 3;
const CONCURRENCY = 4;
const SIZES = { mp4: 20_000, preview: 5_000, thumbnail: 2_000 } as const;
const PARTS = ['mp4', 'preview', 'thumbnail'] as const;
const TYPES = { mp4: 'video/mp4', preview: 'video/mp4', thumbnail: 'image/jpeg' } as const;
const TARGET_SHARE = 0.8;
const BREAKDOWN_RUN = 1;

type Part = (typeof PARTS)[number];
interface VideoFiles {
  uniqueId: string;
  files: Record<Part, string>;
}
interface Batch {
  dataDir: string;
  videos: VideoFiles[];
}

/** HTTP requests by method, counted on node:http's client channel (the AWS SDK sends through node:http). */
const requests = new Map<string, number>();
diagnosticsChannel.subscribe('http.client.request.start', (message) => {
  const method = (message as { request: ClientRequest }).request.method;
  requests.set(method, (requests.get(method) ?? 0) + 1);
});
const takeRequests = (): Map<string, number> => {
  const counted = new Map(requests);
  requests.clear();
  return counted;
};

/** Seeds `count` queued uploads in a fresh data directory, files resized to SIZES; returns their files. */
function seedBatch(root: string, name: string, count: number): Batch {
  const dataDir = path.join(root, name);
  seedDeliverableVideos(dataDir, count, { mp4Bytes: SIZES.mp4, prefix: `BK-${name}` });
  const db = openDatabase(path.join(dataDir, 'venue-recorder.db'));
  try {
    const videos = db
      .prepare<[], { unique_id: string; file: string; preview_file: string; thumbnail_file: string }>(
        "SELECT unique_id, file, preview_file, thumbnail_file FROM videos WHERE status = 'uploading' ORDER BY id",
      )
      .all();
    if (videos.length !== count) throw new Error(`seeded ${videos.length} uploading videos, expected ${count}`);
    return {
      dataDir,
      videos: videos.map((v, i) => {
        // The fixture writes a 50 KB preview and a 5 KB thumbnail; make them the sizes of this benchmark.
        fs.writeFileSync(v.preview_file, Buffer.alloc(SIZES.preview, i + 2));
        fs.writeFileSync(v.thumbnail_file, Buffer.alloc(SIZES.thumbnail, i + 3));
        return { uniqueId: v.unique_id, files: { mp4: v.file, preview: v.preview_file, thumbnail: v.thumbnail_file } };
      }),
    };
  } finally {
    db.close();
  }
}

/** The real drain: the job runner with uploadVideo, pumped until no upload job is pending or running. Returns ms. */
async function realDrain(store: ObjectStore, batch: Batch, keyPrefix: string): Promise<number> {
  const db = openDatabase(path.join(batch.dataDir, 'venue-recorder.db'));
  try {
    const failures: string[] = [];
    const jobDelays = { cut: [], upload: [100], notify: [100] };
    const data = {
      jobDelays,
      quickDelaysMs: [10],
      concurrency: CONCURRENCY,
      breaker: { threshold: 1000, halfOpenAfterMs: 1000 },
    } as unknown as DeliveryActorData;
    const ctx = {
      id: 'upload',
      data,
      logger: silentLogger,
      emit: (e: DeliveryEvent) => {
        if (e.type === 'delivery:failed') failures.push(`${e.uniqueId}${e.final ? ' (dead)' : ''}: ${e.reason}`);
      },
    };
    // The real path: the upload stage as UploadActor runs it, its lifecycle moving each video to `notifying`.
    const spec = deliveryJobSpec(ctx, db, createVideoLifecycle({ db, jobDelays }), uploadStage({ store, keyPrefix }));
    const runner = createJobRunner(spec, { db, owner: 'bench', logger: silentLogger });
    const open = db.prepare<[], { n: number }>(
      "SELECT count(*) AS n FROM jobs WHERE kind = 'upload' AND status IN ('pending', 'running')",
    );
    const t0 = performance.now();
    // The outage ends: the runner is told the store is back, as ConnectivityActor tells UploadActor.
    runner.setOnline(false);
    runner.setOnline(true);
    for (;;) {
      const started = runner.pump();
      // Only when nothing runs and nothing started can the queue be empty (or waiting out a retry delay).
      if (started === 0 && runner.active === 0 && open.get()!.n === 0) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const ms = performance.now() - t0;
    await runner.idle();
    expectDelivered(db, batch.videos.length, failures);
    return ms;
  } finally {
    db.close();
  }
}

/** Every video moved to `notifying` with its notify job queued; no upload failed, not even once. */
function expectDelivered(db: Db, count: number, failures: readonly string[]): void {
  if (failures.length > 0) throw new Error(`${failures.length} upload failures, first: ${failures[0]}`);
  const notifying = db
    .prepare<[], { n: number }>("SELECT count(*) AS n FROM videos WHERE status = 'notifying' AND mp4_url IS NOT NULL")
    .get()!.n;
  const done = db
    .prepare<[], { n: number }>(
      "SELECT count(*) AS n FROM jobs WHERE kind = 'upload' AND status = 'done' AND attempts = 1",
    )
    .get()!.n;
  const notify = db
    .prepare<[], { n: number }>("SELECT count(*) AS n FROM jobs WHERE kind = 'notify' AND status = 'pending'")
    .get()!.n;
  if (notifying !== count || done !== count || notify !== count) {
    throw new Error(
      `after the drain: ${notifying} videos notifying, ${done} upload jobs done at the first attempt, ${notify} notify jobs queued; expected ${count}`,
    );
  }
}

/**
 * The baseline: one PutObject per object, objects of a video in turn, CONCURRENCY videos at once. Returns ms.
 * With `heads`, it also sends the service's HeadObject before and after each put (a breakdown, not the target's
 * baseline): what the extra requests cost on their own, without the runner, lib-storage and SQLite.
 */
async function bareDrain(
  client: S3Client,
  bucket: string,
  batch: Batch,
  keyPrefix: string,
  heads = false,
): Promise<number> {
  const head = async (key: string): Promise<number | undefined> => {
    try {
      return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength;
    } catch (e) {
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw e;
    }
  };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < batch.videos.length; i = next++) {
      const v = batch.videos[i]!;
      const keys = videoObjectKeys(keyPrefix, v.uniqueId);
      for (const part of PARTS) {
        const body = await fs.promises.readFile(v.files[part]);
        if (heads && (await head(keys[part])) === body.length) continue;
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: keys[part],
            Body: body,
            ContentType: TYPES[part],
            ContentLength: body.length,
          }),
        );
        if (heads && (await head(keys[part])) !== body.length) throw new Error(`${keys[part]} not stored`);
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - t0;
}

/** Objects and bytes stored under `prefix` (listed after the timing, as a check of both sides). ListObjects (v1)
 * because s3rver answers ListObjectsV2 over a large prefix with a 500. */
async function listed(client: S3Client, bucket: string, prefix: string): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  let marker: string | undefined;
  for (;;) {
    const page = await client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: marker }));
    const contents = page.Contents ?? [];
    for (const o of contents) {
      objects++;
      bytes += o.Size ?? 0;
    }
    marker = contents[contents.length - 1]?.Key;
    if (!page.IsTruncated || marker === undefined) return { objects, bytes };
  }
}

const perVideo = (counted: Map<string, number>, videos: number) =>
  [...counted]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([m, n]) => `${fmt(n / videos, 1)} ${m}`)
    .join(' + ');
const total = (counted: Map<string, number>) => [...counted.values()].reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-drain-'));
  let s3: FakeS3 | undefined;
  let client: S3Client | undefined;
  try {
    s3 = await startFakeS3({ dir: path.join(root, 's3') });
    const cfg = s3.config;
    const store = createS3Store(cfg); // one store for the run, as UploadActor creates one
    // The baseline's client: the same settings as createS3Store's.
    client = new S3Client({
      endpoint: cfg.endpoint,
      region: cfg.region,
      forcePathStyle: cfg.forcePathStyle,
      credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
      maxAttempts: 1,
      requestHandler: { requestTimeout: 60_000, connectionTimeout: 10_000 },
    });

    // Warm-up (JIT, connections, s3rver's bucket), not timed: a short drain of each side.
    const warm = seedBatch(root, 'warm', WARMUP_VIDEOS);
    await realDrain(store, warm, 'warm-real/');
    await bareDrain(client, cfg.bucket, warm, 'warm-bare/');
    await bareDrain(client, cfg.bucket, warm, 'warm-heads/', true);
    takeRequests();

    const real: number[] = [];
    const bare: number[] = [];
    const heads: number[] = [];
    let realRequests = new Map<string, number>();
    let bareRequests = new Map<string, number>();
    let headsRequests = new Map<string, number>();
    let checked = 0;
    for (let r = 0; r < REPEATS; r++) {
      const batch = seedBatch(root, `r${r}`, VIDEOS);
      const runReal = async () => {
        takeRequests();
        real.push(await realDrain(store, batch, `real-${r}/`));
        realRequests = takeRequests();
      };
      const runBare = async () => {
        takeRequests();
        bare.push(await bareDrain(client!, cfg.bucket, batch, `bare-${r}/`));
        bareRequests = takeRequests();
      };
      const runHeads = async () => {
        takeRequests();
        heads.push(await bareDrain(client!, cfg.bucket, batch, `heads-${r}/`, true));
        headsRequests = takeRequests();
      };
      // Alternate which side goes first so that neither always meets a fuller s3rver directory.
      if (r % 2 === 0) {
        await runReal();
        await runBare();
      } else {
        await runBare();
        await runReal();
      }
      // The breakdown runs once (in the middle repetition) to keep the script short.
      const sides = r === BREAKDOWN_RUN ? ['real', 'bare', 'heads'] : ['real', 'bare'];
      if (r === BREAKDOWN_RUN) await runHeads();
      for (const side of sides) {
        const got = await listed(client, cfg.bucket, `${side}-${r}/`);
        const bytes = VIDEOS * (SIZES.mp4 + SIZES.preview + SIZES.thumbnail);
        if (got.objects !== VIDEOS * PARTS.length || got.bytes !== bytes) {
          throw new Error(
            `${side} run ${r}: ${got.objects} objects, ${got.bytes} bytes stored; expected ${VIDEOS * PARTS.length}, ${bytes}`,
          );
        }
        checked++;
      }
      takeRequests();
      fs.rmSync(batch.dataDir, { recursive: true, force: true });
    }

    const runs = (xs: number[]) => `[runs: ${xs.map((x) => fmt(x / 1000, 2)).join(', ')} s]`;
    const mReal = median(real);
    const mBare = median(bare);
    const vps = (ms: number) => (VIDEOS / ms) * 1000;
    const share = vps(mReal) / vps(mBare);
    const objects = VIDEOS * PARTS.length;
    console.log(
      `${VIDEOS} queued videos, 3 objects each (mp4 ${fmt(SIZES.mp4 / 1000)} KB, preview ${fmt(SIZES.preview / 1000)} KB, ` +
        `thumbnail ${fmt(SIZES.thumbnail / 1000)} KB) = ${fmt(objects)} objects, to s3rver (in-process); ${CONCURRENCY} videos at once, ` +
        `objects of a video in turn; median of ${REPEATS} runs, alternating`,
    );
    console.log(
      `service (job runner + upload stage): ${fmt(mReal / 1000, 2)} s = ${fmt(vps(mReal), 1)} videos/s, ` +
        `${fmt((objects / mReal) * 1000, 1)} objects/s ${runs(real)}`,
    );
    console.log(
      `baseline (bare PutObject loop):     ${fmt(mBare / 1000, 2)} s = ${fmt(vps(mBare), 1)} videos/s, ` +
        `${fmt((objects / mBare) * 1000, 1)} objects/s ${runs(bare)}`,
    );
    console.log(
      `ratio: ${fmt(share * 100, 1)}% of the baseline's videos/s   (target ≥ ${fmt(TARGET_SHARE * 100)}%: ${verdict(share >= TARGET_SHARE)})`,
    );
    const headsMs = heads[0]!;
    const bareSameRun = bare[BREAKDOWN_RUN]!;
    console.log(
      `breakdown, bare loop with the service's requests (HEAD, PutObject, HEAD per object), run ${BREAKDOWN_RUN + 1} only: ` +
        `${fmt(headsMs / 1000, 2)} s = ${fmt(vps(headsMs), 1)} videos/s, ${fmt((objects / headsMs) * 1000, 1)} objects/s; ` +
        `${fmt((vps(headsMs) / vps(bareSameRun)) * 100, 1)}% of that run's baseline, service ${fmt((vps(real[BREAKDOWN_RUN]!) / vps(headsMs)) * 100, 1)}% of it`,
    );
    console.log(
      `requests per video: service ${fmt(total(realRequests) / VIDEOS, 1)} (${perVideo(realRequests, VIDEOS)}), ` +
        `baseline ${fmt(total(bareRequests) / VIDEOS, 1)} (${perVideo(bareRequests, VIDEOS)}), ` +
        `breakdown loop ${fmt(total(headsRequests) / VIDEOS, 1)} (${perVideo(headsRequests, VIDEOS)})   [last run of each, counted on node:http]`,
    );
    console.log(
      `check: after every service drain all ${VIDEOS} videos were notifying with a notify job queued and every upload ` +
        `job done at its first attempt; each of the ${checked} drains listed ${fmt(objects)} objects with the expected bytes`,
    );
  } finally {
    client?.destroy();
    await s3?.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
