// The doctor's checks of the venue video settings (issue 11): the encoder (a one-second encode with VIDEO_ENCODER),
// AYO's `video-configuration` answer (does it parse), and the watermark images (downloaded, whole PNGs).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAyoClient, fetchVideoConfiguration, fetchWatermarkList } from '../ayo/index.js';
import type { Config } from '../config.js';
import { describeError } from '../errors.js';
import { chooseEncoder, parseVideoSettings, testEncode } from '../settings/index.js';
import { isPngFile, parseWatermarkList, readWatermarkIndex, storeWatermarks } from '../watermark/index.js';
import type { CheckResult } from './checks.js';

/** VIDEO_ENCODER: a one-second test encode; a hardware encoder that fails falls back to libx264 (a warning). */
export async function checkEncoder(config: Config): Promise<CheckResult> {
  const name = 'video encoder';
  const { ffmpegPath } = config.recording;
  const requested = config.videoSettings.encoder;
  const choice = await chooseEncoder(ffmpegPath, requested);
  try {
    await testEncode(ffmpegPath, choice.used);
  } catch (e) {
    return {
      name,
      status: 'fail',
      detail: `a one-second encode with ${choice.used} failed: ${describeError(e)}`,
      hint: 'install an ffmpeg built with libx264 (apt-get install ffmpeg)',
    };
  }
  if (choice.fallback)
    return {
      name,
      status: 'warn',
      detail: `${choice.fallback}; libx264 is used instead (a one-second encode works)`,
      hint: `check the device and drivers of ${requested}, or set VIDEO_ENCODER=libx264`,
    };
  return { name, status: 'ok', detail: `${choice.used}: a one-second encode works` };
}

/** AYO's `video-configuration`: the answer is read, and each field parses. Absent AYO: not run (AYO's row says so). */
export async function checkVideoConfiguration(config: Config): Promise<CheckResult | undefined> {
  if (!config.ayo) return undefined;
  const name = 'AYO video settings';
  try {
    const client = createAyoClient({ ...config.ayo, timeoutMs: Math.min(config.ayo.timeoutMs, 15_000) });
    const { values, warnings } = parseVideoSettings(await fetchVideoConfiguration(client));
    const read = Object.entries(values)
      .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`)
      .join(', ');
    if (warnings.length > 0 && Object.keys(values).length === 0)
      return {
        name,
        status: 'fail',
        detail: warnings.join('; '),
        hint: "ask AYO to fix the venue's video configuration",
      };
    if (warnings.length > 0)
      return {
        name,
        status: 'warn',
        detail: `${warnings.join('; ')}${read ? `; read: ${read}` : ''}`,
        hint: "ask AYO to fix the field named; the service keeps that field's last good value",
      };
    return {
      name,
      status: 'ok',
      detail: read ? `video-configuration parses: ${read}` : 'video-configuration sets nothing',
    };
  } catch (e) {
    return {
      name,
      status: 'fail',
      detail: `video-configuration failed: ${describeError(e)}`,
      hint: "check the AYO credentials row above and the venue's internet connection",
    };
  }
}

/** The watermark: off, WATERMARK's PNG, or AYO's images (each downloaded to a scratch directory and checked). */
export async function checkWatermark(config: Config): Promise<CheckResult | undefined> {
  const name = 'watermark';
  const w = config.videoSettings.watermark;
  if (w.kind === 'off') return { name, status: 'ok', detail: 'off (WATERMARK=off)' };
  if (w.kind === 'file')
    return isPngFile(w.path)
      ? { name, status: 'ok', detail: `${w.path} is a PNG` }
      : {
          name,
          status: 'fail',
          detail: `${w.path} is missing or not a PNG`,
          hint: 'point WATERMARK at a PNG file, or set it to ayo or off',
        };
  if (!config.ayo) return undefined;
  const kept = readWatermarkIndex(config.dataDir).images.map((i) => i.resolution);
  const keptText = kept.length ? `; kept: ${kept.join(', ')}` : '; none kept yet';
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'venue-recorder-doctor-'));
  try {
    const client = createAyoClient({ ...config.ayo, timeoutMs: Math.min(config.ayo.timeoutMs, 15_000) });
    const scheme = new URL(config.ayo.baseUrl).protocol === 'http:' ? 'http:' : 'https:';
    const { items, warnings } = parseWatermarkList(await fetchWatermarkList(client), scheme);
    if (items.length === 0)
      return {
        name,
        status: 'warn',
        detail: `AYO lists no watermark image${keptText}`,
        hint: 'ask AYO to upload the venue watermark, or set WATERMARK',
      };
    const stored = await storeWatermarks(scratch, items, { timeoutMs: 15_000 });
    const problems = [
      ...warnings,
      ...stored.warnings.map((p) => p.replace(/; (the last good copy stays|none is kept yet)$/, '')),
    ];
    const good = stored.index.images.map((i) => i.resolution).join(', ');
    if (problems.length > 0)
      return {
        name,
        status: stored.index.images.length ? 'warn' : 'fail',
        detail: `${problems.join('; ')}${good ? `; good: ${good}` : ''}${keptText}`,
        hint: "check the asset host AYO's watermark paths point at",
      };
    return { name, status: 'ok', detail: `AYO's images download as PNGs: ${good}${keptText}` };
  } catch (e) {
    return {
      name,
      status: 'fail',
      detail: `watermark list failed: ${describeError(e)}${keptText}`,
      hint: 'check the AYO credentials row above',
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
