// The venue video variables as the settings provider reads them: each value with whether the environment set it,
// since a set variable wins over AYO's `video-configuration` and an unset one gives way to it.

import type { Reader } from './reader.js';
import type { WatermarkSource } from './video-parsers.js';

/** Encoders VIDEO_ENCODER may name. */
export type VideoEncoderName = 'libx264' | 'h264_vaapi' | 'h264_qsv' | 'h264_nvenc';

/** A watermark corner. */
export type WatermarkPosition = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/** The venue video variables: `undefined` where the variable is unset and AYO (or the default) decides. */
export interface VideoSettingsEnv {
  /** VIDEO_QUALITIES when set. */
  qualities: number[] | undefined;
  /** CLIP_SECONDS when set (its default applies only when AYO sends no `clip_duration`). */
  clipSeconds: number | undefined;
  /** VIDEO_RETENTION_DAYS when set (it wins over AYO's `auto_delete`). */
  autoDeleteDays: number | undefined;
  encoder: VideoEncoderName;
  watermark: WatermarkSource;
  watermarkPosition: WatermarkPosition;
  watermarkMargin: number;
  watermarkOpacity: number;
}

/** Reads the venue video variables through `r` (problems land in `r.problems`). */
export function loadVideoSettingsEnv(r: Reader): VideoSettingsEnv {
  const clipSeconds = r.get('CLIP_SECONDS');
  return {
    qualities: r.get('VIDEO_QUALITIES'),
    clipSeconds: r.isSet('CLIP_SECONDS') ? clipSeconds : undefined,
    autoDeleteDays: r.get('VIDEO_RETENTION_DAYS'),
    encoder: r.get('VIDEO_ENCODER'),
    watermark: r.get('WATERMARK'),
    watermarkPosition: r.get('WATERMARK_POSITION'),
    watermarkMargin: r.get('WATERMARK_MARGIN'),
    watermarkOpacity: r.get('WATERMARK_OPACITY'),
  };
}
