import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  restartDelay,
  Supervisor,
  type ChildSpec,
  type SupervisorEvents,
  type SupervisorOptions,
} from '../src/supervisor/index.js';
import type { FixtureData } from './fixtures/actors/fixture.messages.js';
import { captureLogger, tempDir, waitFor as waitForBase } from './fixtures/helpers.js';
import { manualClock } from './fixtures/manual-clock.js';

// Every worker thread the runtime spawns, until it exits: the ground truth for "stop() leaves no worker".
const liveWorkers = vi.hoisted(() => new Set<{ terminate(): Promise<number> }>());
vi.mock('node:worker_threads', async (importOriginal) => {
  const orig = await importOriginal<typeof import('node:worker_threads')>();
  class TrackedWorker extends orig.Worker {
    constructor(...args: ConstructorParameters<typeof orig.Worker>) {
      super(...args);
      liveWorkers.add(this);
      this.once('exit', () => liveWorkers.delete(this));
    }
  }
  return { ...orig, Worker: TrackedWorker };
});

// The machine running the suite may be loaded many times over (a worker then takes seconds from spawn to ready):
// waits and tests get room for it. They wait for conditions, so a fast machine is not slowed down.
vi.setConfig({ testTimeout: 180_000 });
const waitFor = <T>(predicate: () => T | Promise<T>, what: string, timeoutMs = 60_000, everyMs?: number) =>
  waitForBase(predicate, what, timeoutMs, everyMs);

const FIXTURE = new URL('./fixtures/actors/fixture.actor.ts', import.meta.url);
const fast = { initialMs: 20, maxMs: 200, jitter: 0 };
// Start-up limits are generous (default start timeout 15 s; the heartbeat limit applies from the ready handshake
// on): on a loaded machine a fixture actor takes several hundred milliseconds from spawn to ready. Only the
// tests about the start timeout set one.

function spec(id: string, data: FixtureData = {}, over: Partial<ChildSpec> = {}): ChildSpec {
  return {
    id,
    entry: FIXTURE,
    restart: 'permanent',
    shutdownMs: 2_000,
    heartbeatIntervalMs: 100,
    heartbeatTimeoutMs: 1_500,
    data,
    ...over,
  };
}

let current: Supervisor | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
  const left = [...liveWorkers];
  await Promise.all(left.map((w) => w.terminate())); // so that one leak does not fail the next tests too
  expect(left.length, 'worker threads left after stop()').toBe(0);
});

function supervise(children: ChildSpec[], over: Partial<SupervisorOptions> = {}) {
  const log = captureLogger();
  const events: { type: keyof SupervisorEvents; payload: any }[] = [];
  const sup = new Supervisor({ children, logger: log.logger, backoff: fast, ...over });
  sup.events.onAny((e) => events.push(e));
  current = sup;
  const of = <K extends keyof SupervisorEvents>(type: K) =>
    events.filter((e) => e.type === type).map((e) => e.payload as SupervisorEvents[K]);
  return { sup, events, of, log };
}

const stateOf = (sup: Supervisor, id: string) => sup.status().find((s) => s.id === id)!;

