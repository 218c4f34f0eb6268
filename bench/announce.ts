// Benchmark of the light announcement: a 60-minute booking at a 1080p camera's bitrate (~4 Mbit/s, ~1.8 GB) delivered
// through an uplink throttled to 20 Mbit/s (a proxy in front of s3rver), from the booking's end to AYO's accepted
// save-video-available, and the bytes uploaded before it. FULL_VIDEO_UPLOAD=on-purchase (the default: preview and
// thumbnail, then the announcement) against the baseline measured in the same run: the full-first delivery of old
// (MP4, preview and thumbnail, then the announcement).
//
// Both runs share the cut (the 60-minute MP4 stream-copied out of 10-second segments as the cut job does, then its
// preview and thumbnail by the service's makePreview/makeThumbnail): timed once, added to both. CLIP_GRACE (the wait
// after the booking's end before the cut) is configuration, not work, and is left out of both.
//
// Run: npm run bench:announce   (BENCH_MINUTES=10 for a shorter booking)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createAyoClient } from '../src/ayo/index.js';
import type { VideoRow } from '../src/db/index.js';
import { notifyStage } from '../src/delivery/notify.js';
import { uploadObjects } from '../src/delivery/upload.js';
import { concatList, probeMedia, runMediaToEnd } from '../src/media/index.js';
import { createS3Store } from '../src/storage/index.js';
import { makePreview, makeThumbnail } from '../src/video/clip.js';
import { startFakeAyo, TEST_AYO } from '../test/fixtures/fake-ayo.js';
import { startFakeS3 } from '../test/fixtures/s3.js';
import { startUploadMeter } from '../test/fixtures/upload-meter.js';
import { fmt, verdict } from './stats.js';

const MINUTES = Number(process.env.BENCH_MINUTES ?? 60);
const SEGMENT_SEC = 10;
const UPLINK_MBPS = 20;
const TARGET_SEC = 60;
const TARGET_BYTES = 2_000_000;

