// What the termination gate costs a SQLite statement: the same indexed point query (the job runner's kind of call)
// and a one-row insert, run in a worker thread with the gate (every better-sqlite3 call guarded, as in an actor) and
// in one without, alternately, five rounds each. Prints the median time per call of each and their ratio.
// Usage: npm run bench:guard [-- calls]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openDatabase } from '../src/db/index.js';
import { createTerminationGate, useTerminationGate } from '../src/util/termination-gate.js';

interface Job {
  dbPath: string;
  calls: number;
  gated: boolean;
}

function measure(job: Job): { getNs: number; insertNs: number } {
  if (job.gated) useTerminationGate(createTerminationGate());
  const db = openDatabase(job.dbPath);
  db.exec('CREATE TABLE IF NOT EXISTS guard_bench (id INTEGER PRIMARY KEY, v TEXT)');
  const insert = db.prepare('INSERT INTO guard_bench (v) VALUES (?)');
  const get = db.prepare('SELECT v FROM guard_bench WHERE id = ?');
  const n = job.calls;
  const t0 = process.hrtime.bigint();
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run('x');
  })();
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) get.get((i % 1000) + 1);
  const t2 = process.hrtime.bigint();
  db.close();
  return { insertNs: Number(t1 - t0) / n, getNs: Number(t2 - t1) / n };
}

if (!isMainThread) {
  parentPort!.postMessage(measure(workerData as Job));
} else {
  const calls = Number(process.argv[2] ?? 200_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vr-guard-bench-'));
  const self = fileURLToPath(import.meta.url);
  const source = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(pathToFileURL(self).href)}); });`;
  const run = (gated: boolean, round: number) =>
    new Promise<{ getNs: number; insertNs: number }>((resolve, reject) => {
      const w = new Worker(source, {
        eval: true,
        workerData: { dbPath: path.join(dir, `${gated ? 'g' : 'r'}${round}.sqlite`), calls, gated } satisfies Job,
      });
      w.once('message', resolve);
      w.once('error', reject);
    });
  const results: Record<'raw' | 'gated', { getNs: number; insertNs: number }[]> = { raw: [], gated: [] };
  for (let round = 0; round < 5; round++) {
    results.raw.push(await run(false, round));
    results.gated.push(await run(true, round));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const what of ['getNs', 'insertNs'] as const) {
    const raw = median(results.raw.map((r) => r[what]));
    const gated = median(results.gated.map((r) => r[what]));
    console.log(
      `${what === 'getNs' ? 'point query' : 'insert (in one transaction)'}: ${gated.toFixed(0)} ns a call guarded, ` +
        `${raw.toFixed(0)} ns unguarded (baseline): ${(gated / raw).toFixed(3)}×, ${(gated - raw).toFixed(0)} ns more`,
    );
  }
}
