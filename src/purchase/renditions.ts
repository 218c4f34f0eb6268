// A purchase's renditions (issue 11 point 5): from a video's full-length MP4, one HLS rendition per quality and the
// download MP4, each a keyframe-fragmented MP4 whose playlist addresses byte ranges of it. The top rendition's
// file IS the download MP4 (`mp4/<uid>.mp4`), so no byte is uploaded twice. One ffmpeg run makes them all: the
// source's own height is stream-copied when no watermark is drawn, every other height is encoded once.

import fs from 'node:fs';
import path from 'node:path';
import type { VideoEncoderName } from '../config/video-settings-env.js';
import { PermanentError } from '../errors.js';
import { probeMedia, runMediaToEnd } from '../media/index.js';
import { watermarkOverlay, type WatermarkInForce } from '../watermark/index.js';
import { indexFragmentedMp4, type FragmentIndex } from './hls-boxes.js';
import { bitRates, masterPlaylist, mediaPlaylist } from './hls-playlist.js';
import { planLadder, renditionArgs, type Rung, type SourceInfo } from './renditions-args.js';

/** The watermark in force (src/watermark): off, or its images, corner, margin and opacity. */
export type WatermarkSpec = WatermarkInForce;

/** What {@link buildRenditions} makes renditions of, and how. */
export interface RenditionInput {
  /** The video's unique id (object keys use it). */
  uniqueId: string;
  /** The video's local full-length MP4 made by the cut (H.264, faststart). */
  source: string;
  /** A directory the caller made and will delete; everything is written under it, at the objects' keys. */
  outDir: string;
  /** Heights wanted, e.g. [480, 720, 1080] (the settings in force). */
  qualities: readonly number[];
  /** AYO's frame_rate: cap of the encoded renditions' frame rate (undefined = the source's). */
  frameRateCap?: number;
  /** The watermark to draw; null (or one that is off, or has no image) draws none. */
  watermark: WatermarkSpec | null;
  /** The encoder of encoded renditions, already resolved (e.g. libx264). */
  encoder: VideoEncoderName;
  /** Aborting kills ffmpeg. */
  signal?: AbortSignal;
  /** ffmpeg and ffprobe binaries (default: found on PATH). */
  ffmpeg?: string;
  ffprobe?: string;
}

/** One object to upload: its local file, key (relative to S3_KEY_PREFIX) and content type. */
export interface RenditionObject {
  path: string;
  key: string;
  contentType: string;
}

/** One rendition made. */
export interface RenditionEntry {
  height: number;
  width: number;
  /** Peak segment bit rate, bits/s (the master's BANDWIDTH). */
  bandwidth: number;
  /** Whether it is the source's video stream-copied (no re-encode). */
  copied: boolean;
  playlistKey: string;
  /** The key of the MP4 its playlist addresses by byte ranges (the top rendition's is `mp4Key`). */
  fileKey?: string;
  durationSec?: number;
  segments?: number;
}

/** What {@link buildRenditions} made. */
export interface RenditionResult {
  renditions: RenditionEntry[];
  /** Qualities not made, with why (above the source's height: never upscaled). */
  skipped: { height: number; reason: string }[];
  /** `mp4/<uid>.mp4`: the download, which is also the top rendition's segments. */
  mp4Key: string;
  /** The master playlist's key. */
  masterKey?: string;
  /** Every object to upload: media files first, then the renditions' playlists, the master last. */
  objects: RenditionObject[];
  /** Bytes of all objects together. */
  bytes?: number;
}

const PLAYLIST = 'application/vnd.apple.mpegurl';
const MP4 = 'video/mp4';

/** A run of ffmpeg gets this long: ten minutes plus six times the video's length. */
const timeoutMs = (durationSec: number) => 600_000 + durationSec * 6_000;

/** How short of the source a rendition may end before the source is called truncated. */
const shortBy = (durationSec: number) => Math.max(1, durationSec * 0.02);

/** The source's size, frame rate, duration and audio; a clear error when it is missing or not a video. */
async function probeSource(ffprobe: string, file: string, signal?: AbortSignal): Promise<SourceInfo> {
  if (!fs.existsSync(file)) throw new PermanentError(`the video's file ${file} is missing`, { code: 'file-missing' });
  if (signal?.aborted) throw new PermanentError('renditions cancelled', { code: 'cancelled' });
  const probed = await probeMedia(ffprobe, file, 60_000).catch((e: unknown) => {
    throw new PermanentError(`the video's file ${file} cannot be read: ${(e as Error).message}`, {
      code: 'ffmpeg-failed',
    });
  });
  const video = probed.streams.find((s) => s.type === 'video');
  if (!video?.width || !video.height || !(probed.durationSec > 0))
    throw new PermanentError(`the video's file ${file} holds no video`, { code: 'ffmpeg-failed' });
  return {
    width: video.width,
    height: video.height,
    fps: video.fps,
    durationSec: probed.durationSec,
    audio: probed.streams.find((s) => s.type === 'audio')?.codec,
  };
}

/** Removes `dir` when it exists and is empty. */
function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // not there, or holds something that is not ours to remove
  }
}

/** Keys of the renditions of `uid`. */
function keysOf(uid: string) {
  return {
    master: `hls/${uid}/master.m3u8`,
    mp4: `mp4/${uid}.mp4`,
    playlist: (h: number) => `hls/${uid}/${h}p/playlist.m3u8`,
    segments: (h: number) => `hls/${uid}/${h}p/segments.mp4`,
  };
}

