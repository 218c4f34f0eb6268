// Benchmarks of the metrics: (1) one /metrics scrape with 16 cameras and a full label set, beside the same
// registry rendered with no service labels set (prom-client's defaults only); (2) GET /api/bookings throughput
// with metrics on (the HTTP hook counting every request) against metrics off, in the same run.
// Run: npm run bench:metrics

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { parseBookings } from '../src/ayo/index.js';
import { createBookingsRepo, openDatabase } from '../src/db/index.js';
import { createHttpApp, startHttpServer } from '../src/http/index.js';
import { silentLogger } from '../src/log.js';
import { createMetrics, createScrapeCollector, type Metrics } from '../src/metrics/index.js';
import { makeAyoBookings } from './ayo-fixture.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-metrics-'));
const db = openDatabase(path.join(tmp, 'db.sqlite'));
const bookings = createBookingsRepo(db);
const { bookings: parsed } = parseBookings(makeAyoBookings(2_000, '2025-04-01', 20), 'Asia/Jakarta');
db.transaction(() => {
  for (const b of parsed) bookings.upsert(b, new Date().toISOString());
})();

const CAMERAS = Array.from({ length: 16 }, (_, i) => `CAM_${String(i + 1).padStart(2, '0')}`);
const ROUTES = ['/api/bookings', '/api/bookings/**', '/api/videos', '/api/cameras', '/metrics', '/readyz'];

/** Every label combination a busy venue box would have. */
function fill(m: Metrics): void {
  for (const camera of CAMERAS) {
    m.cameraRecording.set({ camera }, 1);
    for (const state of ['recording', 'reconnecting', 'offline', 'disabled'])
      m.cameraState.set({ camera, state }, state === 'recording' ? 1 : 0);
    m.segments.inc({ camera }, 1000);
    for (const reason of ['exit', 'stall', 'missing']) m.ffmpegRestarts.inc({ camera, reason });
    m.gapSeconds.inc({ camera }, 12);
    for (let i = 0; i < 20; i++) {
      m.clipSeconds.observe({ camera }, 3 + i);
      m.clipCoverage.observe({ camera }, 0.9 + i / 200);
    }
    m.actorUp.set({ actor: `recorder:${camera}` }, 1);
  }
  for (const actor of ['connectivity', 'sync', 'video', 'upload', 'notify']) {
    m.actorUp.set({ actor }, 1);
    m.actorRestarts.inc({ actor });
  }
  for (const route of ROUTES)
    for (const status of ['200', '400', '404']) {
      m.httpRequests.inc({ route, method: 'GET', status }, 10);
      m.httpSeconds.observe({ route, method: 'GET' }, 0.004);
    }
  for (const outcome of ['success', 'retry', 'failed']) {
    m.uploads.inc({ outcome });
    m.notifications.inc({ outcome });
    m.syncRuns.inc({ outcome });
  }
  for (const dependency of ['ayo', 'object-store']) {
    m.circuit.set({ dependency }, 0);
    m.connectivity.set({ dependency }, 1);
  }
}

async function timeScrapes(m: Metrics, collect: () => void, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    collect();
    await m.registry.metrics();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

const full = createMetrics();
fill(full);
const fullCollect = createScrapeCollector(db, full, { cameras: CAMERAS, dataDir: tmp });
const bare = createMetrics();
await timeScrapes(full, fullCollect, 50);
const fullTimes = await timeScrapes(full, fullCollect, 300);
const bareTimes = await timeScrapes(bare, () => undefined, 300);
const q = (xs: number[], p: number) => xs[Math.floor(xs.length * p)]!;
const lines = (await full.registry.metrics()).split('\n').filter((l) => l && !l.startsWith('#')).length;
console.log(
  `/metrics scrape, 16 cameras, full label set (${lines} series), scrape-time database gauges included: median ${q(fullTimes, 0.5).toFixed(2)} ms, p95 ${q(fullTimes, 0.95).toFixed(2)} ms (target < 5 ms)`,
);
console.log(
  `baseline, prom-client defaults only: median ${q(bareTimes, 0.5).toFixed(2)} ms, p95 ${q(bareTimes, 0.95).toFixed(2)} ms`,
);

async function throughput(withMetrics: boolean): Promise<number> {
  const m = createMetrics();
  const app = createHttpApp({
    db,
    apiKey: undefined,
    logger: silentLogger,
    metrics: withMetrics ? { metrics: m, collect: () => undefined } : undefined,
  });
  const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  const url = `${server.url}/api/bookings?limit=20`;
  await autocannon({ url, connections: 10, duration: 2 });
  const r = await autocannon({ url, connections: 10, duration: 6 });
  await server.close();
  return r.requests.average;
}
// Alternate and repeat: the median of three pairs.
const on: number[] = [];
const off: number[] = [];
for (let i = 0; i < 3; i++) {
  off.push(await throughput(false));
  on.push(await throughput(true));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
console.log(
  `GET /api/bookings?limit=20, 10 connections: metrics on ${Math.round(med(on))} req/s, metrics off ${Math.round(med(off))} req/s, ${((1 - med(on) / med(off)) * 100).toFixed(1)}% slower (target at most 5%) [on: ${on.map(Math.round).join(', ')}; off: ${off.map(Math.round).join(', ')}]`,
);
db.close();
fs.rmSync(tmp, { recursive: true, force: true });