const ff = (args: string[]) =>
  runMediaToEnd('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], 1_800_000);

/**
 * One 10-second MPEG-TS segment at 4 Mbit/s, a 1080p camera's bitrate: 1280x720 test pattern with light noise, x264 in
 * CBR (filler data keeps the stream at the bitrate, as a camera's encoder does), AAC. The booking's footage is this
 * segment, listed once per 10 s of the booking. Its pictures are about as hard to encode as a venue's, so the
 * preview is not inflated by the filler.
 */
async function makeSegment(file: string): Promise<void> {
  await ff([
    ...['-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=25:duration=${SEGMENT_SEC},noise=alls=8:allf=t`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${SEGMENT_SEC}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '3900k', '-minrate', '3900k', '-maxrate', '3900k'],
    ...['-bufsize', '2M', '-x264-params', 'nal-hrd=cbr:force-cfr=1', '-g', '50', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-b:a', '96k', '-f', 'mpegts', file],
  ]);
}

/** The fields of a video row the upload and notify stages read. */
function videoRow(uid: string, files: { mp4: string; preview: string; thumbnail: string }, durationSec: number) {
  const start = Date.UTC(2025, 3, 10, 3, 0, 0);
  return {
    unique_id: uid,
    booking_id: 'BK/BENCH/1',
    type: 'full',
    file: files.mp4,
    preview_file: files.preview,
    thumbnail_file: files.thumbnail,
    mp4_url: null,
    preview_url: null,
    thumbnail_url: null,
    window_start_ms: start,
    window_end_ms: start + MINUTES * 60_000,
    duration_sec: durationSec,
  } as unknown as VideoRow;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-announce-'));
  const s3 = await startFakeS3({ dir: path.join(dir, 's3') });
  const meter = await startUploadMeter(s3.config.endpoint, { uplinkMbps: UPLINK_MBPS });
  const ayo = await startFakeAyo(TEST_AYO);
  try {
    // The footage (not timed): one segment, listed for every 10 s of the booking.
    const g0 = performance.now();
    const segment = path.join(dir, 'segment.ts');
    await makeSegment(segment);
    const segments = Array.from({ length: (MINUTES * 60) / SEGMENT_SEC }, () => segment);
    const list = path.join(dir, 'window.ffconcat');
    fs.writeFileSync(list, concatList(segments));
    console.log(
      `footage: ${segments.length} segments of ${SEGMENT_SEC} s, ${fmt((fs.statSync(segment).size * 8) / SEGMENT_SEC / 1e6, 2)} Mbit/s, ` +
        `made in ${fmt((performance.now() - g0) / 1000, 1)} s`,
    );

    // The cut (shared by both runs): stream copy to a faststart MP4, then its preview and thumbnail.
    const c0 = performance.now();
    const mp4 = path.join(dir, 'BK-BENCH-1_CAM_1_20250410100000.mp4');
    await ff(['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-movflags', '+faststart', mp4]);
    const probed = await probeMedia('ffprobe', mp4);
    const height = probed.streams.find((s) => s.type === 'video')?.height;
    const files = {
      mp4,
      preview: mp4.replace('.mp4', '_preview.mp4'),
      thumbnail: mp4.replace('.mp4', '_thumbnail.jpg'),
    };
    await makePreview({ clip: mp4, durationSec: probed.durationSec, height, out: files.preview, ffmpeg: 'ffmpeg' });
    await makeThumbnail({ clip: mp4, durationSec: probed.durationSec, height, out: files.thumbnail, ffmpeg: 'ffmpeg' });
    const cutSec = (performance.now() - c0) / 1000;
    const size = (f: string) => fs.statSync(f).size;
    console.log(
      `booking: ${fmt(probed.durationSec / 60, 1)} min, MP4 ${fmt(size(mp4) / 1e9, 2)} GB ` +
        `(${fmt((size(mp4) * 8) / probed.durationSec / 1e6, 2)} Mbit/s), preview ${fmt(size(files.preview) / 1e6, 2)} MB, ` +
        `thumbnail ${fmt(size(files.thumbnail) / 1e3, 1)} kB; cut + preview + thumbnail ${fmt(cutSec, 1)} s`,
    );
    console.log(`uplink: ${UPLINK_MBPS} Mbit/s (a throttling proxy in front of s3rver)`);

    const store = createS3Store({ ...s3.config, endpoint: meter.url }, { timeoutMs: 600_000 });
    const notify = notifyStage(
      createAyoClient({
        baseUrl: ayo.baseUrl,
        token: TEST_AYO.token,
        venueCode: TEST_AYO.venueCode,
        secret: TEST_AYO.secret,
        timeoutMs: 30_000,
      }),
      'Asia/Jakarta',
    );
    /** Uploads `objects`, then announces; the time and the bytes the object store received before the answer. */
    const deliver = async (label: string, uid: string, objects: readonly ('mp4' | 'preview' | 'thumbnail')[]) => {
      const v = videoRow(uid, files, probed.durationSec);
      meter.seen.length = 0;
      const t0 = performance.now();
      const signal = new AbortController().signal;
      const up = await uploadObjects({ store, keyPrefix: `${label}/` }, v, objects, { id: 1, attempts: 1 }, signal);
      const body = { ...v, preview_url: up.urls.preview, thumbnail_url: up.urls.thumbnail };
      await notify.run(body, undefined as never, signal);
      const deliverySec = (performance.now() - t0) / 1000;
      const sec = cutSec + deliverySec;
      const bytes = meter.seen.reduce((n, r) => n + r.bytes, 0);
      if (!ayo.acceptedVideos().get(uid)) throw new Error(`${label}: AYO did not accept the announcement`);
      return { sec, deliverySec, bytes };
    };

    const light = await deliver('on-purchase', 'BK-BENCH-1_CAM_1_20250410100000', ['preview', 'thumbnail']);
    const full = await deliver('full-first', 'BK-BENCH-2_CAM_1_20250410100000', ['mp4', 'preview', 'thumbnail']);
    console.log(
      `on-purchase: announced ${fmt(light.sec, 1)} s after the booking's end (${fmt(light.deliverySec, 1)} s after the cut), ` +
        `${fmt(light.bytes / 1e6, 2)} MB uploaded before it` +
        `   (target ≤ ${TARGET_SEC} s and < ${TARGET_BYTES / 1e6} MB: ${verdict(light.sec <= TARGET_SEC && light.bytes < TARGET_BYTES)})`,
    );
    console.log(
      `baseline full-first: announced ${fmt(full.sec, 1)} s after the booking's end (${fmt(full.deliverySec, 1)} s after the cut), ` +
        `${fmt(full.bytes / 1e6, 1)} MB uploaded before it`,
    );
    console.log(
      `on-purchase announces ${fmt(full.sec / light.sec, 1)}× sooner, with ${fmt(full.bytes / light.bytes, 0)}× fewer bytes before it`,
    );
  } finally {
    await ayo.close();
    await meter.close();
    await s3.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
