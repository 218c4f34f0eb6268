// A purchase's renditions (issue 11 point 5) made by real ffmpeg from a synthetic 720p booking video: the HLS
// playlists and master as ffprobe reads them, the stream-copied rendition's packets against the source's, the
// download MP4's layout, the watermark's pixels at the configured corner of every rendition, and bad sources.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLadder, renditionArgs } from '../src/purchase/renditions-args.js';
import { buildRenditions, type WatermarkSpec } from '../src/purchase/renditions.js';
import { probeMedia, runMediaToEnd } from '../src/media/index.js';
import { createS3Store } from '../src/storage/index.js';
import { makePng } from './fixtures/asset-server.js';
import { startFakeS3 } from './fixtures/s3.js';
import { boxDiff } from './fixtures/frame-diff.js';
import { tempDir, waitFor } from './fixtures/helpers.js';

const SOURCE_SEC = 20;
const FPS = 25;
const UID = 'BK-7_court-1_20250410030000';

let tmp: ReturnType<typeof tempDir>;
let source: string;

/** A 1280x720 H.264 + AAC faststart MP4 of `seconds` with a keyframe every second, as the cut makes them. */
function makeSource(file: string, seconds: number): void {
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=${FPS}:duration=${seconds}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    ...['-g', String(FPS), '-keyint_min', String(FPS), '-sc_threshold', '0'],
    ...['-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', file],
  ]);
}

function ffprobeJson<T>(args: string[]): T {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', ...args, '-of', 'json'], { encoding: 'utf8' })) as T;
}

/** What ffprobe reads of a playlist (or file): its duration and its video stream's size and frame rate. */
function probe(file: string) {
  const j = ffprobeJson<{
    format: { duration: string };
    streams: { codec_type: string; width?: number; height?: number; r_frame_rate?: string }[];
  }>(['-show_entries', 'format=duration:stream=codec_type,width,height,r_frame_rate', file]);
  const v = j.streams.find((s) => s.codec_type === 'video')!;
  const [n, d] = (v.r_frame_rate ?? '0/1').split('/').map(Number);
  return {
    durationSec: Number(j.format.duration),
    width: v.width,
    height: v.height,
    fps: n! / d!,
    audio: j.streams.some((s) => s.codec_type === 'audio'),
  };
}

/** Sizes of the video packets of `file`, in order. */
function videoPacketSizes(file: string): number[] {
  const j = ffprobeJson<{ packets: { size: string }[] }>([
    ...['-select_streams', 'v:0', '-show_entries', 'packet=size', file],
  ]);
  return j.packets.map((p) => Number(p.size));
}

/** Decodes every frame of `file` (a playlist, a URL or the MP4), asynchronously; the number of video frames. */
async function decodedFrames(file: string): Promise<number> {
  const out = await runMediaToEnd('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v', '-f', 'framemd5', '-'], 120_000);
  return out.split('\n').filter((l) => /^0,/.test(l)).length;
}

/** The top-level box types of an MP4, in file order. */
function topLevelBoxes(file: string): string[] {
  const b = fs.readFileSync(file);
  const types: string[] = [];
  for (let off = 0, size = 0; off < b.length; off += size) {
    size = b.readUInt32BE(off) === 1 ? Number(b.readBigUInt64BE(off + 8)) : b.readUInt32BE(off);
    types.push(b.toString('latin1', off + 4, off + 8));
  }
  return types;
}

/** The RGB frame number `n` of `file` (a playlist), with its size. */
function frame(file: string, n: number): { rgb: Buffer; width: number; height: number } {
  const { width, height } = probe(file);
  const select = ['-vf', `select=eq(n\\,${n})`, '-frames:v', '1'];
  const rgb = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, ...select, ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return { rgb, width: width!, height: height! };
}

/** ffmpeg processes this test process spawned that still run. */
function ffmpegChildren(): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (Number(ppid) === process.pid && state !== 'Z' && /ffmpeg|ffprobe/.test(cmd)) out.push(cmd);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

