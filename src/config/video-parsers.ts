// Parsers of the venue video variables (issue 11): rendition heights, the watermark's source, corner and opacity.

import path from 'node:path';
import { rule, type Parser } from './parser.js';

/** Heights a rendition may have (AYO's `video_quality` speaks of these). */
export const HEIGHT_RANGE = { min: 144, max: 2160 } as const;
const isHeight = (n: unknown): n is number =>
  Number.isSafeInteger(n) && (n as number) >= HEIGHT_RANGE.min && (n as number) <= HEIGHT_RANGE.max;

/** A comma list of heights such as `480,720,1080` (a `p` suffix is allowed), sorted, without duplicates. */
export const heights = (): Parser<number[]> =>
  rule(
    `must be a comma-separated list of heights from ${HEIGHT_RANGE.min} to ${HEIGHT_RANGE.max}, like 480,720,1080`,
    (s) => {
      const list = s.split(',').map((x) => /^\s*(\d+)p?\s*$/i.exec(x)?.[1]);
      const nums = list.map(Number);
      return list.every((x) => x !== undefined) && nums.every(isHeight)
        ? [...new Set(nums)].sort((a, b) => a - b)
        : undefined;
    },
    (v) => Array.isArray(v) && v.length > 0 && v.every(isHeight),
  );

/** Where the watermark comes from: AYO's images, none, or one PNG file. */
export type WatermarkSource = { kind: 'ayo' } | { kind: 'off' } | { kind: 'file'; path: string };

/** `ayo`, `off`, or a path to a PNG (made absolute). */
export const watermarkSource = (): Parser<WatermarkSource> =>
  rule(
    'must be ayo, off, or the path of a .png file',
    (s): WatermarkSource | undefined =>
      s === 'ayo'
        ? { kind: 'ayo' }
        : s === 'off'
          ? { kind: 'off' }
          : /\.png$/i.test(s)
            ? { kind: 'file', path: path.resolve(s) }
            : undefined,
    (v) => {
      const w = v as WatermarkSource | undefined;
      return w?.kind === 'ayo' || w?.kind === 'off' || (w?.kind === 'file' && path.isAbsolute(w.path));
    },
  );

/** A number from 0 to 1 (`0.8`). */
export const fraction = (): Parser<number> =>
  rule(
    'must be a number from 0 to 1, like 0.8',
    (s) => (/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(s) ? Number(s) : undefined),
    (v) => typeof v === 'number' && v >= 0 && v <= 1,
  );
