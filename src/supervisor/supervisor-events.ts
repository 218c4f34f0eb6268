// The events of the supervision tree (type-only): the supervisor emits them; its log lines and the metrics
// subscribe. A module of its own so that subscribers need not import the supervisor itself.

/**
 * Events of the supervision tree. The actors' own domain events arrive as `actor:event`, typed by `Event`
 * (the service passes the union of every actor's events; the default takes any `{ type }`).
 */
export type SupervisorEvents<Event extends { type: string } = { type: string }> = {
  'actor:start': { id: string; attempt: number };
  'actor:ready': { id: string; startMs: number };
  'actor:crash': { id: string; reason: string; duringStartup: boolean };
  'actor:restart': { id: string; restarts: number; delayMs: number };
  'actor:stop': { id: string; graceful: boolean; shutdownMs: number };
  'actor:event': { id: string; event: Event };
  'supervisor:give-up': { id: string; reason: string };
  /** A non-critical domain exhausted its restart intensity: its actors are stopped until the retry. */
  'domain:failed': { domain: string; reason: string; retryInMs: number };
  /** A failed domain is started again. */
  'domain:retry': { domain: string; failures: number };
  /** Every permanent actor of a retried domain is running again. */
  'domain:recovered': { domain: string };
};
