// Public names of the connectivity checks.
export { ConnectivityTracker, probe, probeUrlOf, type ProbeResult, type ProbeTarget } from './probe.js';
export { probeAnswered, type AnsweredVia, type DependencyAnsweredEvent } from './answered.js';
