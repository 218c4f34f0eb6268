import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor, type ChildSpec, type SupervisorEvents, type SupervisorOptions } from '../src/supervisor/index.js';
import type { FixtureData } from './fixtures/actors/fixture.messages.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const FIXTURE = new URL('./fixtures/actors/fixture.actor.ts', import.meta.url);
const fast = { initialMs: 20, maxMs: 200, jitter: 0 };

function spec(id: string, data: FixtureData = {}, over: Partial<ChildSpec> = {}): ChildSpec {
  return { id, entry: FIXTURE, restart: 'permanent', shutdownMs: 2_000, heartbeatIntervalMs: 100, heartbeatTimeoutMs: 1_500, data, ...over };
}

let current: Supervisor | undefined;
afterEach(async () => { await current?.stop(); current = undefined; });

function supervise(children: ChildSpec[], over: Partial<SupervisorOptions> = {}) {
  const log = captureLogger();
  const events: { type: keyof SupervisorEvents; payload: any }[] = [];
  const sup = new Supervisor({ children, logger: log.logger, backoff: fast, ...over });
  sup.events.onAny((e) => events.push(e));
  current = sup;
  const of = <K extends keyof SupervisorEvents>(type: K) => events.filter((e) => e.type === type).map((e) => e.payload as SupervisorEvents[K]);
  return { sup, events, of, log };
}

const stateOf = (sup: Supervisor, id: string) => sup.status().find((s) => s.id === id)!;

