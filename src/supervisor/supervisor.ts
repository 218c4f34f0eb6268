// The supervisor: starts children in order, restarts crashed ones by their child spec with backoff, gives up
// past the restart intensity, and stops children in reverse order, each within its shutdownMs.

import type { Logger } from '../log.js';
import { ActorHandle, ActorUnavailableError, type ExitInfo } from './actor-handle.js';
import type { ChildSpec, ChildState, ChildStatus } from './child-spec.js';
import { TypedEmitter } from './events.js';
import { logSupervisorEvents } from './event-log.js';
import { IntensityWindow, restartDelay, type BackoffOptions, type IntensityOptions } from './restart-policy.js';

/** Events of the supervision tree; actors' own domain events arrive as `actor:event`. */
export type SupervisorEvents = {
  'actor:start': { id: string; attempt: number };
  'actor:ready': { id: string; startMs: number };
  'actor:crash': { id: string; reason: string; duringStartup: boolean };
  'actor:restart': { id: string; restarts: number; delayMs: number };
  'actor:stop': { id: string; graceful: boolean; shutdownMs: number };
  'actor:event': { id: string; event: { type: string } };
  'supervisor:give-up': { id: string; reason: string };
};

/**
 * one-for-one: only the crashed child restarts. rest-for-one: the children started after it are stopped (in reverse
 * order) and, after the crashed child is running again, started again in order — except temporary children and
 * children that had ended for good (they stay stopped). As in OTP, the restart intensity counts one restart per
 * crash, the cascade included; each child the cascade restarts still gets its own `actor:restart` event (and so its
 * restart counter and metric).
 */
export type Strategy = 'one-for-one' | 'rest-for-one';

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  children: ChildSpec[];
  strategy?: Strategy;
  /** Restarts allowed of running children (default 5 within 60 s), one per crash (a rest-for-one cascade counts once). */
  intensity?: IntensityOptions;
  /** Stricter budget for crashes before the ready handshake (default 3 within 60 s). */
  startupIntensity?: IntensityOptions;
  backoff?: BackoffOptions;
  /** A child that ran this long starts its backoff from the beginning again (default 30 s). */
  stableAfterMs?: number;
  logger: Logger;
  random?: () => number;
}

/**
 * One restart in flight: it stops the live children after the crashed one (rest-for-one), waits out the backoff,
 * then starts its children in order, each after the previous one is ready. A child belongs to at most one restart
 * (`Child.pending`); a newer restart that claims a child cancels the older one, whose remaining work it covers.
 */
interface Restart {
  children: Child[];
  delayMs: number;
  cancelled: boolean;
  timer: NodeJS.Timeout | undefined;
  wake: (() => void) | undefined;
}

interface Child {
  spec: ChildSpec;
  state: ChildState;
  handle: ActorHandle | undefined;
  /** The restart that spawned `handle` (undefined: spawned by start()). */
  spawnedBy: Restart | undefined;
  /** The restart in flight that will (re)start this child; cleared once the child is running again. */
  pending: Restart | undefined;
  restarts: number;
  consecutive: number;
  lastError: string | null;
  startedAt: number | null;
  readyAt: number | null;
  /** Woken on every state change; each waiter re-checks its own condition. */
  waiters: (() => void)[];
}

const live = (c: Child): boolean => c.handle !== undefined && !c.handle.ended;

/** Supervises actors. Example: `const sup = new Supervisor({ children, logger }); await sup.start();`. */
export class Supervisor {
  readonly events = new TypedEmitter<SupervisorEvents>();
  /** Resolves with the reason when the supervisor gives up; the process should then exit non-zero. */
  readonly gaveUp: Promise<string>;
  private readonly children: Child[];
  private readonly window: IntensityWindow;
  private readonly startupWindow: IntensityWindow;
  private readonly intensity: IntensityOptions;
  private readonly startupIntensity: IntensityOptions;
  private readonly backoff: BackoffOptions;
  /** Restarts in flight (so that stop() can cancel their backoff). */
  private readonly restarts = new Set<Restart>();
  /** Every spawned worker until it exits, whoever spawned it: stop() ends them all. */
  private readonly handles = new Set<ActorHandle>();
  private stopping = false;
  private giveUpReason: string | undefined;
  private resolveGaveUp!: (reason: string) => void;

