// The last good AYO video settings on disk ($DATA_DIR/settings/venue-settings.json), so that a restart while AYO is
// down keeps them. Written to a temporary name and renamed: a crash mid-write leaves the previous file.

import fs from 'node:fs';
import path from 'node:path';
import type { AyoVideoSettings } from './parse.js';
import { parseVideoSettings } from './parse.js';

/** What the file holds: AYO's last good values and when they were fetched. */
export interface StoredSettings {
  values: AyoVideoSettings;
  fetchedAt: string | null;
}

/** The file of the last good settings under `dataDir`. */
export function settingsFile(dataDir: string): string {
  return path.join(dataDir, 'settings', 'venue-settings.json');
}

/** Reads the stored settings; a missing or damaged file reads as none (each value re-checked as AYO's would be). */
export function readStoredSettings(file: string): StoredSettings {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { values?: AyoVideoSettings; fetchedAt?: unknown };
    const v = raw.values ?? {};
    const { values } = parseVideoSettings({
      video_quality: v.qualities,
      clip_duration: v.clipSeconds,
      frame_rate: v.frameRate,
      auto_delete: v.autoDeleteDays,
    });
    return { values, fetchedAt: typeof raw.fetchedAt === 'string' ? raw.fetchedAt : null };
  } catch {
    return { values: {}, fetchedAt: null };
  }
}

/** The file of the settings in force under `dataDir`, for the actors' threads (the manual clip's length). */
export function inForceFile(dataDir: string): string {
  return path.join(dataDir, 'settings', 'in-force.json');
}

/** The value of setting `name` in the settings in force (written by the main thread, read by other threads). */
function valueInForce(file: string, name: 'clipSeconds' | 'autoDeleteDays'): unknown {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { value?: unknown } | undefined>)[name]?.value;
  } catch {
    return undefined;
  }
}

/**
 * The manual clip length in force (AYO's `clip_duration` or CLIP_SECONDS), read by the video thread at each request;
 * `fallback` when the file is missing or unreadable.
 */
export function readClipSecondsInForce(file: string, fallback: number): number {
  const v = valueInForce(file, 'clipSeconds');
  return Number.isInteger(v) && (v as number) > 0 ? (v as number) : fallback;
}

/**
 * The days AYO's `auto_delete` keeps a delivered video's local files, from the settings in force (read by the video
 * thread at each sweep); undefined when AYO gave none or the file cannot be read.
 */
export function readAutoDeleteDaysInForce(file: string): number | undefined {
  const v = valueInForce(file, 'autoDeleteDays');
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

/** Writes `s` (the stored settings, or the settings in force) atomically. */
export function writeStoredSettings(file: string, s: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`);
  fs.renameSync(tmp, file);
}