describe('supervisor', () => {
  it('starts children in order and stops them in reverse order', async () => {
    const { sup, events } = supervise([spec('a'), spec('b', { initDelayMs: 50 }), spec('c')]);
    await sup.start();
    expect(sup.status().map((s) => s.state)).toEqual(['running', 'running', 'running']);
    expect(sup.allPermanentRunning()).toBe(true);
    const starts = events.filter((e) => e.type === 'actor:start' || e.type === 'actor:ready').map((e) => `${e.type}:${e.payload.id}`);
    expect(starts).toEqual(['actor:start:a', 'actor:ready:a', 'actor:start:b', 'actor:ready:b', 'actor:start:c', 'actor:ready:c']);
    await sup.stop();
    expect(events.filter((e) => e.type === 'actor:stop').map((e) => [e.payload.id, e.payload.graceful])).toEqual([
      ['c', true], ['b', true], ['a', true],
    ]);
    expect(sup.status().map((s) => s.state)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(sup.allPermanentRunning()).toBe(false);
  });

  it('the start timeout applies to the start only: a ready actor outlives it', async () => {
    const { sup, of } = supervise([spec('a', {}, { startTimeoutMs: 300 })]);
    await sup.start();
    // Wait well past the start timeout, through heartbeats, then the actor must still be the first incarnation.
    await waitFor(() => Date.now() - Date.parse(stateOf(sup, 'a').startedAt!) > 1_000, 'a second past the start timeout');
    expect(await sup.call('a', { type: 'echo', value: 'still here' })).toBe('still here');
    expect(of('actor:crash')).toEqual([]);
    expect(stateOf(sup, 'a').restarts).toBe(0);
  });

  it('an actor that does not get ready within its start timeout is a start-up crash', async () => {
    const { sup, of } = supervise([spec('slow', { initDelayMs: 5_000 }, { startTimeoutMs: 200 })], { startupIntensity: { maxRestarts: 0, withinMs: 60_000 } });
    await expect(sup.start()).rejects.toThrow(/slow crashed 1 times within 60s during start-up; last: did not become ready within 200 ms/);
    expect(of('actor:crash')[0]).toMatchObject({ id: 'slow', duringStartup: true });
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
    await expect(pending).rejects.toMatchObject({ name: 'ActorUnavailableError', message: expect.stringMatching(/actor a went away \(Error: crash after 2\)/) });
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
    await waitFor(() => stateOf(sup, 't').state === 'stopped' && stateOf(sup, 'tmp').state === 'stopped', 'both stopped');
    expect(of('actor:restart')).toHaveLength(0);
    // Neither is permanent, so readiness holds.
    expect(sup.allPermanentRunning()).toBe(true);
  });

  it('terminates and restarts an actor stuck in an infinite loop (heartbeat timeout)', async () => {
    const { sup, of } = supervise([spec('a', {}, { heartbeatTimeoutMs: 400 })]);
    await sup.start();
    await expect(sup.call('a', { type: 'spin' })).rejects.toMatchObject({ name: 'ActorUnavailableError' });
    expect(of('actor:crash')[0]!.reason).toMatch(/^no heartbeat for \d+ ms \(limit 400 ms\)$/);
    await waitFor(() => stateOf(sup, 'a').state === 'running' && of('actor:ready').length === 2, 'the restart');
    expect(await sup.call('a', { type: 'echo', value: 'alive' })).toBe('alive');
  });

  it('restarts an actor that blows its memory limit (ERR_WORKER_OUT_OF_MEMORY)', async () => {
    const { sup, of } = supervise([spec('a', {}, { resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 }, heartbeatTimeoutMs: 5_000 })]);
    await sup.start();
    await expect(sup.call('a', { type: 'grow' })).rejects.toMatchObject({ name: 'ActorUnavailableError' });
    expect(of('actor:crash')[0]!.reason).toMatch(/^ERR_WORKER_OUT_OF_MEMORY/);
    await waitFor(() => of('actor:ready').length === 2, 'the restart');
  });

  it('gives up past the restart intensity and says why', async () => {
    const { sup, of, log } = supervise([spec('a', { crashAfter: 0 })], { intensity: { maxRestarts: 2, withinMs: 60_000 } });
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
      const ok = supervise([spec('a', { crashOnStart: true, crashOnStartTimes: 2, crashFile: file })], { startupIntensity: { maxRestarts: 2, withinMs: 60_000 } });
      await ok.sup.start();
      expect(ok.of('actor:crash').map((c) => c.duringStartup)).toEqual([true, true]);
      expect(ok.of('actor:crash')[0]!.reason).toBe('Error: crash on start #1');
      expect(stateOf(ok.sup, 'a')).toMatchObject({ state: 'running', restarts: 2 });
      await ok.sup.stop();

      const bad = supervise([spec('b', { crashOnStart: true })], { startupIntensity: { maxRestarts: 2, withinMs: 60_000 }, intensity: { maxRestarts: 100, withinMs: 60_000 } });
      await expect(bad.sup.start()).rejects.toThrow(/gave up: b crashed 3 times within 60s during start-up/);
      expect(bad.of('actor:restart')).toHaveLength(2);
    } finally {
      tmp.cleanup();
    }
  });

  it('spaces restarts with exponential backoff', async () => {
    const { sup, of } = supervise([spec('a', { crashAfter: 0 })], { backoff: { initialMs: 10, maxMs: 40, jitter: 0 }, intensity: { maxRestarts: 10, withinMs: 60_000 } });
    await sup.start();
    for (let i = 0; i < 4; i++) {
      await waitFor(() => stateOf(sup, 'a').state === 'running', 'running');
      await sup.call('a', { type: 'echo', value: i }).catch(() => undefined);
      await waitFor(() => of('actor:restart').length === i + 1, `restart ${i + 1}`);
    }
    expect(of('actor:restart').map((r) => r.delayMs)).toEqual([10, 20, 40, 40]);
  });

  it('terminates a child that is slow to stop after its shutdownMs', async () => {
    const { sup, of, log } = supervise([spec('fast'), spec('slow', { stopDelayMs: 10_000 }, { shutdownMs: 200 })]);
    await sup.start();
    await sup.stop();
    expect(of('actor:stop')).toEqual([{ id: 'slow', graceful: false, shutdownMs: 200 }, { id: 'fast', graceful: true, shutdownMs: 2_000 }]);
    expect(log.lines.some((l) => l.includes('slow did not stop within 200 ms; terminated'))).toBe(true);
  });

  it('rest-for-one restarts the children started after the crashed one', async () => {
    const { sup, of } = supervise([spec('a'), spec('b', { crashAfter: 0 }), spec('c')], { strategy: 'rest-for-one' });
    await sup.start();
    await sup.call('b', { type: 'echo', value: 1 }).catch(() => undefined);
    await waitFor(() => of('actor:ready').length === 5 && sup.allPermanentRunning(), 'b and c restarted');
    expect(of('actor:stop').map((s) => s.id)).toEqual(['c']);
    expect(of('actor:ready').slice(3).map((r) => r.id)).toEqual(['b', 'c']);
    expect(stateOf(sup, 'a').restarts).toBe(0);
  });

  it('delivers one-way notifications to running children', async () => {
    const { sup, of } = supervise([spec('a'), spec('b')]);
    await sup.start();
    sup.broadcast({ type: 'connectivity:change' }, 'a');
    await waitFor(() => of('actor:event').some((e) => e.event.type === 'fixture:notified'), 'the notification');
    expect(of('actor:event').filter((e) => e.event.type === 'fixture:notified').map((e) => e.id)).toEqual(['b']);
  });

  it('a call waits for a restarting child, and refuses once stopped', async () => {
    const { sup, of } = supervise([spec('a', { crashAfter: 0 })], { backoff: { initialMs: 200, maxMs: 200, jitter: 0 } });
    await sup.start();
    await sup.call('a', { type: 'echo', value: 1 }).catch(() => undefined);
    await waitFor(() => of('actor:restart').length === 1, 'restarting');
    expect(stateOf(sup, 'a').state).toBe('restarting');
    expect(sup.allPermanentRunning()).toBe(false);
    expect(await sup.call('a', { type: 'count' }, { waitMs: 5_000 })).toBe(1);
    await sup.stop();
    await expect(sup.call('a', { type: 'count' })).rejects.toMatchObject({ name: 'ActorUnavailableError', message: 'actor a is stopped' });
  });
});