describe('supervisor', () => {
  it('starts children in order and stops them in reverse order', async () => {
    const { sup, events } = supervise([spec('a'), spec('b', { initDelayMs: 50 }), spec('c')]);
    await sup.start();
    expect(sup.status().map((s) => s.state)).toEqual(['running', 'running', 'running']);
    expect(sup.allPermanentRunning()).toBe(true);
    const starts = events
      .filter((e) => e.type === 'actor:start' || e.type === 'actor:ready')
      .map((e) => `${e.type}:${e.payload.id}`);
    expect(starts).toEqual([
      'actor:start:a',
      'actor:ready:a',
      'actor:start:b',
      'actor:ready:b',
      'actor:start:c',
      'actor:ready:c',
    ]);
    await sup.stop();
    expect(events.filter((e) => e.type === 'actor:stop').map((e) => [e.payload.id, e.payload.graceful])).toEqual([
      ['c', true],
      ['b', true],
      ['a', true],
    ]);
    expect(sup.status().map((s) => s.state)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(sup.allPermanentRunning()).toBe(false);
  });

  it('the start timeout applies to the start only: a ready actor outlives it', async () => {
    // Long enough for a worker to load its module graph on a loaded machine (several seconds), so that only what
    // happens after the ready handshake is under test.
    const { sup, of } = supervise([spec('a', {}, { startTimeoutMs: 8_000 })]);
    await sup.start();
    // Wait past the start timeout, through heartbeats, then the actor must still be the first incarnation.
    await waitFor(
      () => Date.now() - Date.parse(stateOf(sup, 'a').startedAt!) > 8_500,
      'half a second past the start timeout',
      30_000,
    );
    expect(await sup.call('a', { type: 'echo', value: 'still here' })).toBe('still here');
    expect(of('actor:crash')).toEqual([]);
    expect(stateOf(sup, 'a').restarts).toBe(0);
  });

  it('an actor that does not get ready within its start timeout is a start-up crash', async () => {
    const { sup, of } = supervise([spec('slow', { neverReady: true }, { startTimeoutMs: 2_000 })], {
      startupIntensity: { maxRestarts: 0, withinMs: 60_000 },
    });
    await expect(sup.start()).rejects.toThrow(
      /slow crashed 1 times within 60s during start-up; last: did not become ready within 2000 ms/,
    );
    expect(of('actor:crash')[0]).toMatchObject({ id: 'slow', duringStartup: true });
  });

  it('the heartbeat limit applies from the ready handshake on: a slow module load is not a missing heartbeat', async () => {
    // Nothing reaches the main thread for 2 s (module loading), four times the heartbeat limit.
    const { sup, of } = supervise([
      spec('a', { loadDelayMs: 2_000 }, { heartbeatTimeoutMs: 500, startTimeoutMs: 20_000 }),
    ]);
    await sup.start();
    expect(of('actor:crash')).toEqual([]);
    expect(await sup.call('a', { type: 'echo', value: 'up' })).toBe('up');
    // From the handshake on the limit applies.
    await expect(sup.call('a', { type: 'spin' })).rejects.toMatchObject({ name: 'ActorUnavailableError' });
    expect(of('actor:crash')[0]).toMatchObject({
      duringStartup: false,
      reason: expect.stringMatching(/^no heartbeat for \d+ ms \(limit 500 ms\)$/),
    });
  });

  it('answers typed requests; a throwing handler is an error reply, not a crash', async () => {
    const { sup, of } = supervise([spec('a')]);
    await sup.start();
    expect(await sup.call('a', { type: 'echo', value: { x: [1, 2] } })).toEqual({ x: [1, 2] });
    const err = await sup.call('a', { type: 'throw', message: 'bad input' }).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'Error', message: 'bad input', retryable: false });
    expect(await sup.call('a', { type: 'count' })).toBe(3);
    expect(of('actor:crash')).toHaveLength(0);
    // Events travel on the control channel, replies on the RPC port: wait rather than assume an order.
    await waitFor(() => of('actor:event').some((e) => (e.event as { count?: number }).count === 3), 'the third event');
  });

  it('restarts a child that crashes after N messages and rejects the pending call', async () => {
    const { sup, of } = supervise([spec('a', { crashAfter: 2 })]);
    await sup.start();
    await sup.call('a', { type: 'echo', value: 1 });
    await sup.call('a', { type: 'echo', value: 2 });
    const pending = sup.call('a', { type: 'slow', ms: 5_000 });
    await expect(pending).rejects.toMatchObject({
      name: 'ActorUnavailableError',
      message: expect.stringMatching(/actor a went away \(Error: crash after 2\)/),
    });
    await waitFor(() => of('actor:ready').length === 2, 'the restart');
    expect(of('actor:crash')[0]).toMatchObject({ id: 'a', duringStartup: false, reason: 'Error: crash after 2' });
    expect(of('actor:restart')[0]).toMatchObject({ id: 'a', restarts: 1, delayMs: 20 });
    expect(stateOf(sup, 'a')).toMatchObject({ state: 'running', restarts: 1, lastError: 'Error: crash after 2' });
    expect(await sup.call('a', { type: 'count' })).toBe(1);
  });

  it('treats process.exit inside the worker as a crash of a permanent child', async () => {
    const { sup, of } = supervise([spec('a')]);
    await sup.start();
    await expect(sup.call('a', { type: 'exit', code: 3 })).rejects.toMatchObject({ name: 'ActorUnavailableError' });
    await waitFor(() => of('actor:ready').length === 2, 'the restart');
    expect(of('actor:crash')[0]!.reason).toBe('exited with code 3');
  });

  it('does not restart a transient child that exits normally, nor a temporary one that crashes', async () => {
    const { sup, of } = supervise([spec('t', {}, { restart: 'transient' }), spec('tmp', {}, { restart: 'temporary' })]);
    await sup.start();
    await sup.call('t', { type: 'exit', code: 0 }).catch(() => undefined);
    await sup.call('tmp', { type: 'exit', code: 1 }).catch(() => undefined);
    await waitFor(
      () => stateOf(sup, 't').state === 'stopped' && stateOf(sup, 'tmp').state === 'stopped',
      'both stopped',
    );
    expect(of('actor:restart')).toHaveLength(0);
    // Neither is permanent, so readiness holds.
    expect(sup.allPermanentRunning()).toBe(true);
  });

  it('restarts a transient child that crashes or exits non-zero', async () => {
    const { sup, of } = supervise([spec('t', {}, { restart: 'transient' })]);
    await sup.start();
    // Its answer and its crash race to this thread (a port message against the worker's error event): either may win.
    await sup.call('t', { type: 'crash-async' }).catch(() => undefined);
    await waitFor(() => of('actor:ready').length === 2, 'the restart after the crash');
    await sup.call('t', { type: 'exit', code: 1 }).catch(() => undefined);
    await waitFor(() => of('actor:ready').length === 3, 'the restart after the non-zero exit');
    expect(of('actor:crash').map((c) => c.reason)).toEqual(['Error: async crash', 'exited with code 1']);
    expect(of('actor:restart').map((r) => r.id)).toEqual(['t', 't']);
    expect(stateOf(sup, 't')).toMatchObject({ state: 'running', restarts: 2 });
  });

  it('terminates and restarts an actor stuck in an infinite loop (heartbeat timeout)', async () => {
    const { sup, of } = supervise([spec('a', {}, { heartbeatTimeoutMs: 1_000 })]);
    await sup.start();
    await expect(sup.call('a', { type: 'spin' })).rejects.toMatchObject({ name: 'ActorUnavailableError' });
    expect(of('actor:crash')[0]!.reason).toMatch(/^no heartbeat for \d+ ms \(limit 1000 ms\)$/);
    await waitFor(() => stateOf(sup, 'a').state === 'running' && of('actor:ready').length === 2, 'the restart');
    expect(await sup.call('a', { type: 'echo', value: 'alive' })).toBe('alive');
  });

  it('restarts an actor that blows its memory limit (ERR_WORKER_OUT_OF_MEMORY)', async () => {
    // 'grow' blocks the event loop until the heap is full: no heartbeat limit may end it first, even under load.
    const { sup, of } = supervise([
      spec(
        'a',
        {},
        { resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 }, heartbeatTimeoutMs: 120_000 },
      ),
    ]);
    await sup.start();
    await expect(sup.call('a', { type: 'grow' })).rejects.toMatchObject({ name: 'ActorUnavailableError' });
    expect(of('actor:crash')[0]!.reason).toMatch(/^ERR_WORKER_OUT_OF_MEMORY/);
    await waitFor(() => of('actor:ready').length === 2, 'the restart', 60_000);
  }, 120_000);

  it('gives up past the restart intensity and says why', async () => {
    const { sup, of, log } = supervise([spec('a', { crashAfter: 0 })], {
      intensity: { maxRestarts: 2, withinMs: 60_000 },
    });
    await sup.start();
    for (let i = 0; i < 3; i++) {
      await waitFor(() => stateOf(sup, 'a').state === 'running' || of('supervisor:give-up').length > 0, 'running');
      await sup.call('a', { type: 'echo', value: i }).catch(() => undefined);
      await waitFor(() => of('actor:crash').length === i + 1, `crash ${i + 1}`);
    }
    const reason = await sup.gaveUp;
    expect(reason).toMatch(/^a crashed 3 times within 60s; last: Error: crash after 0$/);
    expect(of('actor:restart')).toHaveLength(2);
    expect(log.lines.some((l) => l.includes('💀 SUPERVISOR: giving up: a crashed 3 times'))).toBe(true);
    expect(sup.allPermanentRunning()).toBe(false);
  });

  it('counts start-up crashes against a stricter budget, and recovers when start-up succeeds', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'count');
      const ok = supervise([spec('a', { crashOnStart: true, crashOnStartTimes: 2, crashFile: file })], {
        startupIntensity: { maxRestarts: 2, withinMs: 60_000 },
      });
      await ok.sup.start();
      expect(ok.of('actor:crash').map((c) => c.duringStartup)).toEqual([true, true]);
      expect(ok.of('actor:crash')[0]!.reason).toBe('Error: crash on start #1');
      expect(stateOf(ok.sup, 'a')).toMatchObject({ state: 'running', restarts: 2 });
      await ok.sup.stop();

      const bad = supervise([spec('b', { crashOnStart: true })], {
        startupIntensity: { maxRestarts: 2, withinMs: 60_000 },
        intensity: { maxRestarts: 100, withinMs: 60_000 },
      });
      await expect(bad.sup.start()).rejects.toThrow(/gave up: b crashed 3 times within 60s during start-up/);
      expect(bad.of('actor:restart')).toHaveLength(2);
    } finally {
      tmp.cleanup();
    }
  });

  it('spaces restarts with exponential backoff', async () => {
    const { sup, of } = supervise([spec('a', { crashAfter: 0 })], {
      backoff: { initialMs: 10, maxMs: 40, jitter: 0 },
      intensity: { maxRestarts: 10, withinMs: 60_000 },
    });
    await sup.start();
    for (let i = 0; i < 4; i++) {
      await waitFor(() => stateOf(sup, 'a').state === 'running', 'running');
      await sup.call('a', { type: 'echo', value: i }).catch(() => undefined);
      await waitFor(() => of('actor:restart').length === i + 1, `restart ${i + 1}`);
    }
    expect(of('actor:restart').map((r) => r.delayMs)).toEqual([10, 20, 40, 40]);
  });

  it('applies jitter to the backoff', async () => {
    const opts = { initialMs: 100, maxMs: 30_000, jitter: 0.2 };
    expect(restartDelay(0, opts, () => 0)).toBe(80);
    expect(restartDelay(0, opts, () => 0.5)).toBe(100);
    expect(restartDelay(0, opts, () => 0.75)).toBe(110);
    expect(restartDelay(3, opts, () => 0)).toBe(640);
    expect(restartDelay(20, opts, () => 0)).toBe(24_000);
    expect(restartDelay(20, opts, () => 0.99)).toBe(30_000); // never past the cap
    // The supervisor draws from its random source.
    const { sup, of } = supervise([spec('a', { crashAfter: 0 })], {
      backoff: { initialMs: 20, maxMs: 200, jitter: 0.5 },
      random: () => 0,
    });
    await sup.start();
    await sup.call('a', { type: 'echo', value: 1 }).catch(() => undefined);
    await waitFor(() => of('actor:restart').length === 1, 'the restart');
    expect(of('actor:restart')[0]!.delayMs).toBe(10);
  });

  it('terminates a child that is slow to stop after its shutdownMs', async () => {
    const { sup, of, log } = supervise([spec('fast'), spec('slow', { stopDelayMs: 10_000 }, { shutdownMs: 200 })]);
    await sup.start();
    await sup.stop();
    expect(of('actor:stop')).toEqual([
      { id: 'slow', graceful: false, shutdownMs: 200 },
      { id: 'fast', graceful: true, shutdownMs: 2_000 },
    ]);
    expect(log.lines.some((l) => l.includes('slow did not stop within 200 ms; terminated'))).toBe(true);
  });

  it('rest-for-one restarts the children started after the crashed one', async () => {
    const { sup, of } = supervise([spec('a'), spec('b', { crashAfter: 0 }), spec('c')], { strategy: 'rest-for-one' });
    await sup.start();
    await sup.call('b', { type: 'echo', value: 1 }).catch(() => undefined);
    await waitFor(() => of('actor:ready').length === 5 && sup.allPermanentRunning(), 'b and c restarted', 60_000);
    expect(of('actor:stop').map((s) => s.id)).toEqual(['c']);
    expect(
      of('actor:ready')
        .slice(3)
        .map((r) => r.id),
    ).toEqual(['b', 'c']);
    expect(stateOf(sup, 'a').restarts).toBe(0);
  }, 120_000);

  it('rest-for-one: a child that crashes again while restarting is started once per restart; stop() ends every worker', async () => {
    const tmp = tempDir();
    try {
      // b crashes once while running (after its first request), then once during its start-up (start #2).
      const b = spec('b', { crashAfter: 0, crashOnStarts: [2], crashFile: path.join(tmp.dir, 'b') });
      const { sup, of } = supervise([spec('a'), b, spec('c')], { strategy: 'rest-for-one' });
      await sup.start();
      await sup.call('b', { type: 'echo', value: 1 }).catch(() => undefined);
      await waitFor(() => of('actor:crash').length === 2 && sup.allPermanentRunning(), 'b and c restarted');
      expect(of('actor:crash').map((c) => [c.id, c.duringStartup])).toEqual([
        ['b', false],
        ['b', true],
      ]);
      expect(of('actor:start').map((s) => s.id)).toEqual(['a', 'b', 'c', 'b', 'b', 'c']);
      expect(liveWorkers.size).toBe(3);
      expect(sup.status().map((s) => [s.id, s.restarts])).toEqual([
        ['a', 0],
        ['b', 2],
        ['c', 1],
      ]);
      await sup.stop();
      expect(liveWorkers.size).toBe(0);
    } finally {
      tmp.cleanup();
    }
  });

  it('rest-for-one honours the restart types of the later children', async () => {
    const { sup, of } = supervise(
      [
        spec('a'),
        spec('b', { crashAfter: 0 }),
        spec('tmp', {}, { restart: 'temporary' }),
        spec('tr', {}, { restart: 'transient' }),
        spec('done', {}, { restart: 'transient' }),
        spec('c'),
      ],
      { strategy: 'rest-for-one' },
    );
    await sup.start();
    await sup.call('done', { type: 'exit', code: 0 }).catch(() => undefined);
    await waitFor(() => stateOf(sup, 'done').state === 'stopped', 'done to end normally');
    await sup.call('b', { type: 'echo', value: 1 }).catch(() => undefined);
    await waitFor(() => stateOf(sup, 'c').restarts === 1 && stateOf(sup, 'c').state === 'running', 'the cascade');
    // The temporary child is stopped for good, the transient one that had ended normally stays ended.
    expect(of('actor:stop').map((s) => s.id)).toEqual(['c', 'tr', 'tmp']);
    expect(of('actor:restart').map((r) => r.id)).toEqual(['b', 'tr', 'c']);
    expect(
      of('actor:start')
        .slice(6)
        .map((s) => s.id),
    ).toEqual(['b', 'tr', 'c']);
    expect(sup.status().map((s) => [s.id, s.state])).toEqual([
      ['a', 'running'],
      ['b', 'running'],
      ['tmp', 'stopped'],
      ['tr', 'running'],
      ['done', 'stopped'],
      ['c', 'running'],
    ]);
    expect(liveWorkers.size).toBe(4);
  });

  it('rest-for-one counts one restart per crash against the restart intensity, as OTP does', async () => {
    const { sup, of } = supervise([spec('a'), spec('b', { crashAfter: 0 }), spec('c')], {
      strategy: 'rest-for-one',
      intensity: { maxRestarts: 2, withinMs: 60_000 },
    });
    await sup.start();
    for (let i = 1; i <= 2; i++) {
      await sup.call('b', { type: 'echo', value: i }).catch(() => undefined);
      await waitFor(
        () => of('actor:ready').length === 3 + 2 * i && sup.allPermanentRunning(),
        `b and c restarted (${i})`,
      );
    }
    // Two crashes, each restarting b and c: two restarts of the intensity, four restart events.
    expect(of('actor:restart').map((r) => r.id)).toEqual(['b', 'c', 'b', 'c']);
    expect(of('supervisor:give-up')).toHaveLength(0);
    await sup.call('b', { type: 'echo', value: 3 }).catch(() => undefined);
    await waitFor(() => of('supervisor:give-up').length === 1, 'the give-up');
    expect(await sup.gaveUp).toMatch(/^b crashed 3 times within 60s; last: Error: crash after 0$/);
  });

  it('delivers one-way notifications to running children', async () => {
    const { sup, of } = supervise([spec('a'), spec('b')]);
    await sup.start();
    sup.broadcast({ type: 'connectivity:change' }, 'a');
    await waitFor(() => of('actor:event').some((e) => e.event.type === 'fixture:notified'), 'the notification');
    expect(
      of('actor:event')
        .filter((e) => e.event.type === 'fixture:notified')
        .map((e) => e.id),
    ).toEqual(['b']);
  });

  it('delivers a notification only to the children whose spec accepts its type (all, without `accepts`)', async () => {
    const { sup, of } = supervise([
      spec('a', {}, { accepts: ['queue:changed'] }),
      spec('b', {}, { accepts: [] }),
      spec('c'),
    ]);
    await sup.start();
    sup.broadcast({ type: 'connectivity:change' });
    sup.broadcast({ type: 'queue:changed' });
    const notified = () =>
      of('actor:event')
        .filter((e) => e.event.type === 'fixture:notified')
        .map((e) => `${e.id} ${(e.event as { message?: string }).message}`)
        .sort();
    await waitFor(() => notified().length >= 3, 'three notifications');
    expect(notified()).toEqual(['a queue:changed', 'c connectivity:change', 'c queue:changed']);
  });

  it('kill() ends a worker as a crash: the child restarts by its spec', async () => {
    const { sup, of } = supervise([spec('a')]);
    await sup.start();
    sup.kill('a', 'wedged: killed by the operator');
    await waitFor(() => of('actor:ready').length === 2, 'the restart');
    expect(of('actor:crash')).toEqual([{ id: 'a', reason: 'wedged: killed by the operator', duringStartup: false }]);
    expect(stateOf(sup, 'a')).toMatchObject({
      state: 'running',
      restarts: 1,
      lastError: 'wedged: killed by the operator',
    });
  });

  it('a call waits for a restarting child, and refuses once stopped', async () => {
    const { sup, of } = supervise([spec('a', { crashAfter: 0 })], {
      backoff: { initialMs: 200, maxMs: 200, jitter: 0 },
    });
    // Observed when the restart is announced (polling could see the next start already).
    const seen: [string, boolean][] = [];
    sup.events.on('actor:restart', () => seen.push([stateOf(sup, 'a').state, sup.allPermanentRunning()]));
    await sup.start();
    await sup.call('a', { type: 'echo', value: 1 }).catch(() => undefined);
    await waitFor(() => of('actor:restart').length === 1, 'restarting');
    expect(seen).toEqual([['restarting', false]]);
    expect(await sup.call('a', { type: 'count' }, { waitMs: 20_000 })).toBe(1);
    await sup.stop();
    await expect(sup.call('a', { type: 'count' })).rejects.toMatchObject({
      name: 'ActorUnavailableError',
      message: 'actor a is stopped',
    });
  });
});

