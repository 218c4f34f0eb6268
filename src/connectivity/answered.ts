// The event that says a dependency answered: a recovery of that dependency brings forward the work that backs off
// after its failures (src/pipeline/recovery.ts). ConnectivityActor emits it for every probe that gets an answer.

/** A dependency (`ayo`, `object-store`) answered at `atMs`; `via` says which call (`probe`). */
export type DependencyAnsweredEvent = { type: 'dependency:answered'; dependency: string; atMs: number; via: string };

/** Whether a probe's HTTP status says the dependency works (any answer but a server error). */
export function probeAnswered(status: number): boolean {
  return status < 500;
}
