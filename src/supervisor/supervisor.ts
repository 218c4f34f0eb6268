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

/** one-for-one: only the crashed child restarts. rest-for-one: the children started after it restart too. */
export type Strategy = 'one-for-one' | 'rest-for-one';

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  children: ChildSpec[];
  strategy?: Strategy;
  /** Restarts allowed of running children (default 5 within 60 s). */
  intensity?: IntensityOptions;
  /** Stricter budget for crashes before the ready handshake (default 3 within 60 s). */
  startupIntensity?: IntensityOptions;
  backoff?: BackoffOptions;
  /** A child that ran this long starts its backoff from the beginning again (default 30 s). */
  stableAfterMs?: number;
  logger: Logger;
  random?: () => number;
}

interface Child {
  spec: ChildSpec;
  state: ChildState;
  handle: ActorHandle | undefined;
  restarts: number;
  consecutive: number;
  lastError: string | null;
  startedAt: number | null;
  readyAt: number | null;
  restartTimer: NodeJS.Timeout | undefined;
  /** Settles when the child is running (or the supervisor stops/gives up). */
  waiters: (() => void)[];
}

/** Supervises actors. Example: `const sup = new Supervisor({ children, logger }); await sup.start();`. */
export class Supervisor {
  readonly events = new TypedEmitter<SupervisorEvents>();
  /** Resolves with the reason when the supervisor gives up; the process should then exit non-zero. */
  readonly gaveUp: Promise<string>;
  private readonly children: Child[];
  private readonly window: IntensityWindow;
  private readonly startupWindow: IntensityWindow;
  private readonly backoff: BackoffOptions;
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
      spec, state: 'stopped', handle: undefined, restarts: 0, consecutive: 0, lastError: null, startedAt: null,
      readyAt: null, restartTimer: undefined, waiters: [],
    }));
    this.window = new IntensityWindow(options.intensity ?? { maxRestarts: 5, withinMs: 60_000 });
    this.startupWindow = new IntensityWindow(options.startupIntensity ?? { maxRestarts: 3, withinMs: 60_000 });
    this.backoff = options.backoff ?? { initialMs: 100, maxMs: 30_000, jitter: 0.2 };
    this.gaveUp = new Promise((r) => { this.resolveGaveUp = r; });
    logSupervisorEvents(this.events, options.logger);
  }

  /** Starts every child in order, each after the previous one is ready. Rejects if the supervisor gives up. */
  async start(): Promise<void> {
    for (const child of this.children) {
      this.spawn(child);
      await this.whenRunning(child);
      if (this.giveUpReason) throw new Error(`supervisor gave up: ${this.giveUpReason}`);
    }
  }

  /** Stops every child in reverse order, each within its shutdownMs. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const child of [...this.children].reverse()) await this.stopChild(child);
  }

  /** Sends a request to a child, waiting up to `waitMs` for it to be running (it may be restarting). */
  async call<Request extends { type: string }, Reply = unknown>(id: string, request: Request, opts: { waitMs?: number; timeoutMs?: number } = {}): Promise<Reply> {
    const child = this.child(id);
    if (child.state !== 'running') {
      if (this.stopping || child.state === 'stopped') throw new ActorUnavailableError(`actor ${id} is ${child.state}`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.whenRunning(child),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new ActorUnavailableError(`actor ${id} is ${child.state}`)), opts.waitMs ?? 5_000);
        }),
      ]).finally(() => clearTimeout(timer));
    }
    if (!child.handle) throw new ActorUnavailableError(`actor ${id} is ${child.state}`);
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

  private whenRunning(child: Child): Promise<void> {
    if (child.state === 'running' || this.giveUpReason || this.stopping) return Promise.resolve();
    return new Promise((r) => child.waiters.push(r));
  }

  private settle(child: Child): void {
    const waiters = child.waiters.splice(0);
    for (const w of waiters) w();
  }

  private spawn(child: Child): void {
    const spec = child.spec;
    const attempt = child.restarts + 1;
    child.state = 'starting';
    child.startedAt = Date.now();
    child.readyAt = null;
    this.events.emit('actor:start', { id: spec.id, attempt });
    const handle = new ActorHandle({
      id: spec.id, entry: spec.entry, data: spec.data ?? {}, resourceLimits: spec.resourceLimits,
      heartbeatIntervalMs: spec.heartbeatIntervalMs ?? 1_000, heartbeatTimeoutMs: spec.heartbeatTimeoutMs ?? 10_000,
      startTimeoutMs: spec.startTimeoutMs ?? 15_000,
      onEvent: (event) => this.events.emit('actor:event', { id: spec.id, event }),
      onLog: (level, msg, fields) => this.options.logger[level](msg, { actor: spec.id, ...fields }),
    });
    child.handle = handle;
    handle.start().then(
      () => {
        if (child.handle !== handle || child.state !== 'starting') return;
        child.state = 'running';
        child.readyAt = Date.now();
        this.events.emit('actor:ready', { id: spec.id, startMs: child.readyAt - (child.startedAt ?? child.readyAt) });
        this.settle(child);
      },
      () => undefined, // the exit handler below decides what a failed start means
    );
    void handle.exited.then((info) => this.onExit(child, handle, info));
  }

  private onExit(child: Child, handle: ActorHandle, info: ExitInfo): void {
    if (child.handle !== handle) return;
    if (info.expected || this.stopping || this.giveUpReason) return;
    const spec = child.spec;
    const duringStartup = !info.wasReady;
    child.state = 'crashed';
    child.lastError = info.reason;
    this.events.emit('actor:crash', { id: spec.id, reason: info.reason, duringStartup });

    const normalExit = info.code === 0 && !info.error && info.wasReady;
    if (spec.restart === 'temporary' || (spec.restart === 'transient' && normalExit)) {
      child.state = 'stopped';
      this.settle(child);
      return;
    }
    const now = Date.now();
    const budget = duringStartup ? this.startupWindow : this.window;
    if (!budget.record(now)) {
      const limits = duringStartup ? this.options.startupIntensity ?? { maxRestarts: 3, withinMs: 60_000 } : this.options.intensity ?? { maxRestarts: 5, withinMs: 60_000 };
      this.giveUp(spec.id, `${spec.id} crashed ${limits.maxRestarts + 1} times within ${limits.withinMs / 1000}s${duringStartup ? ' during start-up' : ''}; last: ${info.reason}`);
      return;
    }
    if (child.readyAt !== null && now - child.readyAt >= (this.options.stableAfterMs ?? 30_000)) child.consecutive = 0;
    const delayMs = restartDelay(child.consecutive++, this.backoff, this.options.random);
    void this.restart(child, delayMs);
  }

  private async restart(child: Child, delayMs: number): Promise<void> {
    const later = this.options.strategy === 'rest-for-one' ? this.children.slice(this.children.indexOf(child) + 1) : [];
    for (const dep of [...later].reverse()) await this.stopChild(dep);
    child.restarts++;
    child.state = 'restarting';
    this.events.emit('actor:restart', { id: child.spec.id, restarts: child.restarts, delayMs });
    await new Promise<void>((r) => { child.restartTimer = setTimeout(r, delayMs); });
    child.restartTimer = undefined;
    if (this.stopping || this.giveUpReason) return;
    this.spawn(child);
    for (const dep of later) {
      await this.whenRunning(child);
      if (this.stopping || this.giveUpReason) return;
      dep.restarts++;
      this.spawn(dep);
      await this.whenRunning(dep);
    }
  }

  private async stopChild(child: Child): Promise<void> {
    if (child.restartTimer) {
      clearTimeout(child.restartTimer);
      child.restartTimer = undefined;
    }
    const handle = child.handle;
    if (!handle || child.state === 'stopped' || handle.ended) {
      child.state = 'stopped';
      this.settle(child);
      return;
    }
    child.state = 'stopping';
    const { graceful } = await handle.stop(child.spec.shutdownMs);
    if (child.handle === handle) child.state = 'stopped';
    this.events.emit('actor:stop', { id: child.spec.id, graceful, shutdownMs: child.spec.shutdownMs });
    this.settle(child);
  }

  private giveUp(id: string, reason: string): void {
    this.giveUpReason = reason;
    this.events.emit('supervisor:give-up', { id, reason });
    for (const c of this.children) this.settle(c);
    void this.stop().finally(() => this.resolveGaveUp(reason));
  }
}
