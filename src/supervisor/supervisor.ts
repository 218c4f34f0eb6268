// The supervisor: starts children in order, restarts crashed ones by their child spec with backoff, counts restarts
// per failure domain (a non-critical domain past its intensity is stopped and retried after a long backoff; a critical
// one gives up), and stops children in reverse order, each within its shutdownMs. Its own time (backoff, stable runs,
// intensity windows, domain retries) comes from an injectable clock; heartbeats stay on real time.

import { PermanentError } from '../errors.js';
import { ActorHandle, ActorUnavailableError, type ExitInfo } from './actor-handle.js';
import { childStatusOf, live, newChildren, type Child, type Domain, type Restart } from './child-record.js';
import type { ChildState, ChildStatus, DomainStatus } from './child-spec.js';
import { realClock, withTimeout, type Clock } from './clock.js';
import { TypedEmitter } from './events.js';
import { logSupervisorEvents } from './event-log.js';
import { domainsOf, domainStatusOf, freshBudgets, iso, markFailed, recordCrash } from './domain.js';
import { restartDelay, type BackoffOptions } from './restart-policy.js';
import type { SupervisorEvents } from './supervisor-events.js';
import type { SupervisorOptions } from './supervisor-options.js';

/**
 * Supervises actors. Example: `const sup = new Supervisor({ children, logger }); await sup.start();`.
 * `Event` is the union of the children's domain events (`actor:event`), `Notification` the union of what
 * {@link Supervisor.broadcast} may send; both default to any `{ type }` (the service passes its actors' unions).
 */
export class Supervisor<
  Event extends { type: string } = { type: string },
  Notification extends { type: string } = { type: string },
