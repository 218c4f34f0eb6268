// Lenient reading of AYO's `video-configuration` answer. AYO's shapes vary (`"[720,1080]"`, `'["720","1080"]'`,
// `[720,1080]`, `"720p"`, numbers as text), so each field is read on its own: a field that cannot be read is left
// out with a warning naming it, and the caller keeps that field's last good value.

import { HEIGHT_RANGE } from '../config/video-parsers.js';

/** The venue video settings AYO may send, each already checked. */
export interface AyoVideoSettings {
  /** `video_quality`: heights of the renditions, ascending. */
  qualities?: number[];
  /** `clip_duration`: seconds of a manual clip. */
  clipSeconds?: number;
  /** `frame_rate`: the renditions' frame-rate cap. */
  frameRate?: number;
  /** `auto_delete`: days the local files of delivered videos are kept. */
  autoDeleteDays?: number;
}

/** What one answer gave: the fields read, and one warning per field that could not be. */
export interface ParsedVideoSettings {
  values: AyoVideoSettings;
  warnings: string[];
}

/** Bounds of the numeric fields (a clip as CLIP_SECONDS allows; a day to ten years of keeping). */
const SETTING_BOUNDS = {
  clip_duration: { min: 5, max: 3600 },
  frame_rate: { min: 1, max: 120 },
  auto_delete: { min: 1, max: 3650 },
} as const;

const isHeight = (n: number) => Number.isInteger(n) && n >= HEIGHT_RANGE.min && n <= HEIGHT_RANGE.max;

/** One height: `720`, `"720"`, `"720p"`. */
function height(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(/^\s*(\d+)\s*p?\s*$/i.exec(v)?.[1]) : NaN;
  return isHeight(n) ? n : undefined;
}

/** `video_quality` in any of AYO's shapes, or undefined when it is none of them. */
function parseQualities(v: unknown): number[] | undefined {
  let list: unknown = v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t.startsWith('[')) {
      try {
        list = JSON.parse(t) as unknown;
      } catch {
        return undefined;
      }
    } else list = t.split(',');
  } else if (typeof v === 'number') list = [v];
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const heights = list.map(height);
  if (!heights.every((h): h is number => h !== undefined)) return undefined;
  return [...new Set(heights)].sort((a, b) => a - b);
}

/** A whole number (or its text, `"30"`, `"30.0"`) within bounds. */
function wholeWithin(v: unknown, bounds: { min: number; max: number }): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.0+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= bounds.min && n <= bounds.max ? n : undefined;
}

/** The settings object inside `data`: the object itself, or the first of a list of one. */
function settingsObject(data: unknown): Record<string, unknown> | undefined {
  const d = Array.isArray(data) && data.length === 1 ? (data[0] as unknown) : data;
  return d && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : undefined;
}

/** A short, safe rendering of a bad value for a warning. */
function shown(v: unknown): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Reads the `data` of `GET video-configuration`. Example:
 * `parseVideoSettings({ video_quality: '[720,1080]', clip_duration: 30 })` →
 * `{ values: { qualities: [720, 1080], clipSeconds: 30 }, warnings: [] }`.
 */
export function parseVideoSettings(data: unknown): ParsedVideoSettings {
  // `data: null` (or none) is a venue with nothing configured: nothing changes, and nothing is wrong.
  if (data === null || data === undefined) return { values: {}, warnings: [] };
  const o = settingsObject(data);
  if (!o) return { values: {}, warnings: ['video-configuration: the answer is not a settings object'] };
  const values: AyoVideoSettings = {};
  const warnings: string[] = [];
  const field = <T>(name: string, read: (v: unknown) => T | undefined, must: string, set: (v: T) => void) => {
    if (!(name in o) || o[name] === null || o[name] === '') return;
    const value = read(o[name]);
    if (value === undefined) warnings.push(`video-configuration: ${name} ${must} (got ${shown(o[name])})`);
    else set(value);
  };
  field('video_quality', parseQualities, 'must list heights, like [720,1080] or "720p"', (v) => (values.qualities = v));
  const b = SETTING_BOUNDS;
  const range = (k: keyof typeof b) => `must be a whole number from ${b[k].min} to ${b[k].max}`;
  field(
    'clip_duration',
    (v) => wholeWithin(v, b.clip_duration),
    range('clip_duration'),
    (v) => (values.clipSeconds = v),
  );
  field(
    'frame_rate',
    (v) => wholeWithin(v, b.frame_rate),
    range('frame_rate'),
    (v) => (values.frameRate = v),
  );
  field(
    'auto_delete',
    (v) => wholeWithin(v, b.auto_delete),
    range('auto_delete'),
    (v) => (values.autoDeleteDays = v),
  );
  return { values, warnings };
}
