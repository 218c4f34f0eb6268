// Logging never kills the service, and no ffmpeg outlives it (issue 15, finding 3): the real service piped into
// `head -1` keeps recording after its stdout closes and stops cleanly; after kill -9 its ffmpeg dies with it; and a
// start stops the ffmpeg an earlier run left writing into this DATA_DIR, never an unrelated process.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, tempDir, waitFor } from './fixtures/helpers.js';
import { spawnService } from './fixtures/service-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LONG = 120_000;

/** Live (not zombie) processes whose command line mentions `text`, read from /proc as `ps` would. */
function processesMentioning(text: string): { pid: number; ppid: number; cmd: string }[] {
  const out: { pid: number; ppid: number; cmd: string }[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(text)) out.push({ pid: Number(name), ppid: Number(ppid), cmd });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

const ffmpegsIn = (dir: string) => processesMentioning(dir).filter((p) => /(^|\/)ffmpeg /.test(p.cmd));
const isAlive = (pid: number) => processesMentioning('').some((p) => p.pid === pid);

/**
 * An ffmpeg recording testsrc into `pattern`, as a recorder of an earlier, killed run would: orphaned (setsid -f
 * forks it off and returns, so its parent is init or a reaper, not a Node process). Resolves with its pid.
 */
async function strayFfmpeg(pattern: string): Promise<number> {
  fs.mkdirSync(path.dirname(pattern), { recursive: true });
  const args = ['-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=5'];
  const launcher = spawn(
    'setsid',
    ['-f', 'ffmpeg', ...args, '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'segment', pattern],
    { stdio: 'ignore' },
  );
  await new Promise((r) => launcher.on('exit', r));
  const found = await waitFor(
    () => processesMentioning(pattern).find((p) => /(^|\/)ffmpeg /.test(p.cmd)),
    `an ffmpeg writing ${pattern}`,
    LONG,
    100,
  );
  return found.pid;
}

async function json<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

type Cameras = { data: { name: string; state: string; segmentsLastHour: number }[] };
const segmentsOf = async (base: string) => (await json<Cameras>(`${base}/api/cameras`)).data[0]!.segmentsLastHour;

const cameraEnv = (dataDir: string, port: number) => ({
  DATA_DIR: dataDir,
  PORT: String(port),
  SEGMENT_SECONDS: '1',
  CAMERAS: JSON.stringify([{ name: 'CAM_1', fieldId: 1, url: 'testsrc', enabled: true }]),
});

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('vr-epipe-');
});
afterAll(() => {
  for (const p of ffmpegsIn(tmp.dir)) process.kill(p.pid, 'SIGKILL');
  tmp.cleanup();
});

describe('a closed stdout', () => {
  it('piped into head -1: the service keeps recording, then stops cleanly leaving no ffmpeg', async () => {
    const dataDir = path.join(tmp.dir, 'head');
    const port = await freePort();
    const head = spawn('head', ['-1'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let firstLine = '';
    head.stdout.on('data', (c: Buffer) => (firstLine += c.toString('utf8')));
    const headExited = new Promise((r) => head.on('exit', r));
    // `node src/main.ts | head -1`: the service's stdout is head's stdin, and only the service holds its write end.
    const service = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...cameraEnv(dataDir, port) },
      stdio: ['ignore', head.stdin, 'pipe'],
    });
    head.stdin.destroy();
    const err: string[] = [];
    service.stderr.on('data', (c: Buffer) => err.push(...c.toString('utf8').split('\n')));
    const exited = new Promise<number | null>((r) => service.on('exit', (code) => r(code)));
    try {
      await headExited;
      expect(firstLine).toMatch(/^\d{4}-\d\d-\d\dT.*Z (INFO |WARN ) /);
      // The next line the service writes meets EPIPE: it says so on stderr and goes on logging there.
      await waitFor(() => err.some((l) => /stdout is closed \(EPIPE\)/.test(l)), 'the EPIPE notice', LONG, 100);
      const base = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await segmentsOf(base)) >= 1, 'a first segment', LONG, 200);
      const before = await segmentsOf(base);
      await waitFor(async () => (await segmentsOf(base)) >= before + 2, 'recording to go on', LONG, 200);
      expect(service.exitCode).toBeNull();
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(ffmpegsIn(dataDir).length).toBeLessThanOrEqual(1);
      expect(err.some((l) => l.includes('🎥 RECORDING: CAM_1'))).toBe(true);

      service.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(err.some((l) => l.includes('🛑 SHUTDOWN: stopped cleanly'))).toBe(true);
      expect(ffmpegsIn(dataDir)).toEqual([]);
    } finally {
      service.kill('SIGKILL');
    }
  }, 300_000);
});

