// Benchmark of the durable job queue: enqueue + claim + complete cycles through the real jobs repository, one
// statement per autocommit as the service runs them, against bare prepared INSERT / UPDATE / UPDATE statements.
//
// Both sides use openDatabase(), i.e. WAL with synchronous=NORMAL as in production, each on a fresh database file.
// One cycle is one job's life: the repository's enqueue (INSERT ... ON CONFLICT DO NOTHING, then the read-back by
// dedupe key), claim (the atomic UPDATE ... WHERE id = (SELECT oldest due) RETURNING *) and complete (UPDATE). The
// baseline does the least the same three steps can be: INSERT, claim by the id it already knows, complete by id.
// Finished jobs stay in the table (the service prunes them after 7 days), so the run also reports the rate over its
// first and last 2,000 cycles: what a claim costs with few and with many finished jobs beside the due one.
// Ratios matter; absolute rates depend on the machine.
//
// Run: npm run bench:queue

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createJobsRepo, openDatabase, type Db } from '../src/db/index.js';
import { fmt, median, verdict } from './stats.js';

const COUNT = 20_000;
const WARMUP = 2_000;
const REPEATS = 3;
const TARGET_RATE = 2_000;
const TARGET_SHARE = 0.5;
const LEASE_MS = 60_000;
const SEGMENT = 2_000;

/** Elapsed ms of a run, and of its first and last SEGMENT cycles (how the rate changes as finished jobs pile up). */
interface Timing {
  ms: number;
  firstMs: number;
  lastMs: number;
}

/** Runs `cycle` count times, timing the whole and the first and last SEGMENT cycles. */
function timed(count: number, cycle: (i: number) => void): Timing {
  const t0 = performance.now();
  let firstMs = 0;
  let lastStart = t0;
  for (let i = 0; i < count; i++) {
    if (i === count - SEGMENT) lastStart = performance.now();
    cycle(i);
    if (i === SEGMENT - 1) firstMs = performance.now() - t0;
  }
  const end = performance.now();
  return { ms: end - t0, firstMs, lastMs: end - lastStart };
}

/** The real queue: enqueue, claim, complete through createJobsRepo, one job per cycle. */
function realCycles(db: Db, count: number): Timing {
  const jobs = createJobsRepo(db); // prepared once per connection in the service too; not part of the timing
  return timed(count, (i) => {
    const nowMs = Date.now();
    const now = new Date(nowMs).toISOString();
    const uniqueId = `BK-${i}_CAM_1_20250410100000`;
    const queued = jobs.enqueue(
      { kind: 'upload', payload: { uniqueId }, dedupeKey: `upload:${uniqueId}`, maxAttempts: 6, runAtMs: nowMs },
      now,
    );
    const job = jobs.claim('upload', 'bench', LEASE_MS, nowMs);
    if (!job || job.id !== queued.id)
      throw new Error(`cycle ${i}: claimed ${job?.id ?? 'nothing'}, expected job ${queued.id}`);
    jobs.complete(job.id, nowMs);
  });
}

/** The baseline: bare prepared INSERT, claim UPDATE by id, complete UPDATE by id; autocommit, same table. */
function bareCycles(db: Db, count: number): Timing {
  const insert =
    db.prepare(`INSERT INTO jobs (kind, payload, group_key, status, max_attempts, run_at_ms, dedupe_key, created_at, updated_at)
    VALUES (?, ?, NULL, 'pending', ?, ?, ?, ?, ?)`);
  const claim = db.prepare(
    "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until_ms = ? WHERE id = ?",
  );
  const complete = db.prepare(
    "UPDATE jobs SET status = 'done', run_at_ms = ?, lease_until_ms = NULL, updated_at = ? WHERE id = ?",
  );
  return timed(count, (i) => {
    const nowMs = Date.now();
    const now = new Date(nowMs).toISOString();
    const uniqueId = `BK-${i}_CAM_1_20250410100000`;
    const id = insert.run(
      'upload',
      JSON.stringify({ uniqueId }),
      6,
      nowMs,
      `upload:${uniqueId}`,
      now,
      now,
    ).lastInsertRowid;
    claim.run(nowMs + LEASE_MS, id);
    complete.run(nowMs, now, id);
  });
}

