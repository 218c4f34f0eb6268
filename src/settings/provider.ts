// The venue video settings in force: each one from the environment when its variable is set, else from AYO's last
// good `video-configuration`, else the default; with its source, for GET /api/settings and for the code that
// makes renditions, manual clips and expiry. Other code asks `settings.current()`; nothing else merges the three.

import type { VideoSettingsEnv } from '../config/video-settings-env.js';
import type { Logger } from '../log.js';
import { parseVideoSettings, type AyoVideoSettings } from './parse.js';
import { readStoredSettings, writeStoredSettings, type StoredSettings } from './store.js';

/** Where a setting in force comes from. */
export type SettingSource = 'env' | 'ayo' | 'default';

/** One setting in force and its source. */
export interface Setting<T> {
  value: T;
  source: SettingSource;
}

/** The venue video settings in force. */
export interface VideoSettings {
  /** Heights of the purchased renditions (VIDEO_QUALITIES, AYO's `video_quality`). */
  qualities: Setting<number[]>;
  /** Seconds of a manual clip (CLIP_SECONDS, AYO's `clip_duration`). */
  clipSeconds: Setting<number>;
  /** The renditions' frame-rate cap (AYO's `frame_rate`); null: the source's rate. */
  frameRate: Setting<number | null>;
  /** Days the local files of delivered videos are kept (AYO's `auto_delete`); null: RECORDING_RETENTION_HOURS rules. */
  autoDeleteDays: Setting<number | null>;
  /** When AYO's settings were last read well (ISO), null when never. */
  ayoFetchedAt: string | null;
}

/** Defaults where neither the environment nor AYO says: the three heights AYO's `save-video` knows, CLIP_SECONDS'. */
const SETTING_DEFAULTS = { qualities: [480, 720, 1080], clipSeconds: 60 } as const;

/** Options of {@link createSettingsProvider}. */
export interface SettingsProviderOptions {
  env: VideoSettingsEnv;
  /** Where AYO's last good settings are kept (src/settings/store.ts's settingsFile). */
  file: string;
  /** Where the settings in force are written for the actors' threads (store.ts's inForceFile); absent: nowhere. */
  inForceFile?: string;
  logger: Logger;
  now?: () => Date;
}

/** The settings provider. */
export interface SettingsProvider {
  /** The settings in force now. */
  current(): VideoSettings;
  /**
   * Takes the `data` of an AYO `video-configuration` answer: each field that reads well replaces its last good value
   * (kept on disk); a field that does not keeps it, with a warning naming the field. Returns the warnings.
   */
  applyAyo(data: unknown): string[];
}

/** Creates the provider, starting from the settings kept on disk. Example: `createSettingsProvider({ env: config.videoSettings, file: settingsFile(config.dataDir), logger })`. */
export function createSettingsProvider(options: SettingsProviderOptions): SettingsProvider {
  const { env, logger } = options;
  const now = options.now ?? (() => new Date());
  let stored: StoredSettings = readStoredSettings(options.file);
  const publish = () => {
    if (!options.inForceFile) return;
    try {
      writeStoredSettings(options.inForceFile, provider.current());
    } catch (e) {
      logger.warn(`⚙️ SETTINGS: could not write the settings in force: ${(e as Error).message}`);
    }
  };
  const pick = <T>(fromEnv: T | undefined, fromAyo: T | undefined, fallback: T): Setting<T> =>
    fromEnv !== undefined
      ? { value: fromEnv, source: 'env' }
      : fromAyo !== undefined
        ? { value: fromAyo, source: 'ayo' }
        : { value: fallback, source: 'default' };
  const provider: SettingsProvider = {
    current() {
      const a = stored.values;
      return {
        qualities: pick(env.qualities, a.qualities, [...SETTING_DEFAULTS.qualities]),
        clipSeconds: pick(env.clipSeconds, a.clipSeconds, SETTING_DEFAULTS.clipSeconds),
        frameRate: pick<number | null>(undefined, a.frameRate, null),
        autoDeleteDays: pick<number | null>(env.autoDeleteDays, a.autoDeleteDays, null),
        ayoFetchedAt: stored.fetchedAt,
      };
    },
    applyAyo(data) {
      const { values, warnings } = parseVideoSettings(data);
      for (const w of warnings) logger.warn(`⚙️ SETTINGS: ${w}; the last good value stays in force`);
      // An answer with nothing readable in it is not a good read: the last one stays, with its time.
      if (Object.keys(values).length === 0 && warnings.length > 0) return warnings;
      const merged: AyoVideoSettings = { ...stored.values, ...values };
      stored = { values: merged, fetchedAt: now().toISOString() };
      try {
        writeStoredSettings(options.file, stored);
      } catch (e) {
        logger.warn(`⚙️ SETTINGS: could not keep AYO's video settings on disk: ${(e as Error).message}`);
      }
      publish();
      return warnings;
    },
  };
  publish();
  return provider;
}
