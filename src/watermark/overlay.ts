// The ffmpeg pieces that draw a watermark on a video of a given height: the extra input and the filter graph
// segment. Pure; the preview uses it today, the purchased renditions will (issue 11's later parts).

import type { WatermarkPosition } from '../config/video-settings-env.js';

/** One watermark image and the resolution (output height) it was made for. */
export interface WatermarkImage {
  resolution: number;
  file: string;
}

/** The watermark in force: off, or the images and how they are placed. */
export type WatermarkInForce =
  | { mode: 'off'; why: string }
  | {
      mode: 'on';
      /** `ayo` (AYO's images) or `file` (WATERMARK's PNG). */
      source: 'ayo' | 'file';
      images: WatermarkImage[];
      position: WatermarkPosition;
      margin: number;
      opacity: number;
    };

/** What an ffmpeg command adds to draw the watermark. */
export interface WatermarkOverlay {
  /** Arguments adding the image as an input (put them after the command's other inputs). */
  inputs: string[];
  /** The file drawn and the resolution it was made for. */
  image: WatermarkImage;
  /** Filter graph text drawing it: reads `[from]`, image input `#inputIndex`, writes `[to]`. */
  filter(from: string, to: string, inputIndex: number): string;
}

/** The image whose resolution is nearest `height` (the larger on a tie, so it is scaled down rather than up). */
export function nearestImage(images: readonly WatermarkImage[], height: number): WatermarkImage | undefined {
  let best: WatermarkImage | undefined;
  for (const img of images) {
    const d = Math.abs(img.resolution - height);
    const bd = best ? Math.abs(best.resolution - height) : Infinity;
    if (d < bd || (d === bd && best && img.resolution > best.resolution)) best = img;
  }
  return best;
}

/** Overlay coordinates of a corner, `margin` pixels in from both edges. */
function place(position: WatermarkPosition, margin: number): string {
  const x = position.endsWith('left') ? `${margin}` : `main_w-overlay_w-${margin}`;
  const y = position.startsWith('top') ? `${margin}` : `main_h-overlay_h-${margin}`;
  return `x=${x}:y=${y}`;
}

/**
 * The overlay drawing the watermark on a video `height` lines high, or undefined when it is off or no image exists.
 * The image for the nearest resolution is scaled by height/resolution, made `opacity` opaque, and drawn at its
 * corner. Example: `const w = watermarkOverlay(inForce, 480); args.push(...w.inputs); graph += w.filter('[v]', '[out]', 1)`.
 */
export function watermarkOverlay(w: WatermarkInForce, height: number): WatermarkOverlay | undefined {
  if (w.mode !== 'on') return undefined;
  const image = nearestImage(w.images, height);
  if (!image) return undefined;
  const scale = height / image.resolution;
  return {
    inputs: ['-i', image.file],
    image,
    filter: (from, to, i) =>
      `[${i}:v]format=rgba,scale=trunc(iw*${scale.toFixed(4)}/2)*2:-2,colorchannelmixer=aa=${w.opacity}[wm${i}];` +
      `${from}[wm${i}]overlay=${place(w.position, w.margin)}:eof_action=repeat:format=auto,format=yuv420p${to}`,
  };
}
