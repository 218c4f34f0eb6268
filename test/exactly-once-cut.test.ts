// kill -9 of the forked service while a booking's cut runs (held half-written behind a named pipe in the footage),
// then a restart on the same DATA_DIR: the video is cut again and delivered once, with nothing of the killed cut left.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { probeMedia } from '../src/media/index.js';
import { createS3Store } from '../src/storage/index.js';
import { partnerEnv, venueLocal } from './fixtures/env.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { seedGatedFootage } from './fixtures/gated-footage.js';
import { tempDir, waitFor } from './fixtures/helpers.js';
import { killTree } from './fixtures/process-tree.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';
import { spawnService, type ServiceProcess } from './fixtures/service-process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const CAMERA = 'CAM_1';
const BOOKING = 'BK/CUT/1';
const SECONDS = 40;

/** A forked service and where it writes its videos. */
type Forked = ServiceProcess & { videosDir: string };

/** The service forked as a real process: one camera on field 50 (its RTSP source is down: the footage is seeded). */
function fork(dataDir: string, ayo: FakeAyo, s3: FakeS3): Forked {
  const p = spawnService({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
    BOOKING_SYNC_INTERVAL: '1h',
    ...partnerEnv(ayo, s3),
    AYO_API_TIMEOUT: '20s',
    CONNECTIVITY_INTERVAL: '500ms',
    UPLOAD_RETRY_DELAYS: '50ms',
    NOTIFY_RETRY_DELAYS: '50ms',
    DELIVERY_JOB_RETRY_DELAYS: '200ms,200ms,200ms,200ms,200ms',
    MIN_FREE_DISK_MB: '0',
    SEGMENT_SECONDS: '2',
    CLIP_GRACE: '500ms',
    VIDEO_SCAN_INTERVAL: '500ms',
    CAMERA_STATUS_INTERVAL: '1h',
    CAMERAS: JSON.stringify([{ name: CAMERA, fieldId: 50, url: 'rtsp://127.0.0.1:1/stream', enabled: true }]),
  });
  cleanups.push(async () => {
    // Not reaped yet, so the pid is still this child's.
    if (p.child.exitCode === null && p.child.signalCode === null) await killTree(p.child.pid!);
  });
  return { ...p, videosDir: path.join(dataDir, 'media', 'videos') };
}

interface VideoDto {
  uniqueId: string;
  status: string;
  sizeBytes: number;
  files: { mp4: string; preview: string; thumbnail: string };
  urls: { mp4: string | null; preview: string; thumbnail: string };
  history: { status: string }[];
}

async function videoOf(url: string): Promise<VideoDto | undefined> {
  const list = (await (await fetch(`${url}/api/videos?booking_id=${BOOKING}`)).json()) as {
    data: { uniqueId: string }[];
  };
  const id = list.data[0]?.uniqueId;
  if (!id) return undefined;
  return ((await (await fetch(`${url}/api/videos/${id}`)).json()) as { data: VideoDto }).data;
}

/**
 * Polls the booking's video on `p` until `accept` returns something. A refused request is retried while the process
 * lives; a service that exits, or a timeout, fails with what was last seen and the service's last output lines.
 */