describe('supervisor time (a manual clock)', () => {
  const backoff = { initialMs: 1_000, maxMs: 60_000, jitter: 0 };
  /** Lets every continuation the clock could have released run (a fired timer's restart spawns in a microtask). */
  const settle = () => new Promise<void>((r) => setImmediate(r));

  it('restarts a crashed child only once its computed backoff has passed on the clock', async () => {
    const clock = manualClock();
    const { sup, of } = supervise([spec('a', { crashAfter: 0 })], { clock, backoff });
    await sup.start();
    await sup.call('a', { type: 'echo', value: 1 }).catch(() => undefined);
    await waitFor(() => of('actor:restart').length === 1, 'the restart decision');
    expect(of('actor:restart')[0]).toMatchObject({ id: 'a', restarts: 1, delayMs: 1_000 });
    expect(clock.pending()).toEqual([1_000]);

    clock.advance(999);
    await settle();
    expect(of('actor:start')).toHaveLength(1);
    expect(stateOf(sup, 'a').state).toBe('restarting');

    clock.advance(1);
    await waitFor(() => of('actor:ready').length === 2, 'the restart at 1000 ms');
    expect(of('actor:start').map((e) => e.attempt)).toEqual([1, 2]);
    expect(clock.pending()).toEqual([]);
  });

  it('resets the backoff only after stableAfterMs of running, measured on the clock', async () => {
    const clock = manualClock();
    const { sup, of } = supervise([spec('a', { crashAfter: 0 })], {
      clock,
      backoff,
      stableAfterMs: 10_000,
      intensity: { maxRestarts: 10, withinMs: 600_000 },
    });
    await sup.start();
    /** Crashes the running incarnation; answers the delay the supervisor waits, after checking it waits exactly that. */
    const crashAndRestart = async (n: number): Promise<number> => {
      await sup.call('a', { type: 'echo', value: n }).catch(() => undefined);
      await waitFor(() => of('actor:restart').length === n, `restart ${n} decided`);
      const { delayMs } = of('actor:restart')[n - 1]!;
      expect(clock.pending()).toEqual([delayMs]);
      clock.advance(delayMs - 1);
      await settle();
      expect(of('actor:start'), `restart ${n} waits its full ${delayMs} ms`).toHaveLength(n);
      clock.advance(1);
      await waitFor(
        () => of('actor:ready').length === n + 1 && stateOf(sup, 'a').state === 'running',
        `restart ${n} running`,
      );
      return delayMs;
    };

    expect(await crashAndRestart(1)).toBe(1_000);
    expect(await crashAndRestart(2)).toBe(2_000);
    clock.advance(9_999); // one millisecond short of stable
    expect(await crashAndRestart(3)).toBe(4_000);
    clock.advance(10_000); // stable: the next crash starts the backoff again
    expect(await crashAndRestart(4)).toBe(1_000);
    expect(await crashAndRestart(5)).toBe(2_000);
    expect(stateOf(sup, 'a').restarts).toBe(5);
  });

  it('counts the restart intensity on the clock: crashes further apart than its window are forgiven, two within it are not', async () => {
    const clock = manualClock();
    const { sup, of } = supervise([spec('a', { crashAfter: 0 })], {
      clock,
      backoff: { initialMs: 0, maxMs: 0, jitter: 0 },
      intensity: { maxRestarts: 1, withinMs: 5_000 },
    });
    await sup.start();
    for (let n = 1; n <= 3; n++) {
      await sup.call('a', { type: 'echo', value: n }).catch(() => undefined);
      await waitFor(() => of('actor:restart').length === n, `restart ${n} decided`);
      clock.advance(0);
      await waitFor(
        () => of('actor:ready').length === n + 1 && stateOf(sup, 'a').state === 'running',
        `restart ${n} running`,
      );
      clock.advance(5_001); // the previous crash leaves the window
    }
    expect(of('supervisor:give-up')).toEqual([]);
    // Two crashes within the window are one too many.
    await sup.call('a', { type: 'echo', value: 4 }).catch(() => undefined);
    await waitFor(() => of('actor:restart').length === 4, 'restart 4 decided');
    clock.advance(0);
    await waitFor(() => of('actor:ready').length === 5 && stateOf(sup, 'a').state === 'running', 'restart 4 running');
    await sup.call('a', { type: 'echo', value: 5 }).catch(() => undefined);
    expect(await sup.gaveUp).toMatch(/^a crashed 2 times within 5s; last: Error: crash after 0$/);
  });
});

