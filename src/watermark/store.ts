// AYO's watermark images on disk ($DATA_DIR/watermark/<resolution>.png, listed in index.json), and the watermark
// in force (in-force.json) that the clip tasks read on their threads. A download that fails or is not a whole PNG
// keeps the last good copy of that resolution; nothing is ever replaced by a placeholder.

import fs from 'node:fs';
import path from 'node:path';
import type { VideoSettingsEnv } from '../config/video-settings-env.js';
import { HEIGHT_RANGE } from '../config/video-parsers.js';
import type { WatermarkImage, WatermarkInForce } from './overlay.js';
import { pngSize } from './png.js';

/** Largest watermark image downloaded, in bytes. */
const MAX_WATERMARK_BYTES = 5 * 1024 * 1024;

/** A WATERMARK=<file.png> is drawn at its own size on a video of this height (scaled in proportion on others). */
const FILE_WATERMARK_RESOLUTION = 1080;

/** Where the watermark files live under DATA_DIR. */
export function watermarkPaths(dataDir: string): { dir: string; index: string; inForce: string } {
  const dir = path.join(dataDir, 'watermark');
  return { dir, index: path.join(dir, 'index.json'), inForce: path.join(dir, 'in-force.json') };
}

/** The images kept from AYO and when they were last fetched. */
export interface WatermarkIndex {
  images: WatermarkImage[];
  fetchedAt: string | null;
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** Reads the index; images whose file is gone or no longer a PNG are left out. */
export function readWatermarkIndex(dataDir: string): WatermarkIndex {
  try {
    const raw = JSON.parse(fs.readFileSync(watermarkPaths(dataDir).index, 'utf8')) as Partial<WatermarkIndex>;
    const images = (raw.images ?? []).filter(
      (i) => Number.isInteger(i.resolution) && typeof i.file === 'string' && isPngFile(i.file),
    );
    return { images, fetchedAt: typeof raw.fetchedAt === 'string' ? raw.fetchedAt : null };
  } catch {
    return { images: [], fetchedAt: null };
  }
}

/** Whether `file` holds a whole PNG. */
export function isPngFile(file: string): boolean {
  try {
    return pngSize(fs.readFileSync(file)) !== undefined;
  } catch {
    return false;
  }
}

/** One entry of AYO's `watermark` list, read. */
export interface WatermarkListItem {
  resolution: number;
  url: string;
}

/**
 * An asset path as AYO sends it: with a scheme, `//host/...`, or `host/...`. One without a scheme takes `scheme`:
 * the AYO API's own (https in production).
 */
export function assetUrl(p: string, scheme: 'http:' | 'https:' = 'https:'): string | undefined {
  const t = p.trim();
  const full = /^https?:\/\//i.test(t)
    ? t
    : t.startsWith('//')
      ? `${scheme}${t}`
      : `${scheme}//${t.replace(/^\/+/, '')}`;
  return URL.canParse(full) ? full : undefined;
}

/** Reads the `data` of `GET watermark` leniently (`resolution` as 720, "720" or "720p"); bad entries are warned. */
export function parseWatermarkList(
  data: unknown,
  scheme: 'http:' | 'https:' = 'https:',
): { items: WatermarkListItem[]; warnings: string[] } {
  // `data: null` (or none) is a venue without a watermark image: an empty list, not a bad answer.
  const list = Array.isArray(data) ? data : [];
  const warnings =
    Array.isArray(data) || data === null || data === undefined ? [] : ['watermark: the answer is not a list'];
  const items: WatermarkListItem[] = [];
  for (const [i, e] of list.entries()) {
    const o = (e && typeof e === 'object' ? e : {}) as { resolution?: unknown; path?: unknown };
    const r = Number(/^\s*(\d+)\s*p?\s*$/i.exec(String(o.resolution))?.[1]);
    const url = typeof o.path === 'string' ? assetUrl(o.path, scheme) : undefined;
    if (!Number.isInteger(r) || r < HEIGHT_RANGE.min || r > HEIGHT_RANGE.max) {
      warnings.push(`watermark: entry ${i} has no usable resolution`);
    } else if (!url) warnings.push(`watermark: entry ${i} (${r}) has no usable path`);
    else items.push({ resolution: r, url });
  }
  return { items, warnings };
}

/** Downloads one image; throws a short reason when it cannot be had or is not a whole PNG. */
async function download(url: string, timeoutMs: number): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > MAX_WATERMARK_BYTES) throw new Error(`larger than ${MAX_WATERMARK_BYTES} bytes`);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > MAX_WATERMARK_BYTES) throw new Error(`larger than ${MAX_WATERMARK_BYTES} bytes`);
  if (!pngSize(bytes)) throw new Error('not a whole PNG');
  return bytes;
}

