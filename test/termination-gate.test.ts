// An actor killed while a SQLite statement waits out a lock (a missed heartbeat, a stop deadline) must not take the
// process down. Terminated inside that wait, better-sqlite3 throws into a dying isolate and Node aborts
// (`v8::ToLocalChecked Empty MaybeLocal`, seen once in sqlite-contention under load): the control run below shows it.
// The supervisor's handle now terminates the worker only outside such calls (its termination gate).

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./fixtures/terminate-in-busy-wait.ts', import.meta.url));

function run(rounds: number, mode: 'gated' | 'raw') {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, String(rounds), mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

describe('terminating an actor inside a SQLite busy wait', () => {
  it('control: a worker terminated directly inside the wait aborts the whole process', async () => {
    const r = await run(5, 'raw');
    expect(r.out).not.toContain('killed 5');
    expect(r.code === 134 || r.signal === 'SIGABRT').toBe(true);
    expect(r.out).toContain('ThrowSqliteError');
  }, 120_000);

  it('the supervisor kills it outside the call, and the process lives on', async () => {
    const r = await run(8, 'gated');
    expect(r.out).toContain('killed 8');
    expect(r.out).not.toContain('FATAL ERROR');
    expect(r.code).toBe(0);
  }, 180_000);
});
