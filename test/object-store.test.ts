import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store, videoObjectKeys } from '../src/storage/index.js';
import { tempDir } from './fixtures/helpers.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';

let s3: FakeS3;
const tmp = tempDir();
beforeAll(async () => {
  s3 = await startFakeS3();
});
afterAll(async () => {
  await s3.close();
  tmp.cleanup();
});

describe('object store on the S3 API (s3rver)', () => {
  it('uploads small and multipart files, reads their size back, serves them at their public URL, deletes them', async () => {
    const store = createS3Store(s3.config);
    const small = path.join(tmp.dir, 'thumb.jpg');
    fs.writeFileSync(small, Buffer.from('jpegdata'));
    const big = path.join(tmp.dir, 'clip.mp4');
    fs.writeFileSync(big, Buffer.alloc(20 * 1024 * 1024, 7));
    const keys = videoObjectKeys('venue1/', 'BK-1_CAM_20250410100000');
    expect(keys).toEqual({
      mp4: 'venue1/mp4/BK-1_CAM_20250410100000.mp4',
      preview: 'venue1/mp4/BK-1_CAM_20250410100000_preview.mp4',
      thumbnail: 'venue1/mp4/BK-1_CAM_20250410100000_thumbnail.jpg',
    });
    // Both the single-part and the multipart (3 parts of 8 MiB) uploads are proven by their ETags.
    expect(await store.put(keys.thumbnail, small, 'image/jpeg')).toEqual({ size: 8, verified: true });
    expect(await store.put(keys.mp4, big, 'video/mp4')).toEqual({ size: 20 * 1024 * 1024, verified: true });
    expect(await store.size(keys.mp4)).toBe(20 * 1024 * 1024);
    expect(await store.size('nope/missing.mp4')).toBeUndefined();
    const res = await fetch(store.publicUrl(keys.thumbnail));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(await res.text()).toBe('jpegdata');
    // Uploading the same key again is harmless.
    expect((await store.put(keys.thumbnail, small, 'image/jpeg')).size).toBe(8);
    await store.remove(keys.thumbnail);
    expect(await store.size(keys.thumbnail)).toBeUndefined();
  });

  it('a store that is down is a retryable error; a missing bucket is permanent', async () => {
    const down = createS3Store({ ...s3.config, endpoint: 'http://127.0.0.1:1' });
    const small = path.join(tmp.dir, 'a.txt');
    fs.writeFileSync(small, 'a');
    await expect(down.put('k', small, 'text/plain')).rejects.toMatchObject({ retryable: true });
    const nobucket = createS3Store({ ...s3.config, bucket: 'no-such-bucket' });
    await expect(nobucket.put('k', small, 'text/plain')).rejects.toMatchObject({ retryable: false });
  });
});