/**
 * Downloads the listed images into the watermark directory and rewrites the index. A resolution whose download
 * fails keeps its last good file. Returns the index now in force and one warning per image not had.
 */
export async function storeWatermarks(
  dataDir: string,
  items: readonly WatermarkListItem[],
  options: { timeoutMs: number; now?: () => Date },
): Promise<{ index: WatermarkIndex; warnings: string[] }> {
  const { dir, index: indexFile } = watermarkPaths(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const before = readWatermarkIndex(dataDir);
  const warnings: string[] = [];
  const images: WatermarkImage[] = [];
  for (const item of items) {
    const file = path.join(dir, `${item.resolution}.png`);
    try {
      const bytes = await download(item.url, options.timeoutMs);
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, bytes);
      fs.renameSync(tmp, file);
      images.push({ resolution: item.resolution, file });
    } catch (e) {
      const host = new URL(item.url).host;
      const kept = before.images.find((i) => i.resolution === item.resolution);
      warnings.push(
        `watermark ${item.resolution}: download from ${host} failed (${(e as Error).message}); ${kept ? 'the last good copy stays' : 'none is kept yet'}`,
      );
      if (kept) images.push(kept);
    }
  }
  const got = images.length > 0;
  const index: WatermarkIndex = got
    ? { images, fetchedAt: (options.now ?? (() => new Date()))().toISOString() }
    : before;
  if (got) writeJson(indexFile, index);
  return { index, warnings };
}

/** The watermark in force from the variables and the kept images; written where the clip tasks read it. */
export function resolveWatermark(env: VideoSettingsEnv, dataDir: string): WatermarkInForce {
  const place = { position: env.watermarkPosition, margin: env.watermarkMargin, opacity: env.watermarkOpacity };
  const w = env.watermark;
  if (w.kind === 'off') return { mode: 'off', why: 'WATERMARK=off' };
  if (w.kind === 'file') {
    if (!isPngFile(w.path)) return { mode: 'off', why: `WATERMARK's file is missing or not a PNG` };
    return { mode: 'on', source: 'file', images: [{ resolution: FILE_WATERMARK_RESOLUTION, file: w.path }], ...place };
  }
  const { images } = readWatermarkIndex(dataDir);
  if (images.length === 0) return { mode: 'off', why: "no image of AYO's watermark has been downloaded yet" };
  return { mode: 'on', source: 'ayo', images, ...place };
}

/** Writes the watermark in force for the clip tasks. */
export function writeWatermarkInForce(dataDir: string, w: WatermarkInForce): void {
  writeJson(watermarkPaths(dataDir).inForce, w);
}

/** The watermark in force as a clip task reads it; a missing or damaged file reads as off. */
export function readWatermarkInForce(file: string): WatermarkInForce {
  try {
    const w = JSON.parse(fs.readFileSync(file, 'utf8')) as WatermarkInForce;
    if (w.mode === 'on' && Array.isArray(w.images)) return w;
    return { mode: 'off', why: w.mode === 'off' ? w.why : 'unreadable' };
  } catch {
    return { mode: 'off', why: 'no watermark decided yet' };
  }
}