async function watchVideo<T>(
  p: Forked,
  url: string,
  what: string,
  timeoutMs: number,
  accept: (v: VideoDto | undefined) => T | undefined,
): Promise<NonNullable<T>> {
  let seen = 'nothing yet';
  const tail = () => `last seen: ${seen}\n${[...p.out, ...p.err].slice(-30).join('\n')}`;
  return waitFor(
    async () => {
      if (p.child.exitCode !== null || p.child.signalCode !== null)
        throw new Error(`the service exited while waiting for ${what}; ${tail()}`);
      const v = await videoOf(url).catch((e: Error) => {
        seen = `request failed: ${e.message} (${String((e.cause as Error | undefined)?.message)})`;
        return null;
      });
      if (v === null) return undefined;
      seen = `video ${v?.status ?? 'missing'}, files ${JSON.stringify(filesUnder(p.videosDir))}`;
      return accept(v);
    },
    what,
    timeoutMs,
  ).catch((e: Error) => {
    throw new Error(e.message.includes('last seen') ? e.message : `${e.message}; ${tail()}`);
  });
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

const md5 = (buf: Buffer) => createHash('md5').update(buf).digest('hex');

describe('exactly once across kill -9 mid-cut', () => {
  it('killed while the cut runs: the restart cuts again, delivers once and leaves no partial file', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const dataDir = path.join(tmp.dir, 'data');
    const videosDir = path.join(dataDir, 'media', 'videos');
    const ayo = await startFakeAyo(TEST_AYO);
    cleanups.push(() => ayo.close());
    const s3 = await startFakeS3();
    cleanups.push(() => s3.close());

    // A booking of 40 s that ended minutes ago, within one venue day, filmed in 20 segments; the 11th is a named
    // pipe, so the cut blocks there with the first half of the clip written.
    let t0 = Math.floor(Date.now() / 1000) * 1000 - 5 * 60_000;
    if (venueLocal(t0).date !== venueLocal(t0 + SECONDS * 1000).date) t0 -= 2 * SECONDS * 1000;
    const footage = await seedGatedFootage(dataDir, path.join(tmp.dir, 'held'), {
      camera: CAMERA,
      t0Ms: t0,
      seconds: SECONDS,
      gateIndex: 10,
    });
    expect(footage.segments).toHaveLength(SECONDS / 2);
    const start = venueLocal(t0);
    const end = venueLocal(t0 + SECONDS * 1000);
    ayo.setBookings(start.date, [
      ayoBooking({ booking_id: BOOKING, field_id: 50, date: start.date, start_time: start.time, end_time: end.time }),
    ]);

    const first = fork(dataDir, ayo, s3);
    const firstUrl = await first.url();
    // Mid-cut, seen from outside: the video is `processing` and ffmpeg's partial MP4 holds the first half.
    const running = await watchVideo(first, firstUrl, 'the cut to be half written', 120_000, (v) => {
      if (v?.status !== 'processing') return undefined;
      const part = filesUnder(videosDir).find((f) => f.endsWith('.mp4.part'));
      return part && fs.statSync(path.join(videosDir, part)).size > 0 ? { video: v, part } : undefined;
    });
    const uid = running.video.uniqueId;
    expect(running.part).toMatch(new RegExp(`/${uid}\\.mp4\\.part$`));

    // kill -9 of the whole service: the node process and its ffmpeg children.
    const killed = await killTree(first.child.pid!);
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(killed.some((k) => k.cmd.includes(`${uid}.mp4.ffconcat`))).toBe(true);
    expect(ayo.calls.filter((c) => c.endpoint === 'save-video-available')).toEqual([]);
    expect(filesUnder(s3.dir).filter((f) => f.includes(uid))).toEqual([]);

    // The disk reads again; the service comes back on the same DATA_DIR.
    footage.open();
    const second = fork(dataDir, ayo, s3);
    const url = await second.url();
    const video = await watchVideo(second, url, 'the video to be ready after the restart', 180_000, (v) =>
      v?.status === 'ready' ? v : undefined,
    );
    expect(video.uniqueId).toBe(uid);
    expect(video.history.map((h) => h.status).at(-1)).toBe('ready');

    // AYO heard of it once, signed and accepted.
    const notices = ayo.calls.filter((c) => c.endpoint === 'save-video-available' && c.params.unique_id === uid);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ signatureValid: true, answered: 200 });
    expect(ayo.acceptedVideos().get(uid)).toHaveLength(1);

    // The bucket holds one preview and one thumbnail (FULL_VIDEO_UPLOAD=on-purchase: the full video stays on the
    // box), equal to the local files and readable by ffprobe; the full video is whole on disk.
    const keys = { preview: `mp4/${uid}_preview.mp4`, thumbnail: `mp4/${uid}_thumbnail.jpg` };
    const client = new S3Client({
      endpoint: s3.config.endpoint,
      region: s3.config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.config.accessKeyId, secretAccessKey: s3.config.secretAccessKey },
    });
    cleanups.push(() => client.destroy());
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.config.bucket }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(Object.values(keys).sort());
    const store = createS3Store(s3.config);
    const downloads = path.join(tmp.dir, 'downloads');
    fs.mkdirSync(downloads);
    for (const kind of ['preview', 'thumbnail'] as const) {
      const local = fs.readFileSync(path.join(dataDir, video.files[kind]));
      expect(await store.size(keys[kind])).toBe(local.length);
      const res = await fetch(video.urls[kind]);
      expect(res.status).toBe(200);
      const remote = Buffer.from(await res.arrayBuffer());
      expect(md5(remote)).toBe(md5(local));
      fs.writeFileSync(path.join(downloads, path.basename(keys[kind])), remote);
    }
    expect(video.sizeBytes).toBe(fs.statSync(path.join(dataDir, video.files.mp4)).size);
    expect(video.urls.mp4).toBeNull();
    const clip = await probeMedia('ffprobe', path.join(dataDir, video.files.mp4));
    expect(clip.streams.find((s) => s.type === 'video')).toMatchObject({ codec: 'h264', width: 320, height: 180 });
    expect(clip.durationSec).toBeGreaterThanOrEqual(SECONDS - 0.5);
    expect(clip.durationSec).toBeLessThan(SECONDS + 2);
    const preview = await probeMedia('ffprobe', path.join(downloads, `${uid}_preview.mp4`));
    expect(preview.streams.some((s) => s.type === 'video')).toBe(true);
    expect(preview.durationSec).toBeGreaterThan(0);
    const thumb = await probeMedia('ffprobe', path.join(downloads, `${uid}_thumbnail.jpg`));
    expect(thumb.streams.find((s) => s.type === 'video')).toMatchObject({ codec: 'mjpeg' });

    // Nothing of the killed cut is left beside the delivered files.
    expect(
      filesUnder(videosDir)
        .map((f) => path.basename(f))
        .sort(),
    ).toEqual([`${uid}.mp4`, `${uid}_preview.mp4`, `${uid}_thumbnail.jpg`].sort());
    const q = (await (await fetch(`${url}/api/queue`)).json()) as { data: { deadLetters: unknown[] } };
    expect(q.data.deadLetters).toEqual([]);

    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 420_000);
});