  constructor(private readonly options: SupervisorOptions) {
    const ids = new Set<string>();
    for (const c of options.children) {
      if (ids.has(c.id)) throw new Error(`duplicate child id ${c.id}`);
      ids.add(c.id);
    }
    this.children = options.children.map((spec) => ({
      spec, state: 'stopped', handle: undefined, spawnedBy: undefined, pending: undefined, restarts: 0,
      consecutive: 0, lastError: null, startedAt: null, readyAt: null, waiters: [],
    }));
    this.intensity = options.intensity ?? { maxRestarts: 5, withinMs: 60_000 };
    this.startupIntensity = options.startupIntensity ?? { maxRestarts: 3, withinMs: 60_000 };
    this.window = new IntensityWindow(this.intensity);
    this.startupWindow = new IntensityWindow(this.startupIntensity);
    this.backoff = options.backoff ?? { initialMs: 100, maxMs: 30_000, jitter: 0.2 };
    this.gaveUp = new Promise((r) => { this.resolveGaveUp = r; });
    logSupervisorEvents(this.events, options.logger);
  }

  /** Starts every child in order, each after the previous one is ready. Rejects if the supervisor gives up. */
  async start(): Promise<void> {
    for (const child of this.children) {
      if (this.stopping || this.giveUpReason) break;
      // A child that is live or has a restart pending (a rest-for-one cascade) is not started a second time.
      if (!live(child) && !child.pending) this.spawn(child, undefined);
      await this.whenRunning(child);
    }
    if (this.giveUpReason) throw new Error(`supervisor gave up: ${this.giveUpReason}`);
  }

