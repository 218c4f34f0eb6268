// The live view's ffmpeg command (pure): the camera's stream copied, never encoded; a password never on the command
// line; and the playlist reader that finds the newest segment for the snapshot.

import { describe, expect, it } from 'vitest';
import { lastSegmentOf, LIVE_PLAYLIST, liveArgs } from '../src/live/index.js';
import { stdinOf } from '../src/media/input-list.js';

describe('liveArgs', () => {
  it('copies an RTSP camera over TCP into 1 s HLS segments in its own directory, without encoding', () => {
    const args = liveArgs({ url: 'rtsp://10.0.0.5/stream1', dir: '/data/live/CAM_1' });
    const s = args.join(' ');
    expect(s).toContain('-rtsp_transport tcp');
    expect(s).toContain('-i rtsp://10.0.0.5/stream1');
    expect(s).toContain('-c:v copy');
    expect(s).toContain('-an');
    expect(s).not.toMatch(/libx264|-vf|-filter/);
    expect(s).toContain('-hls_time 1');
    expect(s).toContain('delete_segments');
    expect(args.at(-1)).toBe(`/data/live/CAM_1/${LIVE_PLAYLIST}`);
    expect(args[args.indexOf('-hls_segment_filename') + 1]).toBe('/data/live/CAM_1/seg_%06d.ts');
  });

  it('reads a camera with a password through the list on stdin, not the command line', () => {
    const args = liveArgs({ url: 'rtsp://admin:hunter2secret@10.0.0.5/stream1', dir: '/d' });
    expect(args.join(' ')).not.toContain('hunter2secret');
    expect(args.join(' ')).toContain('-i pipe:0');
    const list = stdinOf(args)!;
    expect(list).toContain("file 'rtsp://admin:hunter2secret@10.0.0.5/stream1'");
    expect(list).toContain('option rtsp_transport tcp');
  });

  it('encodes only the synthetic testsrc, which has no stream to copy', () => {
    expect(liveArgs({ url: 'testsrc', dir: '/d' }).join(' ')).toContain('-c:v libx264');
    expect(liveArgs({ url: 'http://cam/stream.ts', dir: '/d' }).join(' ')).toContain('-rw_timeout');
  });
});

describe('lastSegmentOf', () => {
  it('names the newest listed segment and its length, and nothing for an empty or foreign playlist', () => {
    const playlist =
      '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.000000,\nseg_000004.ts\n#EXTINF:0.900000,\nseg_000005.ts\n';
    expect(lastSegmentOf(playlist)).toEqual({ file: 'seg_000005.ts', durationSec: 0.9 });
    expect(lastSegmentOf('#EXTM3U\n')).toBeUndefined();
    expect(lastSegmentOf(undefined)).toBeUndefined();
    expect(lastSegmentOf('#EXTINF:1,\n../../venue-recorder.db\n')).toBeUndefined();
  });
});