describe('failure domains', () => {
  const settle = () => new Promise<void>((r) => setImmediate(r));
  const domainOf = (sup: Supervisor, name: string) => sup.domainStatus().find((d) => d.name === name)!;
  // Generous waits: on a loaded machine a fixture actor takes seconds from spawn to ready.
  const until = <T>(predicate: () => T | Promise<T>, what: string) => waitFor(predicate, what, 60_000);

  it('a domain past its intensity fails alone: the others run on, calls to it are refused, it is retried after its long backoff', async () => {
    const clock = manualClock();
    const { sup, of, log } = supervise(
      [spec('rec', {}, { domain: 'recording' }), spec('s', { crashAfter: 0 }, { domain: 'sync' })],
      {
        clock,
        backoff: { initialMs: 0, maxMs: 0, jitter: 0 },
        intensity: { maxRestarts: 1, withinMs: 60_000 },
        domains: { recording: { critical: true }, sync: {} },
        domainRetry: { initialMs: 120_000, maxMs: 900_000, jitter: 0 },
      },
    );
    await sup.start();
    expect(sup.domainStatus().map((d) => [d.name, d.state, d.critical, d.children])).toEqual([
      ['recording', 'running', true, ['rec']],
      ['sync', 'running', false, ['s']],
    ]);
    // One restart is within the intensity; the second crash is past it.
    await sup.call('s', { type: 'echo', value: 1 }).catch(() => undefined);
    await until(() => of('actor:restart').length === 1, 'the restart');
    clock.advance(0);
    await until(() => stateOf(sup, 's').state === 'running', 's running again');
    await sup.call('s', { type: 'echo', value: 2 }).catch(() => undefined);
    await until(() => of('domain:failed').length === 1, 'the domain failure');

    expect(of('domain:failed')[0]).toMatchObject({ domain: 'sync', retryInMs: 120_000 });
    expect(of('domain:failed')[0]!.reason).toMatch(/^s crashed 2 times within 60s; last: Error: crash after 0$/);
    expect(of('supervisor:give-up')).toEqual([]);
    expect(log.lines.some((l) => l.includes('🧯 SUPERVISOR: domain sync failed'))).toBe(true);
    await until(() => stateOf(sup, 's').state === 'stopped', 's stopped');
    expect(stateOf(sup, 's')).toMatchObject({ domain: 'sync', domainState: 'failed' });
    expect(stateOf(sup, 'rec')).toMatchObject({ state: 'running', domain: 'recording', domainState: 'running' });
    expect(domainOf(sup, 'sync')).toMatchObject({ state: 'failed', failures: 1 });
    expect(domainOf(sup, 'sync').retryAt).toBe(new Date(clock.now() + 120_000).toISOString());
    await expect(sup.call('s', { type: 'echo', value: 3 })).rejects.toThrow(/domain sync failed and is retried at/);
    expect(await sup.call('rec', { type: 'echo', value: 'still here' })).toBe('still here');
    expect(sup.allPermanentRunning()).toBe(false);

    // Nothing before its backoff has passed on the clock; then the whole domain starts again with a fresh budget.
    clock.advance(119_999);
    await settle();
    expect(of('domain:retry')).toEqual([]);
    clock.advance(1);
    await until(() => of('domain:recovered').length === 1, 'the domain back');
    expect(of('domain:retry')).toEqual([{ domain: 'sync', failures: 1 }]);
    expect(stateOf(sup, 's')).toMatchObject({ state: 'running', domainState: 'running' });
    expect(domainOf(sup, 'sync')).toMatchObject({ state: 'running', reason: null, retryAt: null });
    expect(await sup.call('s', { type: 'count' }).catch(() => 'crashed')).toBe(1);

    // Failing again soon after: the retry backoff doubles.
    await until(() => of('actor:restart').length === 2, 'the restart after the retry');
    clock.advance(0);
    await until(() => stateOf(sup, 's').state === 'running', 's running again');
    await sup.call('s', { type: 'echo', value: 4 }).catch(() => undefined);
    await until(() => of('domain:failed').length === 2, 'the second failure');
    expect(of('domain:failed')[1]).toMatchObject({ domain: 'sync', retryInMs: 240_000 });

    // The critical domain past its intensity gives up the supervisor, as before domains.
    await sup.call('rec', { type: 'crash-async' }).catch(() => undefined); // answer and crash race
    await until(() => of('actor:restart').filter((r) => r.id === 'rec').length === 1, 'rec restart');
    clock.advance(0);
    await until(() => stateOf(sup, 'rec').state === 'running', 'rec running again');
    await sup.call('rec', { type: 'crash-async' }).catch(() => undefined); // answer and crash race
    expect(await sup.gaveUp).toMatch(/^rec crashed 2 times within 60s/);
  }, 180_000);

  it('a domain that cannot start does not hold up the start of the others; it comes back once its cause is gone', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'count');
      const { sup, of } = supervise(
        [
          spec('s', { crashOnStart: true, crashOnStartTimes: 1_000_000, crashFile: file }, { domain: 'sync' }),
          spec('rec', {}, { domain: 'recording' }),
        ],
        {
          startupIntensity: { maxRestarts: 1, withinMs: 60_000 },
          domains: { recording: { critical: true } },
          domainRetry: { initialMs: 300, maxMs: 300, jitter: 0 },
        },
      );
      await sup.start();
      expect(stateOf(sup, 'rec').state).toBe('running');
      expect(of('domain:failed')[0]?.domain).toBe('sync');
      expect(of('domain:failed')[0]!.reason).toMatch(/during start-up; last: Error: crash on start #2$/);
      // It keeps failing while the cause lasts...
      await until(() => of('domain:failed').length >= 2, 'a failed retry');
      expect(stateOf(sup, 'rec').state).toBe('running');
      // ...and is back once the cause is gone.
      fs.writeFileSync(file, '1000000');
      await until(() => of('domain:recovered').length === 1, 'the domain back');
      expect(stateOf(sup, 's')).toMatchObject({ state: 'running', domainState: 'running' });
      expect(of('supervisor:give-up')).toEqual([]);
    } finally {
      await current?.stop();
      tmp.cleanup();
    }
  }, 180_000);

  it('an uncaught SQLITE_BUSY keeps its name, message and code across the thread boundary', async () => {
    const tmp = tempDir();
    const dbPath = path.join(tmp.dir, 'busy.db');
    const holder = new Database(dbPath);
    try {
      holder.pragma('journal_mode = WAL');
      holder.exec('CREATE TABLE IF NOT EXISTS t (x INTEGER)');
      const busy = new URL('./fixtures/actors/sqlite-busy.actor.ts', import.meta.url);
      const { sup, of } = supervise([{ ...spec('db'), entry: busy, data: { dbPath } }]);
      await sup.start();
      holder.exec('BEGIN IMMEDIATE');
      await sup.call('db', { type: 'write-uncaught' });
      await until(() => of('actor:crash').length === 1, 'the crash');
      holder.exec('ROLLBACK');
      // On main, Node's copy of the error arrived as `{ code }`: "SQLITE_BUSY: undefined".
      expect(of('actor:crash')[0]!.reason).toBe('SqliteError: database is locked (SQLITE_BUSY)');
      await sup.stop();
    } finally {
      holder.close();
      tmp.cleanup();
    }
  }, 180_000);
});
