// bench:live: what a watched camera costs. The service (forked, as in production) records the time-coded HTTP camera;
// its CPU (the node process and every child, from /proc) is measured with nobody watching, then while headless
// Chromium plays the dashboard's live view (which starts the live ffmpeg: a second pull, stream copy into 1 s HLS),
// then unwatched again once the view stopped. Glass to glass: the frame the page draws to a canvas shows the
// millisecond the camera made it, sampled every second while watched. Targets: latency <= 5 s; watched CPU within
// 2 percentage points (of one core) of the unwatched camera.
//
// Usage: npm run bench:live [-- --seconds 30]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { waitFor } from '../test/fixtures/helpers.js';
import { spawnService } from '../test/fixtures/service-process.js';
import { timedFramesOf } from '../test/fixtures/timecode.js';
import { startTimecodedCamera } from '../test/fixtures/timecoded-camera.js';
import { fmt, median, verdict } from './stats.js';

const SECONDS = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 30) || 30;
const CAMERA = 'BENCH_LIVE';
const TICK_MS = 1000 / 100; // USER_HZ

/** Every process of the tree under `root` (itself included), with its CPU time so far in ms. */
function treeCpu(root: number): Map<number, number> {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      cpu.set(Number(d), (Number(f[11]) + Number(f[12])) * TICK_MS);
    } catch {
      // exited meanwhile
    }
  }
  const out = new Map<number, number>();
  const inTree = (pid: number): boolean => pid === root || (parent.has(pid) && pid > 1 && inTree(parent.get(pid)!));
  for (const [pid, ms] of cpu) if (inTree(pid)) out.set(pid, ms);
  return out;
}

/** The tree's CPU use over `ms`, in percent of one core. */
async function cpuPercent(root: number, ms: number, during?: () => Promise<void>): Promise<number> {
  const before = treeCpu(root);
  const t0 = performance.now();
  const stop = Date.now() + ms;
  while (Date.now() < stop) {
    await during?.();
    await new Promise((r) => setTimeout(r, 1000));
  }
  const after = treeCpu(root);
  const elapsed = performance.now() - t0;
  let used = 0;
  for (const [pid, v] of after) used += v - (before.get(pid) ?? 0);
  return (100 * used) / elapsed;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-live-'));
const camera = await startTimecodedCamera();
const service = spawnService({
  PORT: '0',
  DATA_DIR: tmp,
  MIN_FREE_DISK_MB: '0',
  LIVE_IDLE_TIMEOUT: '5s',
  CAMERAS: JSON.stringify([{ name: CAMERA, fieldId: 1, url: camera.url, enabled: true }]),
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required', '--no-first-run'],
});
try {
  const url = await service.url();
  const pid = service.child.pid!;
  const get = async <T>(p: string) => ((await (await fetch(url + p)).json()) as { data: T }).data;
  await waitFor(
    async () => (await get<{ state: string }[]>('/api/cameras'))[0]?.state === 'recording',
    'the camera to record',
    120_000,
    500,
  );
  await new Promise((r) => setTimeout(r, 5_000)); // past the start-up's own work
  console.log(
    `bench:live — ${SECONDS} s per phase, one time-coded camera (160x120, 15 fps), CPU of the service's process tree`,
  );
  const unwatched = await cpuPercent(pid, SECONDS * 1000);

  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  await page.goto(`${url}/#/live/${CAMERA}`);
  const time = () => page.evaluate<number>(`document.querySelector('#live-video')?.currentTime ?? 0`);
  await waitFor(async () => (await time()) > 2, 'the live view to play', 60_000, 200);
  const latencies: number[] = [];
  const frameFile = path.join(tmp, 'canvas.png');
  const sample = async () => {
    const shot = await page.evaluate<{ png: string; at: number }>(`(() => {
      const c = document.createElement('canvas'); c.width = 160; c.height = 120;
      c.getContext('2d').drawImage(document.querySelector('#live-video'), 0, 0, 160, 120);
      return { png: c.toDataURL('image/png'), at: Date.now() };
    })()`);
    fs.writeFileSync(frameFile, Buffer.from(shot.png.split(',')[1]!, 'base64'));
    const [frame] = await timedFramesOf(frameFile, shot.at);
    if (frame?.ms !== undefined) latencies.push(shot.at - frame.ms);
  };
  const watched = await cpuPercent(pid, SECONDS * 1000, sample);
  await page.close();
  await waitFor(async () => (await get<unknown[]>('/api/live')).length === 0, 'the live view to stop', 60_000, 500);
  const after = await cpuPercent(pid, SECONDS * 1000);

  const sorted = [...latencies].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? NaN;
  const baseline = (unwatched + after) / 2;
  console.log('');
  console.log('| phase | service CPU (% of one core) |');
  console.log('|---|---|');
  console.log(`| unwatched (baseline, before) | ${fmt(unwatched, 2)} |`);
  console.log(`| watched (live view playing) | ${fmt(watched, 2)} |`);
  console.log(`| unwatched (baseline, after the view stopped) | ${fmt(after, 2)} |`);
  console.log('');
  const extra = watched - baseline;
  console.log(`extra CPU per watched camera: ${fmt(extra, 2)} percentage points (target <= 2) ${verdict(extra <= 2)}`);
  console.log(
    `glass-to-glass latency (${latencies.length} canvas frames): median ${fmt(median(latencies) / 1000, 2)} s, p95 ${fmt(p95 / 1000, 2)} s, max ${fmt((sorted.at(-1) ?? NaN) / 1000, 2)} s (target <= 5 s) ${verdict(p95 <= 5_000)}`,
  );
} finally {
  await browser.close();
  service.child.kill('SIGTERM');
  await service.exited;
  await camera.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
