// Soak bench (not part of `npm test`): the whole service as a child process for SOAK_MINUTES (default 30) with 8 file
// cameras (a lavfi-generated mp4 looped with -re), the demo's simulated AYO on a fast booking schedule (a booking
// every 45 s on fields 1 and 2, four cameras each), and an object store that flaps (s3rver behind a TCP proxy that is
// up for a minute, then down for a minute). It samples the service process's RSS, open file descriptors
// (/proc/<pid>/fd), threads (/proc/<pid>/task) and ffmpeg children, the disk use of DATA_DIR (recordings, videos) and
// the SQLite size, at the start, every few minutes and at the end, with the videos delivered. Target: no growth beyond
// the data itself (RSS, descriptors, threads and children level off; disk grows with recordings and videos only).
//
// `npm run bench:soak` (SOAK_MINUTES=3 for a short proof; SOAK_FLAP_SECONDS sets the proxy's half-period).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runMediaToEnd } from '../src/media/index.js';
import { startFakeS3 } from '../test/fixtures/s3.js';
import { fmt } from './stats.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const FLAP_MS = Number(process.env.SOAK_FLAP_SECONDS ?? 60) * 1000;
const SAMPLE_MS = Math.max(30_000, Math.round((MINUTES * 60_000) / 10));
const CAMERAS = 8;
if (!(MINUTES > 0) || !(FLAP_MS > 0)) throw new Error('SOAK_MINUTES and SOAK_FLAP_SECONDS must be positive numbers');

/** A TCP proxy to `target` that can be taken down (listener closed, connections cut) and brought back on its port. */
async function startFlappingProxy(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const up = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', resolve);
    });
    port = (server.address() as net.AddressInfo).port;
  };
  const down = async () => {
    const s = server;
    server = undefined;
    for (const c of sockets) c.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await up();
  return { url: () => `http://127.0.0.1:${port}`, up, down, isUp: () => server !== undefined };
}

/** Bytes under `dir` (0 when it does not exist). */
function du(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    try {
      total += e.isDirectory() ? du(p) : fs.statSync(p).size;
    } catch {
      /* deleted meanwhile (retention, a finished cut) */
    }
  }
  return total;
}

const count = (dir: string) => {
  try {
    return fs.readdirSync(dir).length;
  } catch {
    return -1;
  }
};

/** The service's children that are ffmpeg (recorders, clip cuts). */
function ffmpegChildren(pid: number): number {
  let n = 0;
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && stat.includes('(ffmpeg)')) n++;
    } catch {
      /* gone meanwhile */
    }
  }
  return n;
}

interface Sample {
  atMin: number;
  rssMb: number;
  fds: number;
  threads: number;
  ffmpeg: number;
  dataMb: number;
  recordingsMb: number;
  videosMb: number;
  sqliteMb: number;
  walMb: number;
  ready: number;
  waiting: number;
  storeUp: boolean;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vr-soak-'));
const dataDir = path.join(tmp, 'data');
const clipFile = path.join(tmp, 'camera.mp4');
console.log(
  `soak: ${MINUTES} min, ${CAMERAS} file cameras, object store flapping every ${FLAP_MS / 1000} s; in ${tmp}`,
);
await runMediaToEnd(
  'ffmpeg',
  [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=10:duration=20'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=16000:duration=20'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '10', '-keyint_min', '10'],
    ...['-sc_threshold', '0', '-c:a', 'aac', '-b:a', '32k', '-movflags', '+faststart', clipFile],
  ],
  120_000,
);

