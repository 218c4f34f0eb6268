// Camera credentials are not on ffmpeg's command line (issue 15, finding 5): any local user can read
// /proc/<pid>/cmdline, so the service's recorder reads a camera URL with a password from a list on stdin. Checked
// against a real RTSP camera (GStreamer's RTSP server) recorded by the real service.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, tempDir, waitFor } from './fixtures/helpers.js';
import { startRtspCamera, type RtspCamera } from './fixtures/rtsp-camera.js';
import { spawnService } from './fixtures/service-process.js';

const PASSWORD = 'cam-Pa55-word-7431';
const LONG = 120_000;

/** Command lines (as /proc shows them to every local user) of live ffmpeg processes mentioning `text`. */
function ffmpegCommandLines(text: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue;
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(text) && /(^|\/)ffmpeg /.test(cmd)) out.push(cmd);
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

const tmp = tempDir('vr-camcred-');
let camera: RtspCamera | undefined;
afterAll(async () => {
  await camera?.stop();
  tmp.cleanup();
});

describe('a camera URL with a password', () => {
  it('is recorded while ffmpeg’s command line holds no password', async () => {
    camera = await startRtspCamera();
    const url = `rtsp://admin:${PASSWORD}@127.0.0.1:${camera.port}/stream`;
    const port = await freePort();
    const p = spawnService({
      DATA_DIR: tmp.dir,
      PORT: String(port),
      SEGMENT_SECONDS: '1',
      CAMERAS: JSON.stringify([{ name: 'CAM_RTSP', fieldId: 1, url, enabled: true }]),
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      type Cameras = { data: { url: string; state: string; segmentsLastHour: number }[] };
      const cams = await waitFor(
        async () => {
          const body = (await fetch(`${base}/api/cameras`)
            .then((r) => r.json())
            .catch(() => undefined)) as Cameras | undefined;
          return body && body.data[0]!.segmentsLastHour >= 2 ? body : undefined;
        },
        'segments from the RTSP camera',
        LONG,
        200,
      );
      expect(cams.data[0]!.url).toBe(`rtsp://admin:***@127.0.0.1:${camera.port}/stream`);
      const lines = ffmpegCommandLines(tmp.dir);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('-i pipe:0');
      expect(lines[0]).not.toContain(PASSWORD);
      p.child.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
      expect([...p.out, ...p.err].join('\n')).not.toContain(PASSWORD);
      // What was recorded is real footage.
      const files = fs.readdirSync(path.join(tmp.dir, 'media/recordings/CAM_RTSP'), { recursive: true });
      expect(files.some((f) => String(f).endsWith('.ts'))).toBe(true);
    } finally {
      p.child.kill('SIGKILL');
    }
  }, 240_000);
});
