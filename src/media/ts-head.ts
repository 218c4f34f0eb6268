// Reads where a recorded MPEG-TS segment really starts: the timestamp of its first video packet. ffmpeg's segment
// list gives a run's first segment the start 0, while its first packet is the camera's first keyframe, up to a
// keyframe interval later (a camera joined mid-GOP: the frames before it are not copied).

import fs from 'node:fs';

/**
 * What ffmpeg's MPEG-TS muxer adds to every timestamp it writes (twice its default -muxdelay of 0.7 s, room for
 * decoding timestamps before presentation), in seconds: a segment file's timestamps minus this are the run's.
 */
export const TS_MUX_OFFSET_SEC = 1.4;

const PACKET = 188;
const HEAD_BYTES = 256 * 1024;

/** The presentation time (seconds, 33-bit PTS / 90 kHz) of the first video PES packet in `file`'s first 256 KiB. */
export function firstVideoPts(file: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = fs.readSync(fd, buf, 0, HEAD_BYTES, 0);
    for (let o = 0; o + PACKET <= n; o += PACKET) {
      if (buf[o] !== 0x47) return undefined;
      if (!(buf[o + 1]! & 0x40)) continue; // not the start of a PES packet
      const afc = (buf[o + 3]! >> 4) & 0x3;
      if (!(afc & 0x1)) continue; // no payload
      const p = o + 4 + (afc & 0x2 ? 1 + buf[o + 4]! : 0);
      if (p + 14 > o + PACKET) continue;
      if (buf[p] !== 0 || buf[p + 1] !== 0 || buf[p + 2] !== 1) continue;
      const streamId = buf[p + 3]!;
      if (streamId < 0xe0 || streamId > 0xef) continue; // video streams only
      if (!(buf[p + 7]! & 0x80)) continue; // no PTS
      const b = (i: number) => buf[p + 9 + i]!;
      const pts = ((b(0) >> 1) & 0x7) * 2 ** 30 + (b(1) << 22) + ((b(2) >> 1) << 15) + (b(3) << 7) + (b(4) >> 1);
      return pts / 90_000;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
