// Benchmarks of the actor runtime, against baselines measured in the same run:
// 1. request/reply round trips main ↔ actor through the supervisor's handle (comlink on a MessagePort), against
//    raw MessagePort.postMessage ping-pong with a worker that echoes; sequential and with 16 calls in flight.
// 2. crash-to-ready restart latency of an actor (median and max over 50 crashes), beside the time to start a
//    bare worker thread.
// The actors run the built runtime (dist/), as in production: `npm run bench:actors` builds first.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { silentLogger } from '../src/log.js';
import { fmt, median } from './stats.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const dist = (p: string) => pathToFileURL(path.join(ROOT, 'dist', p)).href;
if (!fs.existsSync(path.join(ROOT, 'dist/supervisor/index.js'))) throw new Error('run `npm run build` first');
const { Supervisor } = (await import(dist('supervisor/index.js'))) as typeof import('../src/supervisor/index.js');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-actors-'));
const actorFile = path.join(tmp, 'echo.actor.mjs');
fs.writeFileSync(
  actorFile,
  `import { runActor } from ${JSON.stringify(dist('supervisor/index.js'))};
runActor(() => ({ handle(req) { if (req.type === 'exit') process.exit(1); return req.value; } }));\n`,
);
const bareFile = path.join(tmp, 'bare.mjs');
fs.writeFileSync(
  bareFile,
  `import { parentPort, workerData } from 'node:worker_threads';
const port = workerData?.port;
if (port) port.on('message', (m) => port.postMessage(m));
parentPort.postMessage('up');\n`,
);

const ROUND_TRIPS = 20_000;
const IN_FLIGHT = 16;
const CRASHES = 50;

async function rawPingPong(inFlight: number): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(bareFile, { workerData: { port: port2 }, transferList: [port2] });
  await new Promise((r) => worker.once('message', r));
  let received = 0;
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    port1.on('message', () => {
      received++;
      if (received === ROUND_TRIPS) return resolve();
      if (sent < ROUND_TRIPS) {
        sent++;
        port1.postMessage({ type: 'echo', value: sent });
      }
    });
    for (; sent < inFlight;) {
      sent++;
      port1.postMessage({ type: 'echo', value: sent });
    }
  });
  const rate = ROUND_TRIPS / ((performance.now() - started) / 1000);
  port1.close();
  await worker.terminate();
  return rate;
}

async function handleRoundTrips(inFlight: number): Promise<number> {
  const sup = new Supervisor({
    logger: silentLogger,
    children: [{ id: 'echo', entry: actorFile, restart: 'permanent', shutdownMs: 1000 }],
  });
  await sup.start();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < ROUND_TRIPS) {
        next++;
        await sup.call('echo', { type: 'echo', value: next });
      }
    }),
  );
  const rate = ROUND_TRIPS / ((performance.now() - started) / 1000);
  await sup.stop();
  return rate;
}

async function restartLatencies(): Promise<number[]> {
  const sup = new Supervisor({
    logger: silentLogger,
    children: [{ id: 'echo', entry: actorFile, restart: 'permanent', shutdownMs: 1000 }],
    backoff: { initialMs: 0, maxMs: 0, jitter: 0 },
    intensity: { maxRestarts: 1000, withinMs: 60_000 },
  });
  await sup.start();
  const times: number[] = [];
  let crashedAt = 0;
  sup.events.on('actor:crash', () => {
    crashedAt = performance.now();
  });
  for (let i = 0; i < CRASHES; i++) {
    const ready = new Promise<void>((r) => {
      const off = sup.events.on('actor:ready', () => {
        off();
        r();
      });
    });
    await sup.call('echo', { type: 'exit' }).catch(() => undefined);
    await ready;
    times.push(performance.now() - crashedAt);
  }
  await sup.stop();
  return times;
}

async function bareStarts(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < CRASHES; i++) {
    const t0 = performance.now();
    const w = new Worker(bareFile);
    await new Promise((r) => w.once('message', r));
    times.push(performance.now() - t0);
    await w.terminate();
  }
  return times;
}

// Warm-up: one short pass of each so that both sides run with warm code.
await rawPingPong(1);
await handleRoundTrips(1);

for (const inFlight of [1, IN_FLIGHT]) {
  const raw = await rawPingPong(inFlight);
  const handle = await handleRoundTrips(inFlight);
  console.log(
    `round trips, ${inFlight} in flight: handle ${fmt(handle)}/s, raw MessagePort ${fmt(raw)}/s, ratio ${((100 * handle) / raw).toFixed(0)}% (target ≥ 50%)`,
  );
}
const restarts = await restartLatencies();
const bare = await bareStarts();
console.log(
  `crash-to-ready restart over ${CRASHES} crashes: median ${median(restarts).toFixed(1)} ms, max ${Math.max(...restarts).toFixed(1)} ms (target: median < 250 ms)`,
);
console.log(
  `bare worker thread start over ${CRASHES} starts: median ${median(bare).toFixed(1)} ms, max ${Math.max(...bare).toFixed(1)} ms`,
);
fs.rmSync(tmp, { recursive: true, force: true });