> {
  readonly events = new TypedEmitter<SupervisorEvents<Event>>();
  /** Resolves with the reason when the supervisor gives up; the process should then exit non-zero. */
  readonly gaveUp: Promise<string>;
  protected readonly children: Child[];
  protected readonly domains: Map<string, Domain>;
  private readonly backoff: BackoffOptions;
  protected readonly clock: Clock;
  /** Restarts in flight (so that stop() can cancel their backoff). */
  private readonly restarts = new Set<Restart>();
  /** Every spawned worker until it exits, whoever spawned it: stop() ends them all. */
  private readonly handles = new Set<ActorHandle>();
  protected stopping = false;
  protected giveUpReason: string | undefined;
  private resolveGaveUp!: (reason: string) => void;

  constructor(protected readonly options: SupervisorOptions) {
    this.children = newChildren(options.children);
    this.clock = options.clock ?? realClock;
    this.domains = domainsOf(this.children, options);
    this.backoff = options.backoff ?? { initialMs: 100, maxMs: 30_000, jitter: 0.2 };
    this.gaveUp = new Promise((r) => {
      this.resolveGaveUp = r;
    });
    logSupervisorEvents(this.events, options.logger);
  }

  /** Starts every child in order, each after the previous one is ready. Rejects if the supervisor gives up. */
  async start(): Promise<void> {
    for (const child of this.children) {
      if (this.stopping || this.giveUpReason) break;
      // A failed domain's children wait for its retry; the other domains start meanwhile.
      if (this.domainOf(child).state === 'failed') continue;
      // A child that is live or has a restart pending (a rest-for-one cascade) is not started a second time.
      if (!live(child) && !child.pending) this.spawn(child, undefined);
      await this.whenRunning(child);
    }
    if (this.giveUpReason) throw new PermanentError(`supervisor gave up: ${this.giveUpReason}`, { code: 'gave-up' });
  }

  /** Stops every child in reverse order, each within its shutdownMs, then any worker still alive. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const d of this.domains.values()) this.clock.clearTimeout(d.timer);
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
  async call<Request extends { type: string }, Reply = unknown>(
    id: string,
    request: Request,
    opts: { waitMs?: number; timeoutMs?: number } = {},
  ): Promise<Reply> {
    const child = this.child(id);
    const domain = this.domainOf(child);
    if (domain.state === 'failed')
      throw new ActorUnavailableError(
        `actor ${id} is stopped: its domain ${domain.name} failed and is retried at ${iso(domain.retryAt)}`,
      );
    if (child.state !== 'running') {
      if (this.stopping || (child.state === 'stopped' && !child.pending))
        throw new ActorUnavailableError(`actor ${id} is ${child.state}`);
      await withTimeout(
        this.clock,
        this.whenRunning(child),
        opts.waitMs ?? 5_000,
        () => new ActorUnavailableError(`actor ${id} is ${child.state}`),
      );
    }
    if (!child.handle || child.state !== 'running') throw new ActorUnavailableError(`actor ${id} is ${child.state}`);
    return child.handle.call<Reply>(request, opts.timeoutMs);
  }

  /**
   * Delivers a one-way message to every running child except `exceptId` that accepts its type (a child spec without
   * `accepts` gets every message). A child that is not running misses it: what it needs after a restart it reads
   * from the database, not from messages.
   */
  broadcast(message: Notification, exceptId?: string): void {
    for (const c of this.children) {
      if (c.spec.id === exceptId || c.state !== 'running') continue;
      if (!c.spec.accepts || c.spec.accepts.includes(message.type)) c.handle?.notify(message);
    }
  }

  /**
   * Terminates a child's worker as a crash, as a missed heartbeat does: its restart type, backoff and the restart
   * intensity apply. For an operator's last resort on a wedged actor, and for tests of what survives a restart.
   */
  kill(id: string, reason: string): void {
    const child = this.child(id);
    if (child.handle && live(child)) child.handle.kill(reason);
  }

  /** Every child's state as data. */
  status(): ChildStatus[] {
    return this.children.map((c) => childStatusOf(c, this.domainOf(c).state));
  }

  /** Every failure domain's state as data, in the order of their first child. */
  domainStatus(): DomainStatus[] {
    return [...this.domains.values()].map(domainStatusOf);
  }

  /** True while every permanent child is running and the supervisor is neither stopping nor given up. */
  allPermanentRunning(): boolean {
    return (
      !this.stopping &&
      !this.giveUpReason &&
      this.children.every((c) => c.spec.restart !== 'permanent' || c.state === 'running')
    );
  }

  protected child(id: string): Child {
    const c = this.children.find((x) => x.spec.id === id);
    if (!c) throw new ActorUnavailableError(`no actor ${id}`);
    return c;
  }

  protected domainOf(child: Child): Domain {
    return this.domains.get(child.domain)!;
  }

  /** Resolves when the child is running, has ended for good, its domain failed, or the supervisor stops or gives up. */
  protected async whenRunning(child: Child): Promise<void> {
    while (!(
      child.state === 'running' ||
      this.stopping ||
      this.giveUpReason ||
      this.domainOf(child).state === 'failed' ||
      (child.state === 'stopped' && !child.pending)
    )) {
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

  protected spawn(child: Child, restart: Restart | undefined): ActorHandle {
    const spec = child.spec;
    const previous = child.handle;
    if (previous && !previous.ended) {
      // Never expected: one worker per child. Should it happen, the old worker is ended, not orphaned.
      this.options.logger.error(`supervisor: ${spec.id} still had a live worker when started again; stopping it`);
      void previous.stop(spec.shutdownMs);
    }
    const attempt = child.restarts + 1;
    child.startedAt = this.clock.now();
    child.readyAt = null;
    this.setState(child, 'starting');
    this.events.emit('actor:start', { id: spec.id, attempt });
    const handle = new ActorHandle({
      id: spec.id,
      entry: spec.entry,
      data: spec.data ?? {},
      resourceLimits: spec.resourceLimits,
      heartbeatIntervalMs: spec.heartbeatIntervalMs ?? 1_000,
      heartbeatTimeoutMs: spec.heartbeatTimeoutMs ?? 10_000,
      startTimeoutMs: spec.startTimeoutMs ?? 15_000,
      // The one place an event from a worker becomes typed: the child spec's entry is the actor that emits `Event`.
      onEvent: (event) => this.events.emit('actor:event', { id: spec.id, event: event as Event }),
      onLog: (level, msg, fields) => this.options.logger[level](msg, { actor: spec.id, ...fields }),
    });
    child.handle = handle;
    child.spawnedBy = restart;
    this.handles.add(handle);
    handle.start().then(
      () => {
        if (child.handle !== handle || child.state !== 'starting') return;
        child.readyAt = this.clock.now();
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
    const domain = this.domainOf(child);
    child.lastError = info.reason;
    if (domain.state === 'failed') {
      // A worker of a failed domain that ended while the domain was being stopped: it waits for the domain's retry.
      this.setState(child, 'stopped');
      return;
    }
    const duringStartup = !info.wasReady;
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

    // A cascade stays within the crashed child's domain: other domains are not its dependents.
    const later =
      this.options.strategy === 'rest-for-one'
        ? this.children.slice(this.children.indexOf(child) + 1).filter((c) => c.domain === child.domain)
        : [];
    // Later children to restart with it: not temporary, and live or already waiting for a restart.
    const dependents = later.filter((c) => c.spec.restart !== 'temporary' && (live(c) || c.pending !== undefined));
    // Those whose current worker this crash interrupts (a child already waiting was counted when it was stopped).
    const interrupted = dependents.filter((c) => live(c) && !(c.pending && c.spawnedBy !== c.pending));

    const now = this.clock.now();
    const reason = recordCrash(domain, spec.id, duringStartup, now, info.reason);
    if (reason !== undefined) {
      if (domain.critical) this.giveUp(spec.id, reason);
      else this.failDomain(domain, reason);
      return;
    }
    if (child.readyAt !== null && now - child.readyAt >= (this.options.stableAfterMs ?? 30_000)) child.consecutive = 0;
    const delayMs = restartDelay(child.consecutive++, this.backoff, this.options.random);

    const restart: Restart = {
      children: [child, ...dependents],
      delayMs,
      cancelled: false,
      timer: undefined,
      wake: undefined,
    };
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
        restart.timer = this.clock.setTimeout(r, restart.delayMs);
      });
      for (const c of restart.children) {
        if (over()) return;
        if (c.pending !== restart) continue; // it ended for good meanwhile (e.g. a transient's normal exit)
        if (live(c)) await this.stopChild(c, 'restarting');
        if (over()) return;
        const handle = this.spawn(c, restart);
        const ready = await handle.start().then(
          () => true,
          () => false,
        );
        // A failed start is a crash: its exit handler starts a newer restart (or gives up).
        if (!ready || over()) return;
        if (c.pending === restart) c.pending = undefined;
      }
    } finally {
      this.clock.clearTimeout(restart.timer);
      this.restarts.delete(restart);
    }
  }

  protected cancel(restart: Restart): void {
    restart.cancelled = true;
    this.clock.clearTimeout(restart.timer);
    restart.wake?.();
    this.restarts.delete(restart);
  }

  /** Stops a child's worker within its shutdownMs; the child is then `then` (stopped, or restarting in a cascade). */
  protected async stopChild(child: Child, then: ChildState = 'stopped'): Promise<void> {
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

  /**
   * A non-critical domain past its intensity: its restarts in flight are cancelled, its live workers stopped in
   * reverse order, and the whole domain is started again after its retry backoff. The other domains are untouched.
   */
  private failDomain(domain: Domain, reason: string): void {
    const retryInMs = markFailed(domain, reason, this.clock.now(), this.options);
    for (const c of domain.children) {
      if (c.pending) this.cancel(c.pending);
      c.pending = undefined;
      if (!live(c)) this.setState(c, 'stopped');
      else this.settle(c);
    }
    this.events.emit('domain:failed', { domain: domain.name, reason, retryInMs });
    domain.timer = this.clock.setTimeout(() => void this.retryDomain(domain), retryInMs);
    void (async () => {
      for (const c of [...domain.children].reverse()) if (live(c)) await this.stopChild(c, 'stopped');
    })();
  }

  /** Starts a failed domain again, in order, with fresh restart budgets. */
  private async retryDomain(domain: Domain): Promise<void> {
    domain.timer = undefined;
    if (this.stopping || this.giveUpReason || domain.state !== 'failed') return;
    // Its workers were being stopped when it failed: none may be left when it starts again.
    for (const c of [...domain.children].reverse()) if (live(c)) await this.stopChild(c, 'stopped');
    if (this.stopping || this.giveUpReason) return;
    domain.state = 'retrying';
    freshBudgets(domain);
    this.events.emit('domain:retry', { domain: domain.name, failures: domain.failures });
    for (const c of domain.children) {
      if (this.stopping || this.giveUpReason || domain.state !== 'retrying') return;
      c.consecutive = 0;
      if (!live(c) && !c.pending) this.spawn(c, undefined);
      await this.whenRunning(c);
    }
    if (this.stopping || this.giveUpReason || domain.state !== 'retrying') return;
    domain.state = 'running';
    domain.recoveredAt = this.clock.now();
    this.events.emit('domain:recovered', { domain: domain.name });
  }

  private giveUp(id: string, reason: string): void {
    this.giveUpReason = reason;
    this.events.emit('supervisor:give-up', { id, reason });
    for (const c of this.children) this.settle(c);
    void this.stop().finally(() => this.resolveGaveUp(reason));
  }
}
