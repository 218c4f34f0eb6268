// What GET /api/settings answers: the settings in force with their sources, the watermark and encoder in force,
// and how the last reads of AYO went.

import type { VideoSettingsEnv } from '../config/video-settings-env.js';
import type { SettingsProvider, VideoSettings } from './provider.js';
import type { ReadStatus, VenueRefresh } from './refresh.js';

/** The body's `data` of GET /api/settings. */
export interface SettingsDto extends VideoSettings {
  watermark: {
    mode: 'on' | 'off';
    /** `ayo` (AYO's images), `file` (WATERMARK's PNG), null when off. */
    source: 'ayo' | 'file' | null;
    /** Why it is off (null when on). */
    why: string | null;
    /** Resolutions of the images kept. */
    resolutions: number[];
    position: VideoSettingsEnv['watermarkPosition'];
    margin: number;
    opacity: number;
  };
  encoder: { requested: string; used: string | null; fallback: string | null };
  reads: { videoConfiguration: ReadStatus; watermark: ReadStatus };
}

/** Builds the DTO from the provider and the refresher. */
export function settingsDto(env: VideoSettingsEnv, provider: SettingsProvider, refresh: VenueRefresh): SettingsDto {
  const w = refresh.watermark();
  const enc = refresh.encoder();
  return {
    ...provider.current(),
    watermark: {
      mode: w.mode,
      source: w.mode === 'on' ? w.source : null,
      why: w.mode === 'off' ? w.why : null,
      resolutions: w.mode === 'on' ? w.images.map((i) => i.resolution).sort((a, b) => a - b) : [],
      position: env.watermarkPosition,
      margin: env.watermarkMargin,
      opacity: env.watermarkOpacity,
    },
    // `used` is null for the moment the encoder check is still running at start-up.
    encoder: { requested: env.encoder, used: enc?.used ?? null, fallback: enc?.fallback ?? null },
    reads: refresh.reads(),
  };
}
