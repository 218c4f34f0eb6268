// The event that says a dependency answered: a recovery of that dependency brings forward the work that backs off
// after its failures (src/pipeline/recovery.ts). ConnectivityActor emits it for every probe that gets an answer.

/**
 * A dependency (`ayo`, `object-store`) answered at `atMs`. `via: 'probe'` proves only that it is reachable (work that
 * timed out may go again); `via: 'call'` that a call of its API succeeded (work it failed with 5xx may go again too).
 */
export type DependencyAnsweredEvent = {
  type: 'dependency:answered';
  dependency: string;
  atMs: number;
  via: AnsweredVia;
};

/** What answered: a reachability probe, or a call of the dependency's API. */
export type AnsweredVia = 'probe' | 'call';

/** Whether a probe's HTTP status says the dependency works (any answer but a server error). */
export function probeAnswered(status: number): boolean {
  return status < 500;
}
