// UPLOAD_MAX_MBPS: every upload of the store shares one token bucket; measured where it matters, at the object store
// (a meter in front of s3rver timestamps the body bytes it receives). The checks are on rates, which a busy machine
// only lowers; the uncapped control shows the meter sees a rate above the cap when nothing holds it.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createS3Store, createTokenBucket, mbpsToBytesPerSec } from '../src/storage/index.js';
import { tempDir, waitFor } from './fixtures/helpers.js';
import { startFakeS3 } from './fixtures/s3.js';
import { averageRate, startUploadMeter } from './fixtures/upload-meter.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const CAP_MBPS = 16; // 2 MB/s
const CAP = mbpsToBytesPerSec(CAP_MBPS);

/** s3rver behind a meter, and a directory of files of random bytes. */
async function world() {
  const tmp = tempDir();
  cleanups.push(() => tmp.cleanup());
  const s3 = await startFakeS3();
  cleanups.push(() => s3.close());
  const meter = await startUploadMeter(s3.config.endpoint);
  cleanups.push(() => meter.close());
  const file = (name: string, bytes: number) => {
    const f = path.join(tmp.dir, name);
    fs.writeFileSync(f, crypto.randomBytes(bytes));
    return f;
  };
  const store = (rateCap?: ReturnType<typeof createTokenBucket>) =>
    createS3Store({ ...s3.config, endpoint: meter.url }, { rateCap });
  return { s3, meter, file, store };
}

describe('upload rate cap (UPLOAD_MAX_MBPS)', { timeout: 120_000 }, () => {
  it('holds a multipart upload and a single PUT running together under the cap, measured at the object store', async () => {
    const w = await world();
    // Under the store's 8 MiB part size these two go as single PUTs; the 9 MiB one as two parts in flight together.
    const big = w.file('full.mp4', 5 * 1024 * 1024 + 300_000);
    const small = w.file('preview.mp4', 1_500_000);
    const huge = w.file('huge.mp4', 9 * 1024 * 1024);
    const store = w.store(createTokenBucket(CAP));
    const puts = await Promise.all([
      store.put('mp4/a.mp4', huge, 'video/mp4'),
      store.put('mp4/a_preview.mp4', small, 'video/mp4'),
      store.put('mp4/b.mp4', big, 'video/mp4'),
    ]);
    expect(puts.map((p) => p.size)).toEqual([9 * 1024 * 1024, 1_500_000, 5 * 1024 * 1024 + 300_000]);
    const sent = w.meter.seen.filter((r) => r.method === 'PUT');
    // Every byte of all three objects crossed the meter, and the total rate stayed under the cap (+5%: the
    // bucket's twentieth of a second of burst).
    const all = averageRate(sent.flatMap((r) => r.chunks));
    expect(all.bytes).toBe(9 * 1024 * 1024 + 1_500_000 + 5 * 1024 * 1024 + 300_000);
    expect(all.rate).toBeLessThan(CAP * 1.05);
    // The multipart upload's parts went through the same bucket.
    expect(sent.filter((r) => /partNumber=/.test(r.path)).length).toBe(2);

    // The control: the same store without a cap goes faster than the cap through the same meter.
    w.meter.seen.length = 0;
    await w.store().put('mp4/c.mp4', huge, 'video/mp4');
    const free = averageRate(w.meter.seen.filter((r) => r.method === 'PUT').flatMap((r) => r.chunks));
    expect(free.rate).toBeGreaterThan(CAP * 1.5);
  });

  it('lets a preview through at the cap while a full upload runs: the full one yields its bytes', async () => {
    const w = await world();
    const full = w.file('full.mp4', 6 * 1024 * 1024);
    const preview = w.file('preview.mp4', 1_500_000);
    const store = w.store(createTokenBucket(CAP));
    const fullPut = store.put('mp4/v.mp4', full, 'video/mp4', undefined, { priority: 'low' });
    // The full upload is under way before the preview starts.
    await waitFor(
      () => w.meter.matching('PUT', /v\.mp4/).reduce((n, r) => n + r.bytes, 0) > 500_000,
      'the full upload under way',
      30_000,
    );
    await store.put('mp4/v_preview.mp4', preview, 'video/mp4');
    const p = w.meter.matching('PUT', /v_preview\.mp4/)[0]!;
    const from = p.chunks[0]!.t;
    const to = p.chunks.at(-1)!.t;
    const fullDuring = w.meter
      .matching('PUT', /v\.mp4/)
      .flatMap((r) => r.chunks)
      .filter((c) => c.t > from && c.t < to)
      .reduce((n, c) => n + c.bytes, 0);
    expect(p.bytes).toBe(1_500_000);
    // While the preview went up, the full upload sent next to nothing: the bucket served the preview first.
    expect(fullDuring).toBeLessThan(p.bytes * 0.1);
    expect((await fullPut).size).toBe(6 * 1024 * 1024);
    expect(averageRate(w.meter.seen.flatMap((r) => r.chunks)).rate).toBeLessThan(CAP * 1.05);
  });

  it('refuses a cap that is not a number of Mbit/s, by name, and takes decimals', () => {
    expect(() => loadConfig({ UPLOAD_MAX_MBPS: '20mbit' })).toThrow(/UPLOAD_MAX_MBPS.*Mbit\/s/);
    expect(() => loadConfig({ UPLOAD_MAX_MBPS: '-1' })).toThrow(/UPLOAD_MAX_MBPS/);
    expect(loadConfig({ UPLOAD_MAX_MBPS: '2.5' }).delivery.uploadMaxMbps).toBe(2.5);
    expect(loadConfig({}).delivery).toMatchObject({ uploadMaxMbps: 0, fullVideoUpload: 'on-purchase' });
    expect(() => loadConfig({ FULL_VIDEO_UPLOAD: 'sometimes' })).toThrow(/FULL_VIDEO_UPLOAD/);
  });
});
