// Reads the structure of a fragmented MP4 that ffmpeg wrote with `frag_keyframe+empty_moov+global_sidx`: where its
// init section (ftyp + moov) ends, each fragment's byte range (moof + mdat) and duration, and its RFC 6381 codecs.
// An HLS playlist then addresses those byte ranges, so the download MP4 is also the top rendition's segments.

import fs from 'node:fs';
import { PermanentError } from '../errors.js';

/** One fragment of the file: a keyframe-started moof + mdat pair. */
export interface Fragment {
  offset: number;
  size: number;
  durationSec: number;
}

/** What a playlist needs to address a fragmented MP4 by byte ranges. */
export interface FragmentIndex {
  /** Bytes [0, initSize) are ftyp + moov: the HLS init section (EXT-X-MAP). */
  initSize: number;
  fragments: Fragment[];
  durationSec: number;
  sizeBytes: number;
  /** `avc1.64001f,mp4a.40.2`-style codecs, when the sample descriptions say. */
  codecs: string | undefined;
  /** Whether the moov comes before the first media data (a download that plays while it arrives). */
  moovFirst: boolean;
}

interface Box {
  type: string;
  offset: number;
  size: number;
  header: number;
}

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = fs.readSync(fd, buf, 0, length, offset);
  return buf.subarray(0, n);
}

/** The top-level boxes of the file, read from their headers only (a 2 GB file costs a few thousand small reads). */
function topLevelBoxes(fd: number, fileSize: number): Box[] {
  const boxes: Box[] = [];
  for (let offset = 0; offset < fileSize;) {
    const h = readAt(fd, offset, 16);
    if (h.length < 8)
      throw new PermanentError(`a box header at byte ${offset} is cut short`, { code: 'ffmpeg-failed' });
    let size = h.readUInt32BE(0);
    let header = 8;
    if (size === 1) {
      size = Number(h.readBigUInt64BE(8));
      header = 16;
    } else if (size === 0) size = fileSize - offset;
    if (size < header || offset + size > fileSize)
      throw new PermanentError(`the box at byte ${offset} runs past the end of the file`, { code: 'ffmpeg-failed' });
    boxes.push({ type: h.toString('latin1', 4, 8), offset, size, header });
    offset += size;
  }
  return boxes;
}

/** A sidx box: its track, timescale and the duration of each referenced fragment. */
interface Sidx {
  trackId: number;
  timescale: number;
  durations: number[];
}

function parseSidx(b: Buffer): Sidx {
  const version = b.readUInt8(8);
  const trackId = b.readUInt32BE(12);
  const timescale = b.readUInt32BE(16);
  let p = version === 0 ? 28 : 36; // earliest_presentation_time and first_offset: 32 or 64 bits each
  p += 2; // reserved
  const count = b.readUInt16BE(p);
  p += 2;
  const durations: number[] = [];
  for (let i = 0; i < count; i++, p += 12) durations.push(b.readUInt32BE(p + 4));
  return { trackId, timescale, durations };
}

/** A descriptor of an esds at `p`: its tag, and where its body starts and ends. */
function descriptor(b: Buffer, p: number): { tag: number; body: number; end: number } | undefined {
  if (p >= b.length) return undefined;
  const tag = b[p++]!;
  let len = 0;
  for (let i = 0; i < 4 && p < b.length; i++) {
    const v = b[p++]!;
    len = (len << 7) | (v & 0x7f);
    if (!(v & 0x80)) break;
  }
  return { tag, body: p, end: p + len };
}

/** `mp4a.40.<audio object type>` from an esds whose descriptors start at `p` (2 is AAC LC). */
function audioCodec(b: Buffer, p: number): string | undefined {
  const es = descriptor(b, p);
  if (es?.tag !== 0x03) return undefined;
  const flags = b[es.body + 2] ?? 0;
  let q = es.body + 3;
  if (flags & 0x80) q += 2; // dependsOn_ES_ID
  if (flags & 0x40) q += 1 + (b[q] ?? 0); // URL
  if (flags & 0x20) q += 2; // OCR_ES_ID
  const config = descriptor(b, q);
  if (config?.tag !== 0x04) return undefined;
  const oti = b[config.body] ?? 0;
  if (oti !== 0x40) return `mp4a.${oti.toString(16)}`;
  const dsi = descriptor(b, config.body + 13);
  const aot = dsi?.tag === 0x05 ? (b[dsi.body] ?? 0) >> 3 : 0;
  return aot > 0 && aot < 31 ? `mp4a.40.${aot}` : undefined;
}

/** The codecs attribute from the sample descriptions in the moov (an avcC's profile and level, an mp4a). */
function codecsOf(moov: Buffer): string | undefined {
  const out: string[] = [];
  const avcC = moov.indexOf('avcC', 0, 'latin1');
  if (avcC >= 0 && avcC + 8 <= moov.length) out.push(`avc1.${moov.subarray(avcC + 5, avcC + 8).toString('hex')}`);
  else return undefined; // an unknown video codec: better no CODECS than a wrong one
  const mp4a = moov.indexOf('mp4a', 0, 'latin1');
  if (mp4a >= 0) {
    const esds = moov.indexOf('esds', mp4a, 'latin1');
    const audio = esds >= 0 ? audioCodec(moov, esds + 8) : undefined;
    if (!audio) return undefined;
    out.push(audio);
  }
  return out.join(',');
}

/**
 * Indexes a fragmented MP4. Throws when it is not one: no moov, no sidx for its first track, or a sidx whose
 * fragment count differs from the moofs found.
 */
export function indexFragmentedMp4(file: string): FragmentIndex {
  const fd = fs.openSync(file, 'r');
  try {
    const fileSize = fs.fstatSync(fd).size;
    const boxes = topLevelBoxes(fd, fileSize);
    const moov = boxes.find((b) => b.type === 'moov');
    const firstMdat = boxes.findIndex((b) => b.type === 'mdat');
    if (!moov) throw new PermanentError(`${file} has no moov box`, { code: 'ffmpeg-failed' });
    const sidxes = boxes
      .filter((b) => b.type === 'sidx')
      .map((b) => parseSidx(readAt(fd, b.offset, Math.min(b.size, 1 << 24))));
    // The sidx of the lowest track id: ffmpeg numbers the video track first (it is mapped first).
    const sidx = sidxes.sort((a, b) => a.trackId - b.trackId)[0];
    const fragments: Fragment[] = [];
    for (let i = 0; i < boxes.length; i++) {
      const moof = boxes[i]!;
      const mdat = boxes[i + 1];
      if (moof.type !== 'moof') continue;
      if (mdat?.type !== 'mdat')
        throw new PermanentError(`the moof at byte ${moof.offset} has no mdat after it`, { code: 'ffmpeg-failed' });
      fragments.push({ offset: moof.offset, size: mdat.offset + mdat.size - moof.offset, durationSec: 0 });
    }
    if (!sidx || sidx.timescale <= 0 || sidx.durations.length !== fragments.length)
      throw new PermanentError(`${file} has no segment index matching its ${fragments.length} fragments`, {
        code: 'ffmpeg-failed',
      });
    fragments.forEach((f, i) => (f.durationSec = sidx.durations[i]! / sidx.timescale));
    return {
      initSize: moov.offset + moov.size,
      fragments,
      durationSec: fragments.reduce((s, f) => s + f.durationSec, 0),
      sizeBytes: fileSize,
      codecs: codecsOf(readAt(fd, moov.offset, Math.min(moov.size, 1 << 24))),
      moovFirst: firstMdat < 0 || boxes.indexOf(moov) < firstMdat,
    };
  } finally {
    fs.closeSync(fd);
  }
}