type Input = Parameters<typeof buildRenditions>[0];

/** A request writing into a fresh folder `name` under the test's temp dir. */
function input(name: string, opts: Partial<Input> = {}): Input {
  const outDir = path.join(tmp.dir, name);
  fs.mkdirSync(outDir);
  return { uniqueId: UID, source, outDir, qualities: [480, 720, 1080], watermark: null, encoder: 'libx264', ...opts };
}

/** Builds into a fresh folder under the test's temp dir. */
async function build(name: string, opts: Partial<Input> = {}) {
  const req = input(name, opts);
  const r = await buildRenditions(req);
  return { r, at: (key: string) => path.join(req.outDir, ...key.split('/')) };
}

beforeAll(() => {
  tmp = tempDir('vr-renditions-');
  source = path.join(tmp.dir, 'source.mp4');
  makeSource(source, SOURCE_SEC);
}, 120_000);
afterAll(() => tmp.cleanup());

describe('renditions without a watermark', () => {
  let plain: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    plain = await build('plain', { frameRateCap: FPS });
  }, 180_000);

  it('makes 480p and 720p, skips 1080p (never upscaled), and lists every object under its key', () => {
    const { r, at } = plain;
    expect(r.skipped).toEqual([{ height: 1080, reason: expect.stringContaining('never upscaled') as string }]);
    expect(r.renditions.map((x) => [x.height, x.width, x.copied, x.playlistKey])).toEqual([
      [480, 854, false, `hls/${UID}/480p/playlist.m3u8`],
      [720, 1280, true, `hls/${UID}/720p/playlist.m3u8`],
    ]);
    expect(r.mp4Key).toBe(`mp4/${UID}.mp4`);
    const byKey = new Map(r.objects.map((o) => [o.key, o.contentType]));
    for (const key of ['master.m3u8', '480p/playlist.m3u8', '720p/playlist.m3u8'])
      expect(byKey.get(`hls/${UID}/${key}`)).toBe('application/vnd.apple.mpegurl');
    expect(byKey.get(`mp4/${UID}.mp4`)).toBe('video/mp4');
    // Every other object is a segment file in its rendition's folder; every object exists where it says.
    for (const o of r.objects) {
      expect(fs.existsSync(o.path)).toBe(true);
      expect(o.path).toBe(at(o.key));
      if (!byKey.get(o.key)!.includes('mpegurl') && o.key !== r.mp4Key) expect(o.key).toMatch(/^hls\/.+\/480p\//);
    }
    // The master is uploaded last, once everything it points at is up.
    expect(r.objects.at(-1)!.key).toBe(`hls/${UID}/master.m3u8`);
  });

  it('each playlist plays in ffprobe at its height for the whole video, in about 4-second segments', () => {
    const { r, at } = plain;
    for (const rendition of r.renditions) {
      const p = probe(at(rendition.playlistKey));
      expect(p.height).toBe(rendition.height);
      expect(p.durationSec).toBeGreaterThan(SOURCE_SEC - 0.5);
      expect(p.durationSec).toBeLessThan(SOURCE_SEC + 0.5);
      expect(p.audio).toBe(true);
      const text = fs.readFileSync(at(rendition.playlistKey), 'utf8');
      expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(text).toContain('#EXT-X-ENDLIST');
      const durations = [...text.matchAll(/#EXTINF:([\d.]+),/g)].map((m) => Number(m[1]));
      expect(durations.length).toBe(5);
      for (const d of durations) expect(Math.abs(d - 4)).toBeLessThan(0.1);
    }
    // A cap at the source's rate changes nothing: both play at it, and the source's height is still a copy.
    expect(probe(at(r.renditions[0]!.playlistKey)).fps).toBe(FPS);
    expect(probe(at(r.renditions[1]!.playlistKey)).fps).toBe(FPS);
  });

  it('the master lists both renditions with BANDWIDTH and RESOLUTION', () => {
    const master = fs.readFileSync(plain.at(`hls/${UID}/master.m3u8`), 'utf8');
    const variants = [...master.matchAll(/#EXT-X-STREAM-INF:(.*)\n(.*)/g)].map((m) => ({ attrs: m[1]!, uri: m[2]! }));
    expect(variants.map((v) => v.uri)).toEqual(['480p/playlist.m3u8', '720p/playlist.m3u8']);
    expect(variants[0]!.attrs).toMatch(/RESOLUTION=854x480/);
    expect(variants[1]!.attrs).toMatch(/RESOLUTION=1280x720/);
    const bandwidth = variants.map((v) => Number(/(?:^|,)BANDWIDTH=(\d+)/.exec(v.attrs)?.[1]));
    expect(bandwidth[0]).toBeGreaterThan(50_000);
    expect(bandwidth[1]).toBeGreaterThan(bandwidth[0]!);
    // BANDWIDTH is at least the mean bit rate of the file the rendition plays from.
    const mp4Bits = fs.statSync(plain.at(plain.r.mp4Key)).size * 8;
    expect(bandwidth[1]).toBeGreaterThanOrEqual(Math.floor(mp4Bits / SOURCE_SEC / 1.01));
    // The whole master plays in ffprobe (it opens a rendition).
    expect(probe(plain.at(`hls/${UID}/master.m3u8`)).durationSec).toBeGreaterThan(SOURCE_SEC - 0.5);
  });

  it("the 720p rendition is the source's video stream-copied: the same packets, not re-encoded", () => {
    const copied = plain.at(plain.r.renditions[1]!.playlistKey);
    const sourcePackets = videoPacketSizes(source);
    expect(sourcePackets.length).toBe(SOURCE_SEC * FPS);
    expect(videoPacketSizes(copied)).toEqual(sourcePackets);
    expect(videoPacketSizes(plain.at(plain.r.mp4Key))).toEqual(sourcePackets);
  });

  it('the download MP4 is the top rendition: moov before mdat, plays to the end, and its bytes are not uploaded twice', async () => {
    const mp4 = plain.at(plain.r.mp4Key);
    const boxes = topLevelBoxes(mp4);
    expect(boxes.slice(0, 2)).toEqual(['ftyp', 'moov']);
    expect(boxes.indexOf('mdat')).toBeGreaterThan(1);
    expect(await decodedFrames(mp4)).toBe(SOURCE_SEC * FPS);
    const p = probe(mp4);
    expect([p.width, p.height]).toEqual([1280, 720]);
    expect(p.durationSec).toBeGreaterThan(SOURCE_SEC - 0.5);
    // The 720p playlist addresses byte ranges of the download MP4 itself: no other 720p media object exists.
    const playlist = fs.readFileSync(plain.at(plain.r.renditions[1]!.playlistKey), 'utf8');
    expect(playlist).toContain(`#EXT-X-MAP:URI="../../../mp4/${UID}.mp4",BYTERANGE=`);
    expect(plain.r.objects.filter((o) => o.key.includes('/720p/')).map((o) => o.key)).toEqual([
      `hls/${UID}/720p/playlist.m3u8`,
    ]);
    const total = plain.r.objects.reduce((s, o) => s + fs.statSync(o.path).size, 0);
    expect(plain.r.bytes).toBe(total);
    expect(total).toBeLessThan(fs.statSync(mp4).size * 1.5);
  });
  it("plays through the bucket's public URL: every object uploaded under a key prefix, read by byte ranges", async () => {
    const s3 = await startFakeS3();
    try {
      const store = createS3Store(s3.config);
      const prefix = 'venue-7/';
      for (const o of plain.r.objects) await store.put(`${prefix}${o.key}`, o.path, o.contentType);
      const url = (key: string) => store.publicUrl(`${prefix}${key}`);
      // ffprobe runs asynchronously here: s3rver answers on this process's event loop.
      const probed = (key: string) => probeMedia('ffprobe', url(key), 60_000);
      expect((await probed(`hls/${UID}/master.m3u8`)).durationSec).toBeGreaterThan(SOURCE_SEC - 0.5);
      for (const rendition of plain.r.renditions) {
        const p = await probed(rendition.playlistKey);
        expect(p.streams.find((x) => x.type === 'video')?.height).toBe(rendition.height);
        expect(p.durationSec).toBeGreaterThan(SOURCE_SEC - 0.5);
      }
      // Every frame of the copied rendition decodes from the download MP4's byte ranges.
      expect(await decodedFrames(url(plain.r.renditions[1]!.playlistKey))).toBe(SOURCE_SEC * FPS);
    } finally {
      await s3.close();
    }
  }, 120_000);
});

describe('renditions with a watermark', () => {
  let marked: Awaited<ReturnType<typeof build>>;
  let plain: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    // One image per resolution, of different sizes: the 480p rendition must draw the 480 one (60x20), not the
    // 720 one scaled (80x26), 10 px in from the bottom-left corner.
    const wm480 = path.join(tmp.dir, 'wm480.png');
    const wm720 = path.join(tmp.dir, 'wm720.png');
    fs.writeFileSync(wm480, makePng('magenta', 60, 20));
    fs.writeFileSync(wm720, makePng('magenta', 120, 40));
    const watermark: WatermarkSpec = {
      mode: 'on',
      source: 'ayo',
      images: [
        { resolution: 480, file: wm480 },
        { resolution: 720, file: wm720 },
      ],
      position: 'bottom-left',
      margin: 10,
      opacity: 0.8,
    };
    marked = await build('marked', { watermark });
    plain = await build('unmarked', { watermark: { mode: 'off', why: 'WATERMARK=off' } });
  }, 300_000);

  it('encodes every rendition (nothing is copied under a watermark)', () => {
    const copied = [marked, plain].map((b) => b.r.renditions.map((x) => `${x.height}:${x.copied}`).join(' '));
    expect(copied).toEqual(['480:false 720:false', '480:false 720:true']);
  });

  it('draws the nearest image at the configured corner of every rendition, and nothing without it', () => {
    type Box = [number, number, number, number];
    const checks: { height: number; inside: Box; beside: Box }[] = [
      // 480p: the 60x20 image at x 10..70, y 450..470; just right of it (x 74..86) stays the video.
      { height: 480, inside: [13, 453, 67, 467], beside: [74, 453, 86, 467] },
      // 720p: the 120x40 image at x 10..130, y 670..710.
      { height: 720, inside: [13, 673, 127, 707], beside: [134, 673, 150, 707] },
    ];
    for (const c of checks) {
      const m = marked.r.renditions.find((x) => x.height === c.height)!;
      const p = plain.r.renditions.find((x) => x.height === c.height)!;
      const withMark = frame(marked.at(m.playlistKey), 50);
      const without = frame(plain.at(p.playlistKey), 50);
      expect([withMark.width, withMark.height]).toEqual([without.width, without.height]);
      expect(boxDiff(withMark, without, c.inside)).toBeGreaterThan(40);
      expect(boxDiff(withMark, without, c.beside)).toBeLessThan(10);
      // The opposite corner (top-right) is untouched.
      const w = withMark.width;
      expect(boxDiff(withMark, without, [w - 130, 10, w - 10, 50])).toBeLessThan(10);
    }
  });
});

describe("AYO's frame_rate below the source's", () => {
  it('caps every rendition: the source height is encoded at the cap instead of copied', async () => {
    const capped = await build('capped', { frameRateCap: 15 });
    expect(capped.r.renditions.map((x) => [x.height, x.copied])).toEqual([
      [480, false],
      [720, false],
    ]);
    for (const x of capped.r.renditions) expect(probe(capped.at(x.playlistKey)).fps).toBe(15);
  }, 180_000);
});

describe('the ladder and its command', () => {
  const info = { width: 1920, height: 1080, fps: 30, durationSec: 60, audio: 'pcm_alaw' };
  it('never upscales; with nothing at or below the source, the source height is made', () => {
    expect(planLadder([1080, 2160, 720], info, false)).toEqual({
      rungs: [
        { height: 720, width: 1280, copied: false },
        { height: 1080, width: 1920, copied: true },
      ],
      skipped: [{ height: 2160, reason: expect.stringContaining('never upscaled') as string }],
    });
    expect(planLadder([1080], info, true).rungs).toEqual([{ height: 1080, width: 1920, copied: false }]);
    // AYO's frame_rate below the source's 30 fps: the source's height is encoded at the cap, not copied.
    expect(planLadder([1080], info, false, 25).rungs).toEqual([{ height: 1080, width: 1920, copied: false }]);
    expect(planLadder([1080], info, false, 30).rungs).toEqual([{ height: 1080, width: 1920, copied: true }]);
    expect(planLadder([1440], { ...info, height: 720, width: 1280 }, false).rungs).toEqual([
      { height: 720, width: 1280, copied: true },
    ]);
  });

  it('caps the encoded frame rate, uploads a VAAPI encode to its device, and turns camera audio into AAC', () => {
    const rungs = planLadder([480, 1080], info, false).rungs.map((rung) => ({ rung, out: `${rung.height}.mp4` }));
    const args = renditionArgs({
      source: 's.mp4',
      info,
      rungs,
      encoder: 'h264_vaapi',
      overlay: () => undefined,
      frameRateCap: 25,
    });
    expect(args.slice(args.indexOf('-vaapi_device'), args.indexOf('-vaapi_device') + 2)).toEqual([
      '-vaapi_device',
      '/dev/dri/renderD128',
    ]);
    expect(args[args.indexOf('-filter_complex') + 1]).toBe(
      '[0:v]fps=25,split=1[s0];[s0]scale=854:480,format=nv12,hwupload[v0]',
    );
    expect(args.filter((a) => a === 'aac')).toHaveLength(2);
  });
});

describe('bad sources', () => {
  it('a missing file is refused with a clear error, nothing made', async () => {
    const req = input('missing', { source: path.join(tmp.dir, 'gone.mp4') });
    await expect(buildRenditions(req)).rejects.toMatchObject({
      code: 'file-missing',
      message: expect.stringContaining('is missing') as string,
    });
    expect(fs.readdirSync(req.outDir)).toEqual([]);
  });

  it('a truncated file is refused (it ends early), garbage is refused, and no ffmpeg is left running', async () => {
    const truncated = path.join(tmp.dir, 'truncated.mp4');
    const bytes = fs.readFileSync(source);
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const req = input('truncated', { source: truncated });
    await expect(buildRenditions(req)).rejects.toMatchObject({
      message: expect.stringMatching(/ends early \(truncated\?\): it says 20\.\d s, but only \d+\.\d s/) as string,
    });
    expect(fs.readdirSync(req.outDir)).toEqual([]);
    const garbage = path.join(tmp.dir, 'garbage.mp4');
    fs.writeFileSync(garbage, bytes.subarray(0, 500));
    await expect(buildRenditions({ ...req, source: garbage })).rejects.toMatchObject({
      code: 'ffmpeg-failed',
      message: expect.stringContaining('cannot be read') as string,
    });
    await expect(buildRenditions({ ...req, uniqueId: '../escape' })).rejects.toMatchObject({ code: 'invalid' });
    expect(ffmpegChildren()).toEqual([]);
  }, 120_000);

  it('an abort kills ffmpeg at once and rejects', async () => {
    const controller = new AbortController();
    const req = input('aborted', { qualities: [240, 360, 480, 720], signal: controller.signal });
    const running = buildRenditions(req);
    const settled = running.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await waitFor(() => ffmpegChildren().some((c) => c.includes('-filter_complex')), 'ffmpeg to start', 60_000, 5);
    controller.abort();
    const outcome = await settled;
    expect(outcome).toMatchObject({ code: 'cancelled' });
    expect(ffmpegChildren()).toEqual([]);
    expect(fs.readdirSync(req.outDir)).toEqual([]);
  }, 120_000);
});
