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

/** Writes the settings atomically. */
export function writeStoredSettings(file: string, s: StoredSettings): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`);
  fs.renameSync(tmp, file);
}
