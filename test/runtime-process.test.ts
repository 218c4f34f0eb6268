import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from './fixtures/helpers.js';
import { spawnService } from './fixtures/service-process.js';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => { tmp = tempDir(); });
afterAll(() => tmp.cleanup());

const fixtureMain = (children: unknown[], env: Record<string, string> = {}) =>
  spawnService({ DATA_DIR: tmp.dir, PORT: '0', FIXTURE_CHILDREN: JSON.stringify(children), ...env }, 'test/fixtures/fixture-main.ts');

describe('the service process and its supervisor', () => {
  it('exits 3 with the reason when an actor crash-loops during start-up', async () => {
    const p = fixtureMain([{ id: 'broken', data: { crashOnStart: true } }]);
    const exit = await p.exited;
    expect(exit.code).toBe(3);
    const out = p.out.join('\n');
    expect(out).toMatch(/💀 SUPERVISOR: giving up: broken crashed 4 times within 60s during start-up; last: Error: crash on start/);
    expect(out).toMatch(/could not start: supervisor gave up/);
  });

  it('exits 3 when a running actor exceeds the restart intensity', async () => {
    const p = fixtureMain([{ id: 'ok' }, { id: 'flaky', data: { crashAfterMs: 150 } }], { ACTOR_MAX_RESTARTS: '2', ACTOR_RESTART_WINDOW: '60s' });
    await p.url();
    const exit = await p.exited;
    expect(exit.code).toBe(3);
    const out = p.out.join('\n');
    expect(out.match(/💥 ACTOR: flaky crashed: Error: crash after 150 ms/g)).toHaveLength(3);
    expect(out).toMatch(/💀 SUPERVISOR: giving up: flaky crashed 3 times within 60s; last: Error: crash after 150 ms/);
    expect(out).toMatch(/stopped, exiting with code 3/);
  });

  it('a second signal exits 1 at once; the shutdown deadline exits 1 too', async () => {
    const slow = [{ id: 'slow', shutdownMs: 20_000, data: { stopDelayMs: 15_000 } }];
    const a = fixtureMain(slow);
    await a.url();
    await waitFor(() => a.out.some((l) => l.includes('listening')), 'start');
    await waitFor(async () => (await fetch(`${await a.url()}/readyz`)).status === 200, 'ready');
    a.child.kill('SIGTERM');
    await waitFor(() => a.out.some((l) => l.includes('SIGTERM received, stopping')), 'the first signal');
    // A repeat within 1 s counts as the same signal delivered twice (npm and the process group both forward it).
    a.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1_200));
    expect(a.child.exitCode).toBeNull();
    a.child.kill('SIGTERM');
    expect((await a.exited).code).toBe(1);
    expect(a.out.join('\n')).toMatch(/SIGTERM received again, exiting now/);

    const b = fixtureMain(slow, { SHUTDOWN_TIMEOUT: '1s' });
    await waitFor(async () => (await fetch(`${await b.url()}/readyz`)).status === 200, 'ready');
    b.child.kill('SIGINT');
    expect((await b.exited).code).toBe(1);
    expect(b.out.join('\n')).toMatch(/not finished within 1s, exiting/);
  });

  it('the first signal stops the actors in reverse order and exits 0', async () => {
    const p = fixtureMain([{ id: 'first' }, { id: 'second' }, { id: 'third', data: { stopDelayMs: 200 } }]);
    await waitFor(async () => (await fetch(`${await p.url()}/readyz`)).status === 200, 'ready');
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
    const stops = p.out.filter((l) => l.includes('fixture stopped')).map((l) => /actor=(\w+)/.exec(l)?.[1]);
    expect(stops).toEqual(['third', 'second', 'first']);
  });
});