  /** Stops every child in reverse order, each within its shutdownMs, then any worker still alive. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const r of [...this.restarts]) this.cancel(r);
    for (const c of this.children) {
      c.pending = undefined;
      this.settle(c);
    }
    for (const child of [...this.children].reverse()) await this.stopChild(child);
    // Only reachable through a bug: a worker no child refers to any more must not outlive the supervisor.
    for (const handle of [...this.handles]) {
      if (handle.ended) continue;
      this.options.logger.error('supervisor: stopping a worker no child refers to any more');
      await handle.stop(1_000);
    }
  }

  /** Sends a request to a child, waiting up to `waitMs` for it to be running (it may be restarting). */
  async call<Request extends { type: string }, Reply = unknown>(id: string, request: Request, opts: { waitMs?: number; timeoutMs?: number } = {}): Promise<Reply> {
    const child = this.child(id);
    if (child.state !== 'running') {
      if (this.stopping || (child.state === 'stopped' && !child.pending)) throw new ActorUnavailableError(`actor ${id} is ${child.state}`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.whenRunning(child),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new ActorUnavailableError(`actor ${id} is ${child.state}`)), opts.waitMs ?? 5_000);
        }),
      ]).finally(() => clearTimeout(timer));
    }
    if (!child.handle || child.state !== 'running') throw new ActorUnavailableError(`actor ${id} is ${child.state}`);
    return child.handle.call<Reply>(request, opts.timeoutMs);
  }

  /** Delivers a one-way message to every running child except `exceptId`. */
  broadcast(message: { type: string }, exceptId?: string): void {
    for (const c of this.children) if (c.spec.id !== exceptId && c.state === 'running') c.handle?.notify(message);
  }

  /** Every child's state as data. */
  status(): ChildStatus[] {
    return this.children.map((c) => ({
      id: c.spec.id, state: c.state, restart: c.spec.restart, restarts: c.restarts, lastError: c.lastError,
      startedAt: c.startedAt === null ? null : new Date(c.startedAt).toISOString(),
      lastHeartbeat: c.handle && c.state === 'running' ? new Date(c.handle.lastHeartbeat).toISOString() : null,
    }));
  }

  /** True while every permanent child is running and the supervisor is neither stopping nor given up. */
  allPermanentRunning(): boolean {
    return !this.stopping && !this.giveUpReason
      && this.children.every((c) => c.spec.restart !== 'permanent' || c.state === 'running');
  }

  private child(id: string): Child {
    const c = this.children.find((x) => x.spec.id === id);
    if (!c) throw new ActorUnavailableError(`no actor ${id}`);
    return c;
  }

  /** Resolves when the child is running, has ended for good, or the supervisor stops or gives up. */
  private async whenRunning(child: Child): Promise<void> {
    while (!(child.state === 'running' || this.stopping || this.giveUpReason || (child.state === 'stopped' && !child.pending))) {
      await new Promise<void>((r) => child.waiters.push(r));
    }
  }

  private setState(child: Child, state: ChildState): void {
    child.state = state;
    this.settle(child);
  }

  private settle(child: Child): void {
    const waiters = child.waiters.splice(0);
    for (const w of waiters) w();
  }

  private spawn(child: Child, restart: Restart | undefined): ActorHandle {
    const spec = child.spec;
    const previous = child.handle;
    if (previous && !previous.ended) {
      // Never expected: one worker per child. Should it happen, the old worker is ended, not orphaned.
      this.options.logger.error(`supervisor: ${spec.id} still had a live worker when started again; stopping it`);
      void previous.stop(spec.shutdownMs);
    }
    const attempt = child.restarts + 1;
    child.startedAt = Date.now();
    child.readyAt = null;
    this.setState(child, 'starting');
    this.events.emit('actor:start', { id: spec.id, attempt });
    const handle = new ActorHandle({
      id: spec.id, entry: spec.entry, data: spec.data ?? {}, resourceLimits: spec.resourceLimits,
      heartbeatIntervalMs: spec.heartbeatIntervalMs ?? 1_000, heartbeatTimeoutMs: spec.heartbeatTimeoutMs ?? 10_000,
      startTimeoutMs: spec.startTimeoutMs ?? 15_000,
      onEvent: (event) => this.events.emit('actor:event', { id: spec.id, event }),
      onLog: (level, msg, fields) => this.options.logger[level](msg, { actor: spec.id, ...fields }),
    });
    child.handle = handle;
    child.spawnedBy = restart;
    this.handles.add(handle);
    handle.start().then(
      () => {
        if (child.handle !== handle || child.state !== 'starting') return;
        child.readyAt = Date.now();
        this.setState(child, 'running');
        this.events.emit('actor:ready', { id: spec.id, startMs: child.readyAt - (child.startedAt ?? child.readyAt) });
      },
      () => undefined, // the exit handler below decides what a failed start means
    );
    void handle.exited.then((info) => {
      this.handles.delete(handle);
      this.onExit(child, handle, info);
    });
    return handle;
  }

  private onExit(child: Child, handle: ActorHandle, info: ExitInfo): void {
    if (child.handle !== handle) return;
    if (info.expected || this.stopping || this.giveUpReason) return;
    const spec = child.spec;
    const duringStartup = !info.wasReady;
    child.lastError = info.reason;
    this.setState(child, 'crashed');
    this.events.emit('actor:crash', { id: spec.id, reason: info.reason, duringStartup });

    const normalExit = info.code === 0 && !info.error && info.wasReady;
    if (spec.restart === 'temporary' || (spec.restart === 'transient' && normalExit)) {
      child.pending = undefined; // a cascade that meant to restart it skips it
      this.setState(child, 'stopped');
      return;
    }
    // A worker that a restart in flight is about to stop (a rest-for-one cascade): that restart starts it again.
    if (child.pending && child.spawnedBy !== child.pending) {
      this.setState(child, 'restarting');
      return;
    }

    const later = this.options.strategy === 'rest-for-one' ? this.children.slice(this.children.indexOf(child) + 1) : [];
    // Later children to restart with it: not temporary, and live or already waiting for a restart.
    const dependents = later.filter((c) => c.spec.restart !== 'temporary' && (live(c) || c.pending !== undefined));
    // Those whose current worker this crash interrupts (a child already waiting was counted when it was stopped).
    const interrupted = dependents.filter((c) => live(c) && !(c.pending && c.spawnedBy !== c.pending));

    const now = Date.now();
    const budget = duringStartup ? this.startupWindow : this.window;
    const limits = duringStartup ? this.startupIntensity : this.intensity;
    const during = duringStartup ? ' during start-up' : '';
    if (!budget.record(now)) {
      this.giveUp(spec.id, `${spec.id} crashed ${limits.maxRestarts + 1} times within ${limits.withinMs / 1000}s${during}; last: ${info.reason}`);
      return;
    }
    if (child.readyAt !== null && now - child.readyAt >= (this.options.stableAfterMs ?? 30_000)) child.consecutive = 0;
    const delayMs = restartDelay(child.consecutive++, this.backoff, this.options.random);

    const restart: Restart = { children: [child, ...dependents], delayMs, cancelled: false, timer: undefined, wake: undefined };
    for (const c of restart.children) {
      if (c.pending) this.cancel(c.pending);
      c.pending = restart;
    }
    this.restarts.add(restart);
    child.restarts++;
    this.setState(child, 'restarting');
    this.events.emit('actor:restart', { id: spec.id, restarts: child.restarts, delayMs });
    for (const c of interrupted) {
      c.restarts++;
      this.events.emit('actor:restart', { id: c.spec.id, restarts: c.restarts, delayMs });
    }
    for (const c of dependents) if (!live(c)) this.setState(c, 'restarting');
    void this.run(restart, later);
  }

  /** Carries out one restart; returns early when cancelled, when the supervisor stops, or when a start fails. */
  private async run(restart: Restart, later: Child[]): Promise<void> {
    const over = () => restart.cancelled || this.stopping || this.giveUpReason !== undefined;
    try {
      for (const c of [...later].reverse()) {
        if (over()) return;
        if (live(c)) await this.stopChild(c, c.pending === restart ? 'restarting' : 'stopped');
      }
      if (over()) return;
      await new Promise<void>((r) => {
        restart.wake = r;
        restart.timer = setTimeout(r, restart.delayMs);
      });
      for (const c of restart.children) {
        if (over()) return;
        if (c.pending !== restart) continue; // it ended for good meanwhile (e.g. a transient's normal exit)
        if (live(c)) await this.stopChild(c, 'restarting');
        if (over()) return;
        const handle = this.spawn(c, restart);
        const ready = await handle.start().then(() => true, () => false);
        // A failed start is a crash: its exit handler starts a newer restart (or gives up).
        if (!ready || over()) return;
        if (c.pending === restart) c.pending = undefined;
      }
    } finally {
      clearTimeout(restart.timer);
      this.restarts.delete(restart);
    }
  }

  private cancel(restart: Restart): void {
    restart.cancelled = true;
    clearTimeout(restart.timer);
    restart.wake?.();
    this.restarts.delete(restart);
  }

  /** Stops a child's worker within its shutdownMs; the child is then `then` (stopped, or restarting in a cascade). */
  private async stopChild(child: Child, then: ChildState = 'stopped'): Promise<void> {
    const handle = child.handle;
    if (!handle || handle.ended) {
      this.setState(child, this.stopping ? 'stopped' : then);
      return;
    }
    // Two stops of one worker (a cascade and the supervisor's stop) wait for the same exit; the first reports it.
    const first = child.state !== 'stopping';
    this.setState(child, 'stopping');
    const { graceful } = await handle.stop(child.spec.shutdownMs);
    if (child.handle === handle) this.setState(child, this.stopping ? 'stopped' : then);
    if (first) this.events.emit('actor:stop', { id: child.spec.id, graceful, shutdownMs: child.spec.shutdownMs });
  }

  private giveUp(id: string, reason: string): void {
    this.giveUpReason = reason;
    this.events.emit('supervisor:give-up', { id, reason });
    for (const c of this.children) this.settle(c);
    void this.stop().finally(() => this.resolveGaveUp(reason));
  }
}
