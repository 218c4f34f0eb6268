// HLS playlists as text: a VOD media playlist addressing byte ranges of one fragmented MP4 (RFC 8216 version 7:
// EXT-X-MAP and EXT-X-BYTERANGE), and the master playlist listing the renditions. Pure.

import type { FragmentIndex } from './hls-boxes.js';

/** A rendition as the master playlist lists it. */
export interface VariantEntry {
  /** The media playlist's URI relative to the master's. */
  uri: string;
  width: number;
  height: number;
  /** Peak bit rate of a segment, bits/s (what BANDWIDTH means). */
  bandwidth: number;
  /** Mean bit rate over the whole rendition, bits/s. */
  averageBandwidth: number;
  codecs: string | undefined;
  frameRate: number | undefined;
}

/** Peak and mean bit rates of a fragmented MP4's segments, bits/s (the init section counted in the first). */
export function bitRates(index: FragmentIndex): { peak: number; mean: number } {
  let peak = 0;
  let bytes = 0;
  index.fragments.forEach((f, i) => {
    const size = f.size + (i === 0 ? index.initSize : 0);
    bytes += size;
    // A fragment shorter than a second (the last one) would overstate the peak: it is measured over a second.
    peak = Math.max(peak, (size * 8) / Math.max(f.durationSec, 1));
  });
  return { peak: Math.ceil(peak), mean: Math.ceil((bytes * 8) / Math.max(index.durationSec, 0.001)) };
}

/**
 * The VOD media playlist of `index`, every segment a byte range of `uri` (the file, relative to the playlist).
 * Example: `mediaPlaylist(indexFragmentedMp4(f), '../../../mp4/uid.mp4')`.
 */
export function mediaPlaylist(index: FragmentIndex, uri: string): string {
  const target = Math.max(1, ...index.fragments.map((f) => Math.ceil(f.durationSec)));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-MAP:URI="${uri}",BYTERANGE="${index.initSize}@0"`,
  ];
  for (const f of index.fragments)
    lines.push(`#EXTINF:${f.durationSec.toFixed(6)},`, `#EXT-X-BYTERANGE:${f.size}@${f.offset}`, uri);
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** The master playlist listing `variants`, lowest first. */
export function masterPlaylist(variants: readonly VariantEntry[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of [...variants].sort((a, b) => a.height - b.height)) {
    const attrs = [
      `BANDWIDTH=${v.bandwidth}`,
      `AVERAGE-BANDWIDTH=${v.averageBandwidth}`,
      `RESOLUTION=${v.width}x${v.height}`,
      ...(v.codecs ? [`CODECS="${v.codecs}"`] : []),
      ...(v.frameRate ? [`FRAME-RATE=${v.frameRate.toFixed(3)}`] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, v.uri);
  }
  return `${lines.join('\n')}\n`;
}