/** A unique id is one path component of safe characters (they name objects and files). */
function checkUniqueId(uid: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(uid) || uid.length > 200)
    throw new PermanentError(`the unique id ${JSON.stringify(uid.slice(0, 80))} cannot name objects`, {
      code: 'invalid',
    });
}

/**
 * Makes the renditions of `input.source` under `input.outDir` and lists the objects to upload.
 * Example: `const r = await buildRenditions({ uniqueId, source, outDir, qualities: [480, 720, 1080], watermark: null,
 * encoder: 'libx264' })`, then upload `r.objects`.
 */
export async function buildRenditions(input: RenditionInput): Promise<RenditionResult> {
  checkUniqueId(input.uniqueId);
  const ffmpeg = input.ffmpeg ?? 'ffmpeg';
  const info = await probeSource(input.ffprobe ?? 'ffprobe', input.source, input.signal);
  const mark = input.watermark?.mode === 'on' && input.watermark.images.length > 0 ? input.watermark : undefined;
  const { rungs, skipped } = planLadder(input.qualities, info, mark !== undefined, input.frameRateCap);
  const keys = keysOf(input.uniqueId);
  const top = rungs.at(-1)!;
  const fileKey = (r: Rung) => (r === top ? keys.mp4 : keys.segments(r.height));
  const local = (key: string) => path.join(input.outDir, ...key.split('/'));
  const made = [local(`hls/${input.uniqueId}`), local(keys.mp4)];
  try {
    for (const r of rungs)
      for (const key of [fileKey(r), keys.playlist(r.height)])
        fs.mkdirSync(path.dirname(local(key)), { recursive: true });
    const args = renditionArgs({
      source: input.source,
      info,
      rungs: rungs.map((rung) => ({ rung, out: local(fileKey(rung)) })),
      encoder: input.encoder,
      overlay: (h) => (mark ? watermarkOverlay(mark, h) : undefined),
      frameRateCap: input.frameRateCap,
    });
    await runMediaToEnd(ffmpeg, args, timeoutMs(info.durationSec), input.signal);
    return writePlaylists(input, info, rungs, skipped, fileKey, local);
  } catch (e) {
    for (const p of made) fs.rmSync(p, { recursive: true, force: true });
    // The folders made for them, when nothing else is in them (the caller's folder may hold other work).
    for (const dir of ['hls', 'mp4']) removeIfEmpty(local(dir));
    throw e;
  }
}

/** Indexes each rendition's MP4, checks it, writes the playlists and the master, and lists every object. */
function writePlaylists(
  input: RenditionInput,
  info: SourceInfo,
  rungs: readonly Rung[],
  skipped: RenditionResult['skipped'],
  fileKey: (r: Rung) => string,
  local: (key: string) => string,
): RenditionResult {
  const keys = keysOf(input.uniqueId);
  const media: RenditionObject[] = [];
  const playlists: RenditionObject[] = [];
  const renditions: RenditionEntry[] = [];
  const variants = rungs.map((rung) => {
    const index = checked(indexFragmentedMp4(local(fileKey(rung))), info, rung, fileKey(rung) === keys.mp4);
    const playlistKey = keys.playlist(rung.height);
    const uri = path.posix.relative(path.posix.dirname(playlistKey), fileKey(rung));
    fs.writeFileSync(local(playlistKey), mediaPlaylist(index, uri));
    media.push({ path: local(fileKey(rung)), key: fileKey(rung), contentType: MP4 });
    playlists.push({ path: local(playlistKey), key: playlistKey, contentType: PLAYLIST });
    const rates = bitRates(index);
    renditions.push({
      height: rung.height,
      width: rung.width,
      bandwidth: rates.peak,
      copied: rung.copied,
      playlistKey,
      fileKey: fileKey(rung),
      durationSec: index.durationSec,
      segments: index.fragments.length,
    });
    const cap = input.frameRateCap;
    return {
      uri: path.posix.relative(path.posix.dirname(keys.master), playlistKey),
      width: rung.width,
      height: rung.height,
      bandwidth: rates.peak,
      averageBandwidth: rates.mean,
      codecs: index.codecs,
      frameRate: !rung.copied && cap && info.fps && cap < info.fps ? cap : info.fps,
    };
  });
  fs.writeFileSync(local(keys.master), masterPlaylist(variants));
  const objects = [...media, ...playlists, { path: local(keys.master), key: keys.master, contentType: PLAYLIST }];
  return {
    renditions,
    skipped,
    mp4Key: keys.mp4,
    masterKey: keys.master,
    objects,
    bytes: objects.reduce((s, o) => s + fs.statSync(o.path).size, 0),
  };
}

/** `index` when the rendition covers the source (a truncated source ends early) and, for the download, is moov-first. */
function checked(index: FragmentIndex, info: SourceInfo, rung: Rung, download: boolean): FragmentIndex {
  if (index.fragments.length === 0 || index.durationSec < info.durationSec - shortBy(info.durationSec))
    throw new PermanentError(
      `the video's file ends early (truncated?): it says ${info.durationSec.toFixed(1)} s, ` +
        `but only ${index.durationSec.toFixed(1)} s of its ${rung.height}p rendition could be made`,
      { code: 'ffmpeg-failed' },
    );
  if (download && !index.moovFirst)
    throw new PermanentError('the download MP4 does not start with its moov', { code: 'ffmpeg-failed' });
  return index;
}
