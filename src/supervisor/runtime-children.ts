// Children added, replaced and removed while the supervisor runs (cameras changed without a restart): the same
// records, restart rules and failure domains as the children it started with; the others are never touched.

import { ActorUnavailableError } from './actor-handle.js';
import { live, newChildren, type Child } from './child-record.js';
import type { ChildSpec } from './child-spec.js';
import { domainsOf } from './domain.js';
import { Supervisor } from './supervisor.js';

/**
 * A supervisor whose children may change at run time. Example: `await sup.addChild(spec)`,
 * `await sup.replaceChild(spec)` (stops the old worker within its shutdownMs, starts the new spec),
 * `await sup.removeChild(id)`, `sup.updateChildData(id, data)` (what its next start gets).
 */
export class RuntimeSupervisor<
  Event extends { type: string } = { type: string },
  Notification extends { type: string } = { type: string },
> extends Supervisor<Event, Notification> {
  /** Whether a child with this id exists. */
  hasChild(id: string): boolean {
    return this.children.some((c) => c.spec.id === id);
  }

  /**
   * Adds a child after the last child of its failure domain (so that stop() still ends it before the children
   * started after that domain) and starts it; resolves once it is running (or has ended, or its domain failed).
   * A child of a failed domain waits for the domain's retry.
   */
  async addChild(spec: ChildSpec): Promise<void> {
    this.refuseWhenStopping(spec.id);
    if (this.hasChild(spec.id)) throw new Error(`duplicate child id ${spec.id}`);
    const [child] = newChildren([spec]) as [Child];
    let domain = this.domains.get(child.domain);
    if (!domain) {
      domain = domainsOf([child], this.options).get(child.domain)!;
      this.domains.set(child.domain, domain);
    } else {
      domain.children.push(child);
    }
    const lastOfDomain = this.children.findLastIndex((c) => c.domain === child.domain);
    this.children.splice(lastOfDomain === -1 ? this.children.length : lastOfDomain + 1, 0, child);
    if (domain.state === 'failed') return;
    this.spawn(child, undefined);
    await this.whenRunning(child);
  }

  /**
   * Stops a child's worker within its shutdownMs (its own stop path runs: a recorder indexes its last segment) and
   * forgets the child. A restart pending for it is dropped; other children of that restart still get theirs.
   */
  async removeChild(id: string): Promise<void> {
    const child = this.child(id);
    this.dropPending(child);
    if (live(child)) await this.stopChild(child, 'stopped');
    const at = this.children.indexOf(child);
    if (at !== -1) this.children.splice(at, 1);
    const domain = this.domainOf(child);
    domain.children.splice(domain.children.indexOf(child), 1);
    // Anyone waiting for it (a call) hears that it is gone.
    for (const w of child.waiters.splice(0)) w();
  }

  /**
   * Restarts one child with a new spec (same id and domain): its worker is stopped cleanly, then the new spec
   * starts. Its restart count and backoff carry over: a replace is not a crash, so neither grows.
   */
  async replaceChild(spec: ChildSpec): Promise<void> {
    this.refuseWhenStopping(spec.id);
    const child = this.child(spec.id);
    if ((spec.domain ?? 'default') !== child.domain) throw new Error(`child ${spec.id} cannot change its domain`);
    this.dropPending(child);
    if (live(child)) await this.stopChild(child, 'stopped');
    child.spec = spec;
    if (this.stopping || this.giveUpReason || this.domainOf(child).state === 'failed') return;
    this.spawn(child, undefined);
    await this.whenRunning(child);
  }

  /** Replaces what a child's next start gets (`spec.data`), without restarting it. */
  updateChildData(id: string, update: (data: unknown) => unknown): void {
    const child = this.child(id);
    child.spec = { ...child.spec, data: update(child.spec.data) };
  }

  private refuseWhenStopping(id: string): void {
    if (this.stopping || this.giveUpReason)
      throw new ActorUnavailableError(`cannot change actor ${id}: the supervisor is stopping`);
  }

  /** Forgets a restart in flight for `child`; the restart itself goes on for its other children, if any. */
  private dropPending(child: Child): void {
    const restart = child.pending;
    if (!restart) return;
    child.pending = undefined;
    if (restart.children.every((c) => c.pending !== restart)) this.cancel(restart);
  }
}
