// The render a purchase runs: buildRenditions (renditions.ts) with the venue settings in force at that moment, read
// from the files the main thread keeps (the qualities and frame-rate cap of $DATA_DIR/settings/in-force.json, the
// watermark of $DATA_DIR/watermark/in-force.json), so a purchase made after AYO changed them uses the new ones.

import fs from 'node:fs';
import type { VideoEncoderName } from '../config/video-settings-env.js';
import { chooseEncoder, inForceFile, type EncoderChoice } from '../settings/index.js';
import { readWatermarkInForce, watermarkPaths } from '../watermark/index.js';
import type { RenderFn } from './render.js';
import { buildRenditions } from './renditions.js';

/** The settings provider's default qualities, when nothing in force can be read. */
const DEFAULT_QUALITIES = [480, 720, 1080];

/** The qualities and frame-rate cap in force (the defaults when the file is missing or damaged). */
function readRenditionSettings(file: string): { qualities: number[]; frameRateCap?: number } {
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      qualities?: { value?: unknown };
      frameRate?: { value?: unknown };
    };
    const q = s.qualities?.value;
    const fps = s.frameRate?.value;
    return {
      qualities:
        Array.isArray(q) && q.length > 0 && q.every((n) => Number.isInteger(n) && n > 0)
          ? (q as number[])
          : [...DEFAULT_QUALITIES],
      frameRateCap: typeof fps === 'number' && fps > 0 ? fps : undefined,
    };
  } catch {
    return { qualities: [...DEFAULT_QUALITIES] };
  }
}

/**
 * The render of purchases under `dataDir`, encoding with `encoder` when this ffmpeg and the device have it and a test
 * encode works (decided once, at the first purchase, as the main thread decides it), else with libx264.
 */
export function renderInForce(dataDir: string, encoder: VideoEncoderName, ffmpeg?: string, ffprobe?: string): RenderFn {
  let chosen: Promise<EncoderChoice> | undefined;
  return async ({ uniqueId, source, outDir, signal }) => {
    chosen ??= chooseEncoder(ffmpeg ?? 'ffmpeg', encoder);
    const { used } = await chosen;
    const s = readRenditionSettings(inForceFile(dataDir));
    const watermark = readWatermarkInForce(watermarkPaths(dataDir).inForce);
    const r = await buildRenditions({
      uniqueId,
      source,
      outDir,
      qualities: s.qualities,
      frameRateCap: s.frameRateCap,
      watermark: watermark.mode === 'on' ? watermark : null,
      encoder: used,
      signal,
      ffmpeg,
      ffprobe,
    });
    return { renditions: r.renditions, skipped: r.skipped, mp4Key: r.mp4Key, objects: r.objects };
  };
}