describe('ffmpeg and the service', () => {
  it('after kill -9 its ffmpeg dies with it; a restart stops an earlier run’s orphan, never another process, and records', async () => {
    const dataDir = path.join(tmp.dir, 'kill9');
    // What an earlier run killed by kill -9 (without dies-with-parent) left behind, and an ffmpeg writing elsewhere.
    const orphan = await strayFfmpeg(path.join(dataDir, 'media/recordings/CAM_1/.incoming/1700000000000_%06d.ts'));
    const unrelated = await strayFfmpeg(path.join(tmp.dir, 'elsewhere/out_%06d.ts'));
    // An ffmpeg of a live Node process on the same DATA_DIR (another service started by mistake) is left alone.
    // (Not under $DATA_DIR/live: the live view's own directory, which the service clears at start.)
    fs.mkdirSync(path.join(dataDir, 'other'), { recursive: true });
    const live = spawn(
      'ffmpeg',
      [
        '-nostdin',
        '-loglevel',
        'error',
        '-re',
        '-f',
        'lavfi',
        '-i',
        'testsrc=rate=5',
        '-f',
        'segment',
        path.join(dataDir, 'other/l_%06d.ts'),
      ],
      { stdio: 'ignore' },
    );
    const ffmpegsOfService = () => ffmpegsIn(dataDir).filter((p) => p.pid !== live.pid);
    // Killed whatever the test reaches: a service left running would record (and load the machine) for the rest of
    // the suite.
    let started: ReturnType<typeof spawnService> | undefined;
    try {
      expect(ffmpegsOfService().map((p) => p.pid)).toEqual([orphan]);
      await waitFor(() => isAlive(live.pid!), 'the live ffmpeg to run', LONG, 100);
      const port = await freePort();
      const first = spawnService(cameraEnv(dataDir, port));
      started = first;
      const base = `http://127.0.0.1:${port}`;
      await waitFor(
        () => first.out.find((l) => /stopped 1 ffmpeg process\(es\) an earlier run left/.test(l)),
        'the orphan to be stopped',
        LONG,
        100,
      );
      await waitFor(() => !isAlive(orphan), 'the orphan to be gone', LONG, 100);
      expect(isAlive(unrelated)).toBe(true);
      expect(isAlive(live.pid!)).toBe(true);
      await waitFor(async () => (await segmentsOf(base).catch(() => 0)) >= 2, 'recording', LONG, 200);
      const recorded = await segmentsOf(base);
      const own = await waitFor(
        () => ffmpegsOfService().find((p) => p.ppid === first.child.pid),
        'the service’s ffmpeg',
        LONG,
        100,
      );

      // kill -9 of the service alone, as the OOM killer would: its ffmpeg must not go on writing.
      process.kill(first.child.pid!, 'SIGKILL');
      await first.exited;
      await waitFor(() => !isAlive(own.pid), 'the killed service’s ffmpeg to die', 30_000, 100);
      expect(ffmpegsOfService()).toEqual([]);

      const second = spawnService(cameraEnv(dataDir, port));
      try {
        await waitFor(
          async () => (await segmentsOf(base).catch(() => 0)) >= recorded + 2,
          'recording to resume',
          LONG,
          200,
        );
        expect(ffmpegsOfService().map((p) => p.ppid)).toEqual([second.child.pid]);
        second.child.kill('SIGTERM');
        expect((await second.exited).code).toBe(0);
        expect(ffmpegsOfService()).toEqual([]);
      } finally {
        second.child.kill('SIGKILL');
      }
      expect(isAlive(unrelated)).toBe(true);
      expect(isAlive(live.pid!)).toBe(true);
    } finally {
      started?.child.kill('SIGKILL');
      live.kill('SIGKILL');
      for (const pid of [orphan, unrelated]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 400_000);
});