/** Every job of the run ended `done` with one attempt. */
function expectDone(label: string, db: Db, count: number): void {
  const row = db.prepare("SELECT count(*) AS n, sum(status = 'done' AND attempts = 1) AS ok FROM jobs").get() as {
    n: number;
    ok: number;
  };
  if (row.n !== count || row.ok !== count)
    throw new Error(`${label}: ${row.ok} of ${row.n} jobs done once, expected ${count}`);
}

const rate = (ms: number) => (COUNT / ms) * 1000;

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-queue-'));
  try {
    let n = 0;
    const freshDb = () => openDatabase(path.join(dir, `db-${n++}.sqlite`));
    const measure = (cycles: (db: Db, count: number) => Timing, label: string, count: number): Timing => {
      const db = freshDb();
      try {
        const t = cycles(db, count);
        expectDone(label, db, count);
        return t;
      } finally {
        db.close();
      }
    };

    // Warm-up (JIT, page cache), not timed: a short run of each side on its own database.
    measure(realCycles, 'warm-up (queue)', WARMUP);
    measure(bareCycles, 'warm-up (bare)', WARMUP);

    const real: Timing[] = [];
    const bare: Timing[] = [];
    for (let r = 0; r < REPEATS; r++) {
      // Alternate which side goes first so that neither always runs on a warmer (or hotter) machine.
      if (r % 2 === 0) {
        real.push(measure(realCycles, 'queue', COUNT));
        bare.push(measure(bareCycles, 'bare', COUNT));
      } else {
        bare.push(measure(bareCycles, 'bare', COUNT));
        real.push(measure(realCycles, 'queue', COUNT));
      }
    }

    const runs = (xs: number[]) => `[runs: ${xs.map((x) => fmt(x, 1)).join(', ')} ms]`;
    const mReal = median(real.map((t) => t.ms));
    const mBare = median(bare.map((t) => t.ms));
    const medianRun = (ts: Timing[], m: number) => ts.find((t) => t.ms === m)!;
    const segment = (t: Timing) =>
      `first ${fmt(SEGMENT)} cycles ${fmt((SEGMENT / t.firstMs) * 1000)}/s, ` +
      `last ${fmt(SEGMENT)} cycles ${fmt((SEGMENT / t.lastMs) * 1000)}/s`;
    const share = rate(mReal) / rate(mBare);
    console.log(
      `median of ${REPEATS} runs, each on a fresh database file (WAL, synchronous=NORMAL as openDatabase sets), ` +
        `one autocommit per statement`,
    );
    console.log(
      `queue (createJobsRepo enqueue + claim + complete): ${COUNT} cycles in ${fmt(mReal, 1)} ms = ` +
        `${fmt(rate(mReal))} cycles/s   (target ≥ ${fmt(TARGET_RATE)} cycles/s: ${verdict(rate(mReal) >= TARGET_RATE)}) ${runs(real.map((t) => t.ms))}`,
    );
    console.log(
      `baseline bare INSERT + UPDATE by id + UPDATE by id: ${COUNT} cycles in ${fmt(mBare, 1)} ms = ` +
        `${fmt(rate(mBare))} cycles/s ${runs(bare.map((t) => t.ms))}`,
    );
    console.log(
      `ratio: ${fmt(share * 100, 1)}% of the bare rate   (target ≥ ${fmt(TARGET_SHARE * 100)}%: ${verdict(share >= TARGET_SHARE)})`,
    );
    console.log(
      `rate along the median run (finished jobs pile up from 0 to ${fmt(COUNT)}): queue ${segment(medianRun(real, mReal))}; ` +
        `baseline ${segment(medianRun(bare, mBare))}`,
    );
    console.log(
      'statements per cycle: queue 4 (INSERT, SELECT by dedupe key, claim UPDATE with sub-select RETURNING, UPDATE); ' +
        'baseline 3 (INSERT, UPDATE, UPDATE)',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
