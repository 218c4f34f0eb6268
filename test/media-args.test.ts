import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError, secretsOf } from '../src/config.js';
import { parseSegmentListLine, recordArgs } from '../src/media/index.js';
import { stdinOf } from '../src/media/input-list.js';
import { parseCameras, redactUrl } from '../src/recording/cameras.js';

describe('recording arguments', () => {
  it('records an RTSP camera over TCP by stream copy into MPEG-TS segments listed on stdout', () => {
    const args = recordArgs({
      url: 'rtsp://u@10.0.0.5:554/s',
      segmentSeconds: 10,
      outputPattern: '/d/CAM/.incoming/1_%06d.ts',
    });
    expect(args.join(' ')).toBe(
      '-hide_banner -nostdin -loglevel error -rtsp_transport tcp -timeout 10000000 -i rtsp://u@10.0.0.5:554/s ' +
        '-map 0:v -map 0:a? -c copy -progress pipe:1 ' +
        '-f segment -segment_time 10 -segment_format mpegts -reset_timestamps 0 ' +
        '-segment_list pipe:1 -segment_list_type csv /d/CAM/.incoming/1_%06d.ts',
    );
  });

  it('keeps a camera URL with credentials off the command line: ffmpeg reads it from a list on stdin', () => {
    for (const [url, options] of [
      ['rtsp://admin:s3cret@10.0.0.5:554/s', ['option rtsp_transport tcp', 'option timeout 10000000']],
      ["http://10.0.0.6/video.cgi?user=admin&pwd=s3cret&it's=1", ['option rw_timeout 10000000']],
    ] as const) {
      const args = recordArgs({ url, segmentSeconds: 10, outputPattern: '/d/CAM/.incoming/1_%06d.ts' });
      expect(args.join(' ')).not.toContain('s3cret');
      expect(args.join(' ')).toContain('-f concat -safe 0 -protocol_whitelist ');
      expect(args.slice(args.indexOf('-i'), args.indexOf('-i') + 2)).toEqual(['-i', 'pipe:0']);
      expect(stdinOf(args)).toBe(
        ['ffconcat version 1.0', `file '${url.replace(/'/g, "'\\''")}'`, ...options].join('\n') + '\n',
      );
    }
    // Without credentials nothing changes, and nothing is fed on stdin.
    const plain = recordArgs({ url: 'rtsp://10.0.0.5/s', segmentSeconds: 10, outputPattern: 'o' });
    expect(plain).toContain('rtsp://10.0.0.5/s');
    expect(stdinOf(plain)).toBeUndefined();
  });

  it('loops a file at real time and encodes the synthetic testsrc with a keyframe at each segment', () => {
    expect(recordArgs({ url: 'file:///media/a%20b.mp4', segmentSeconds: 5, outputPattern: 'o' }).slice(4, 9)).toEqual([
      '-re',
      '-stream_loop',
      '-1',
      '-i',
      '/media/a b.mp4',
    ]);
    const t = recordArgs({
      url: 'testsrc',
      segmentSeconds: 5,
      outputPattern: 'o',
      testsrc: { width: 160, height: 90, fps: 10 },
    });
    expect(t).toContain('testsrc=size=160x90:rate=10');
    expect(t).toContain('expr:gte(t,n_forced*5)');
    expect(t).toContain('libx264');
  });

  it('parses segment list lines and ignores anything else', () => {
    expect(parseSegmentListLine('1_000001.ts,2.064000,4.064000')).toEqual({
      file: '1_000001.ts',
      start: 2.064,
      end: 4.064,
    });
    expect(parseSegmentListLine('garbage')).toBeUndefined();
    expect(parseSegmentListLine('a.ts,5,4')).toBeUndefined();
  });
});

describe('camera configuration', () => {
  const cam = {
    name: 'CAMERA_1',
    fieldId: 50,
    url: 'rtsp://admin:s3cretPass@192.168.1.101:554/Streaming/Channels/101',
    enabled: true,
  };

  it('parses CAMERAS and keeps the camera passwords out of every message and log', () => {
    const c = loadConfig({ CAMERAS: JSON.stringify([cam, { name: 'CAMERA_2', fieldId: 51, url: 'testsrc' }]) });
    expect(c.cameras).toEqual([cam, { name: 'CAMERA_2', fieldId: 51, url: 'testsrc', enabled: true }]);
    expect(secretsOf(c)).toContain('s3cretPass');
    expect(redactUrl(cam.url)).toBe('rtsp://admin:***@192.168.1.101:554/Streaming/Channels/101');
  });

  it('reads CAMERAS_FILE, and names it when it cannot be read or holds bad JSON', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr-cams-'));
    try {
      const file = path.join(dir, 'cameras.json');
      fs.writeFileSync(file, JSON.stringify([cam]));
      expect(loadConfig({ CAMERAS_FILE: file }).cameras).toEqual([cam]);
      const problemsOf = (env: Record<string, string>) => {
        try {
          loadConfig(env);
        } catch (e) {
          return (e as ConfigError).problems;
        }
        throw new Error('expected a ConfigError');
      };
      expect(problemsOf({ CAMERAS_FILE: path.join(dir, 'missing.json') })).toEqual([
        `CAMERAS_FILE cannot be read (ENOENT: ${path.join(dir, 'missing.json')})`,
      ]);
      fs.writeFileSync(file, '[{"name": ');
      expect(problemsOf({ CAMERAS_FILE: file })[0]).toMatch(/^CAMERAS_FILE is not valid JSON/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names every bad camera and never echoes a password', () => {
    const { problems } = parseCameras(
      JSON.stringify([
        { ...cam, name: 'bad name/..' },
        { ...cam, fieldId: 'x' },
        { ...cam, name: 'CAMERA_3', url: 'ftp://admin:s3cretPass@h/x' },
        { ...cam, name: 'CAMERA_1' },
        42,
      ]),
      'CAMERAS',
    );
    expect(problems.join('\n')).toMatch(/CAMERAS\[0\]\.name must match/);
    expect(problems.join('\n')).toMatch(/CAMERAS\[1\]\.fieldId must be a whole number/);
    expect(problems.join('\n')).toMatch(/CAMERAS\[2\]\.url must be rtsp/);
    expect(problems.join('\n')).toMatch(/CAMERAS\[3\]\.name CAMERA_1 is used twice/);
    expect(problems.join('\n')).toMatch(/CAMERAS\[4\] must be an object/);
    expect(problems.join('\n')).not.toContain('s3cretPass');
    expect(parseCameras('{not json', 'CAMERAS').problems[0]).toMatch(/^CAMERAS is not valid JSON/);
    // The parser's own message may quote the text (Node 22+): a password in it never reaches the problem.
    const broken = parseCameras('[{"name":"C","url":"rtsp://admin:hunter22@cam/1",}]', 'CAMERAS').problems[0]!;
    expect(broken).toMatch(/^CAMERAS is not valid JSON/);
    expect(broken).not.toContain('hunter22');
    try {
      loadConfig({ CAMERAS: '[]', CAMERAS_FILE: '/x' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as ConfigError).problems).toEqual(['CAMERAS and CAMERAS_FILE are both set: use one']);
    }
  });
});
