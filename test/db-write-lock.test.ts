// A transaction that reads before it writes must take the write lock first (BEGIN IMMEDIATE). A deferred one
// reads a snapshot, then meets another connection's write: SQLite answers SQLITE_BUSY at once (it cannot wait, the
// snapshot would be stale), whatever the busy timeout. This is how a notification once became a dead letter 370 ms
// after an upload, in a run where nothing held a lock for long.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createVideosRepo, openDatabase, type Db } from '../src/db/index.js';
import { createVideoLifecycle } from '../src/pipeline/index.js';
import { startService } from '../src/service.js';
import { captureLogger, tempDir } from './fixtures/helpers.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A second process that takes the write lock, writes, holds it for `holdMs` and commits. Resolves once the lock is
 * held; `done` resolves when the process has committed and exited.
 */
async function holdWriteLock(file: string, holdMs: number): Promise<{ done: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.exec('BEGIN IMMEDIATE');
    db.prepare('UPDATE videos SET updated_at = updated_at').run();
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${holdMs});
    db.exec('COMMIT');
    db.close();
  `;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => void child.kill('SIGKILL'));
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('locked')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`lock holder exited (${code}) before taking the lock`)));
  });
  return { done };
}

describe("a write that meets another connection's write lock", () => {
  it('waits for the lock and applies (the lifecycle takes the write lock before it reads)', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const file = path.join(tmp.dir, 'db.sqlite');
    const db: Db = openDatabase(file);
    cleanups.push(() => void db.close());
    const lifecycle = createVideoLifecycle({ db, jobDelays: { cut: [1_000], upload: [1_000], notify: [1_000] } });
    const uid = 'BK-1_CAM_A_20250410210000';
    lifecycle.create({
      unique_id: uid,
      booking_id: 'BK/1',
      camera: 'CAM_A',
      field_id: 50,
      type: 'full',
      window_start_ms: Date.UTC(2025, 3, 10, 12),
      window_end_ms: Date.UTC(2025, 3, 10, 13),
    });

    // The other process commits a write 600 ms after it took the lock, within the connection's 1 s busy timeout.
    const holder = await holdWriteLock(file, 600);
    const r = lifecycle.apply(uid, 'cut:start');
    expect(r.moved).toBe(true);
    expect(createVideosRepo(db).get(uid)?.status).toBe('processing');
    await holder.done;
  });
});

describe('an operator request while another connection holds the database', () => {
  it('is answered 503 with a reason and Retry-After, not a 500, and goes through once the lock is gone', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const service = await startService(
      loadConfig({ PORT: '0', DATA_DIR: tmp.dir, MIN_FREE_DISK_MB: '0', CAMERAS: '[]' }),
      captureLogger().logger,
    );
    cleanups.push(() => service.stop());
    const retry = () =>
      fetch(`${service.url}/api/queue/4242/retry`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });

    const holder = await holdWriteLock(path.join(tmp.dir, 'venue-recorder.db'), 4_000);
    const busy = await retry();
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('2');
    expect(((await busy.json()) as { message: string }).message).toMatch(/locked by another connection/);
    await holder.done;

    const after = await retry();
    expect(after.status).toBe(404);
  });
});
