// No ffmpeg outlives the service on any exit path (issue 15, build point 4): an uncaught error on the main thread
// is one redacted log line without a stack trace, a stop in order and exit 1; SIGINT stops cleanly; neither leaves
// an ffmpeg of the service running (read from /proc, as ps would).

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, tempDir, waitFor } from './fixtures/helpers.js';
import { spawnService, type ServiceProcess } from './fixtures/service-process.js';

const LONG = 120_000;
const TOKEN = 'exit-path-token-5150';

/** pids of live ffmpeg processes whose command line mentions `dir`. */
function ffmpegsIn(dir: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue;
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(dir) && /(^|\/)ffmpeg /.test(cmd)) out.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

const tmp = tempDir('vr-exit-');
afterAll(() => tmp.cleanup());

async function recordingService(dir: string, entry?: string): Promise<{ p: ServiceProcess; dataDir: string }> {
  const dataDir = path.join(tmp.dir, dir);
  const port = await freePort();
  const p = spawnService(
    {
      DATA_DIR: dataDir,
      PORT: String(port),
      SEGMENT_SECONDS: '1',
      CAMERAS: JSON.stringify([{ name: 'CAM_1', fieldId: 1, url: 'testsrc', enabled: true }]),
      // The token is a configured secret for the crash message to quote; AYO sits at a closed port.
      AYO_API_TOKEN: TOKEN,
      AYO_API_BASE_URL: 'http://127.0.0.1:1',
      AYO_VENUE_CODE: 'V1',
      AYO_VENUE_SECRET: 'exit-path-secret-1',
    },
    entry,
  );
  await waitFor(
    async () =>
      (
        (await fetch(`http://127.0.0.1:${port}/api/cameras`)
          .then((r) => r.json())
          .catch(() => undefined)) as { data: { segmentsLastHour: number }[] } | undefined
      )?.data[0]!.segmentsLastHour,
    'recording',
    LONG,
    200,
  );
  expect(ffmpegsIn(dataDir)).toHaveLength(1);
  return { p, dataDir };
}

describe('every exit path', () => {
  it('an uncaught error: one redacted line, a stop in order, exit 1, no ffmpeg left', async () => {
    const { p, dataDir } = await recordingService('crash', 'test/fixtures/crash-main.ts');
    try {
      p.child.kill('SIGUSR2');
      expect((await p.exited).code).toBe(1);
      const all = [...p.out, ...p.err].join('\n');
      expect(p.out.some((l) => /💥 CRASH: uncaught error: unexpected failure near \*\*\*$/.test(l))).toBe(true);
      expect(all).not.toContain(TOKEN);
      expect(all).not.toMatch(/\n\s+at /);
      expect(p.out.some((l) => l.includes('🛑 SHUTDOWN: uncaught error, stopping'))).toBe(true);
      expect(ffmpegsIn(dataDir)).toEqual([]);
    } finally {
      p.child.kill('SIGKILL');
    }
  }, 300_000);

  it('SIGINT: a clean stop, exit 0, no ffmpeg left', async () => {
    const { p, dataDir } = await recordingService('sigint');
    try {
      p.child.kill('SIGINT');
      expect((await p.exited).code).toBe(0);
      expect(p.out.some((l) => l.includes('🛑 SHUTDOWN: stopped cleanly'))).toBe(true);
      expect(ffmpegsIn(dataDir)).toEqual([]);
    } finally {
      p.child.kill('SIGKILL');
    }
  }, 300_000);
});