const s3 = await startFakeS3();
const proxy = await startFlappingProxy(s3.port);
const cameras = Array.from({ length: CAMERAS }, (_, i) => ({
  name: `SOAK_CAM_${i + 1}`,
  fieldId: (i % 2) + 1,
  url: `file://${clipFile}`,
  enabled: true,
}));
const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
  cwd: ROOT,
  env: {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: '0',
    DATA_DIR: dataDir,
    DEMO: 'true',
    DEMO_FIRST_BOOKING_AFTER: '15s',
    DEMO_BOOKING_LENGTH: '30s',
    DEMO_BOOKING_INTERVAL: '45s',
    CAMERAS: JSON.stringify(cameras),
    SEGMENT_SECONDS: '5',
    CLIP_GRACE: '5s',
    VIDEO_SCAN_INTERVAL: '5s',
    MIN_FREE_DISK_MB: '0',
    S3_ENDPOINT: proxy.url(),
    S3_BUCKET: 'videos',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_PUBLIC_BASE_URL: `${proxy.url()}/videos`,
    CONNECTIVITY_INTERVAL: '5s',
    LOG_FORMAT: 'json',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const pid = child.pid!;
let url: string | undefined;
const counts = { lines: 0, warn: 0, error: 0 };
const lastLines: string[] = [];
// The error lines themselves (the first 20), printed with the summary: a soak that logs errors says which.
const errorLines: string[] = [];
let buf = '';
child.stdout.on('data', (chunk: Buffer) => {
  buf += chunk.toString('utf8');
  const lines = buf.split('\n');
  buf = lines.pop() ?? '';
  for (const l of lines) {
    counts.lines++;
    if (/"level":"warn"|\bWARN\b/.test(l)) counts.warn++;
    if (/"level":"error"|\bERROR\b/.test(l) && ++counts.error <= 20) errorLines.push(l);
    url ??= /listening on (http:\/\/[^\s"]+)/.exec(l)?.[1];
    lastLines.push(l);
    if (lastLines.length > 50) lastLines.shift();
  }
});
child.stderr.on('data', (chunk: Buffer) => {
  lastLines.push(chunk.toString('utf8'));
  if (lastLines.length > 50) lastLines.shift();
});
const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

for (const deadline = Date.now() + 60_000; !url; await sleep(200)) {
  if (child.exitCode !== null || Date.now() > deadline)
    throw new Error(`the service did not start:\n${lastLines.join('\n')}`);
}
const base = url;
const videos = async (status: string): Promise<number> => {
  try {
    const res = await fetch(`${base}/api/videos?status=${status}&limit=1000`);
    return ((await res.json()) as { data: unknown[] }).data.length;
  } catch {
    return -1;
  }
};
const waitingJobs = async (): Promise<number> => {
  try {
    const res = await fetch(`${base}/api/queue?limit=500`);
    return ((await res.json()) as { data: { waiting: { jobs: unknown[] } } }).data.waiting.jobs.length;
  } catch {
    return -1;
  }
};

const started = Date.now();
const mb = (bytes: number) => bytes / 1048576;
async function sample(): Promise<Sample> {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const size = (f: string) => {
    try {
      return fs.statSync(path.join(dataDir, f)).size;
    } catch {
      return 0;
    }
  };
  return {
    atMin: (Date.now() - started) / 60_000,
    rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024,
    fds: count(`/proc/${pid}/fd`),
    threads: count(`/proc/${pid}/task`),
    ffmpeg: ffmpegChildren(pid),
    dataMb: mb(du(dataDir)),
    recordingsMb: mb(du(path.join(dataDir, 'media', 'recordings'))),
    videosMb: mb(du(path.join(dataDir, 'media', 'videos'))),
    sqliteMb: mb(size('venue-recorder.db')),
    walMb: mb(size('venue-recorder.db-wal') + size('venue-recorder.db-shm')),
    ready: await videos('ready'),
    waiting: await waitingJobs(),
    storeUp: proxy.isUp(),
  };
}
const row = (s: Sample) =>
  `| ${fmt(s.atMin, 1)} | ${fmt(s.rssMb, 0)} | ${s.fds} | ${s.threads} | ${s.ffmpeg} | ${fmt(s.dataMb, 1)} | ${fmt(s.recordingsMb, 1)} | ${fmt(s.videosMb, 1)} | ${fmt(s.sqliteMb, 2)} | ${fmt(s.walMb, 2)} | ${s.ready} | ${s.waiting} | ${s.storeUp ? 'up' : 'down'} |`;
console.log(
  '| min | RSS MB | fds | threads | ffmpeg | DATA_DIR MB | recordings MB | videos MB | SQLite MB | WAL MB | videos ready | jobs waiting | store |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');

// The cameras take a few seconds to start: the first sample is taken once every recorder runs.
for (const deadline = Date.now() + 60_000; ffmpegChildren(pid) < CAMERAS && Date.now() < deadline;) await sleep(500);
const samples: Sample[] = [await sample()];
console.log(row(samples[0]!));
const flapper = setInterval(() => void (proxy.isUp() ? proxy.down() : proxy.up()), FLAP_MS);
const end = started + MINUTES * 60_000;
while (Date.now() < end && child.exitCode === null) {
  await sleep(Math.min(SAMPLE_MS, end - Date.now()));
  const s = await sample();
  samples.push(s);
  console.log(row(s));
}
clearInterval(flapper);
if (!proxy.isUp()) await proxy.up();
const alive = child.exitCode === null;
const last = samples.at(-1)!;
child.kill('SIGTERM');
const code = await exited;
const objects = du(path.join(s3.dir, 'videos'));
await proxy.down();
await s3.close();

const first = samples[0]!;
const growth = (k: keyof Sample) => `${fmt(first[k] as number, 1)} → ${fmt(last[k] as number, 1)}`;
console.log(
  `\nafter ${fmt(last.atMin, 1)} min (the service ${alive ? 'ran throughout' : 'EXITED EARLY'}; exit ${code}):`,
);
console.log(
  `- RSS ${growth('rssMb')} MB, file descriptors ${growth('fds')}, threads ${growth('threads')}, ffmpeg ${growth('ffmpeg')}`,
);
console.log(
  `- DATA_DIR ${growth('dataMb')} MB (recordings ${growth('recordingsMb')}, videos ${growth('videosMb')}), SQLite ${growth('sqliteMb')} MB (+ WAL ${growth('walMb')} MB)`,
);
console.log(
  `- videos delivered (ready): ${last.ready}; jobs waiting at the end: ${last.waiting}; bucket ${fmt(mb(objects), 1)} MB`,
);
console.log(`- log lines ${counts.lines} (warnings ${counts.warn}, errors ${counts.error})`);
for (const l of errorLines) console.log(`  ${l}`);
fs.rmSync(tmp, { recursive: true, force: true });
if (!alive) {
  console.log(lastLines.join('\n'));
  process.exitCode = 1;
}
