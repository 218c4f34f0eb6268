import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from './fixtures/helpers.js';
import { spawnService, type ServiceProcess } from './fixtures/service-process.js';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

// Every forked service is killed after its test, whatever happened in it: a failed test leaves no process behind.
const spawned: ServiceProcess[] = [];
afterEach(async () => {
  for (const p of spawned.splice(0)) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
    p.child.kill('SIGKILL');
    await p.exited;
  }
});

const fixtureMain = (children: unknown[], env: Record<string, string> = {}) => {
  const p = spawnService(
    { DATA_DIR: tmp.dir, PORT: '0', FIXTURE_CHILDREN: JSON.stringify(children), ...env },
    'test/fixtures/fixture-main.ts',
  );
  spawned.push(p);
  return p;
};

// A forked service compiles its sources (tsx) in its main thread and in every actor's worker: on a busy machine that
// takes many seconds. The waits below are on its own signs (the listening line, /readyz), with room for that.
const STARTUP_MS = 90_000;
/** Its base URL once it logs that it listens. */
const urlOf = (p: ServiceProcess) =>
  waitFor(
    () => {
      for (const l of p.out) {
        const m = /listening on (http:\/\/\S+)/.exec(l);
        if (m) return m[1];
      }
      if (p.child.exitCode !== null)
        throw new Error(`service exited ${p.child.exitCode}: ${[...p.out, ...p.err].join('\n')}`);
      return undefined;
    },
    'the service to listen',
    STARTUP_MS,
    50,
  );
/** Its base URL once /readyz answers 200 (every actor started). */
const readyUrl = async (p: ServiceProcess) => {
  const url = await urlOf(p);
  await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, 'ready', STARTUP_MS, 100);
  return url;
};
const FORKED = { timeout: 4 * STARTUP_MS };

describe('the service process and its supervisor', () => {
  it('exits 3 with the reason when an actor crash-loops during start-up', FORKED, async () => {
    const p = fixtureMain([{ id: 'broken', data: { crashOnStart: true } }]);
    const exit = await p.exited;
    expect(exit.code).toBe(3);
    const out = p.out.join('\n');
    expect(out).toMatch(
      /💀 SUPERVISOR: giving up: broken crashed 4 times within 60s during start-up; last: Error: crash on start/,
    );
    expect(out).toMatch(/could not start: supervisor gave up/);
  });

  it('exits 3 when a running actor exceeds the restart intensity', FORKED, async () => {
    // A window far longer than three slow restarts take on a busy machine: the crashes, not the clock, decide.
    const p = fixtureMain([{ id: 'ok' }, { id: 'flaky', data: { crashAfterMs: 150 } }], {
      ACTOR_MAX_RESTARTS: '2',
      ACTOR_RESTART_WINDOW: '10m',
    });
    await urlOf(p);
    const exit = await p.exited;
    expect(exit.code).toBe(3);
    const out = p.out.join('\n');
    expect(out.match(/💥 ACTOR: flaky crashed: Error: crash after 150 ms/g)).toHaveLength(3);
    expect(out).toMatch(/💀 SUPERVISOR: giving up: flaky crashed 3 times within 600s; last: Error: crash after 150 ms/);
    expect(out).toMatch(/stopped, exiting with code 3/);
  });

  it('a second signal exits 1 at once; the shutdown deadline exits 1 too', FORKED, async () => {
    const slow = [{ id: 'slow', shutdownMs: 20_000, data: { stopDelayMs: 15_000 } }];
    const a = fixtureMain(slow);
    const url = await readyUrl(a);
    a.child.kill('SIGTERM');
    const first = await waitFor(
      () => a.out.find((l) => l.includes('SIGTERM received, stopping')),
      'the first signal',
      30_000,
    );
    // A repeat within 1 s counts as the same signal delivered twice (npm and the process group both forward it).
    a.child.kill('SIGTERM');
    // Two answers in a row after the repeat: the second request reaches the service after its event loop has
    // handled the repeat, so the service has seen it and is still stopping (an exit there would refuse the request).
    for (let i = 0; i < 2; i++) expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect(a.child.exitCode).toBeNull();
    expect(a.out.join('\n')).not.toMatch(/received again/);
    // Past the 1 s window, counted from the first signal's log line (the service's own clock), a repeat is deliberate.
    const firstAt = Date.parse(/^(\S+)\s/.exec(first)![1]!);
    expect(Number.isFinite(firstAt)).toBe(true);
    await waitFor(() => Date.now() > firstAt + 1_000, 'the duplicate-signal window to pass', 5_000);
    a.child.kill('SIGTERM');
    expect((await a.exited).code).toBe(1);
    expect(a.out.join('\n')).toMatch(/SIGTERM received again, exiting now/);

    const b = fixtureMain(slow, { SHUTDOWN_TIMEOUT: '1s' });
    await readyUrl(b);
    b.child.kill('SIGINT');
    expect((await b.exited).code).toBe(1);
    expect(b.out.join('\n')).toMatch(/not finished within 1s, exiting/);
  });

  it('the first signal stops the actors in reverse order and exits 0', FORKED, async () => {
    const p = fixtureMain([{ id: 'first' }, { id: 'second' }, { id: 'third', data: { stopDelayMs: 200 } }]);
    await readyUrl(p);
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
    const stops = p.out.filter((l) => l.includes('fixture stopped')).map((l) => /actor=(\w+)/.exec(l)?.[1]);
    expect(stops).toEqual(['third', 'second', 'first']);
  });
});
