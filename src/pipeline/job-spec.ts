// What a kind of durable work declares to the job runner: its payload, delays and quick retries, its dependency,
// its gate, its stage and the hooks that move its subject through the lifecycle.

import type { Db, JobRow } from '../db/index.js';
import type { Logger } from '../log.js';
import type { JobKind, JobPayloads } from './job-kinds.js';

/** One claimed job as its kind's hooks see it. */
export interface JobContext<K extends JobKind> {
  job: JobRow;
  payload: JobPayloads[K];
}

/** A gate's answer: run the job now, let it wait (no attempt spent), or finish it without running (nothing to do). */
export type Admission = { run: true } | { wait: number; why: string } | { skip: string };

/** The remote service a kind depends on: followed for connectivity, guarded by a circuit breaker. */
export interface JobDependency {
  /** For logs: `object store`, `AYO`. */
  name: string;
  /** As ConnectivityActor and events name it (`object-store`, `ayo`); stored on the jobs that wait for it. */
  key: string;
  /** Consecutive failures that open the circuit, and for how long. */
  breaker: { threshold: number; halfOpenAfterMs: number };
}

/** Everything a kind declares: its payload type comes from {@link JobPayloads}. */
export interface JobKindSpec<K extends JobKind, R = unknown> {
  kind: K;
  /** Durable retry delays; the kind's jobs get `delaysMs.length + 1` attempts. */
  delaysMs: readonly number[];
  /** In-process retries of one attempt (the seed's quick delays). */
  quickDelaysMs: readonly number[];
  /** Name of the quick-retry policy in logs, when there is no dependency (`video processing`). */
  policyName?: string;
  dependency?: JobDependency;
  concurrency: number;
  /** Names the job in 🔄 RETRY lines. */
  label(ctx: JobContext<K>): string;
  /** Whether the job may run now; may move its subject (e.g. into `processing`). Absent: always. */
  admit?(ctx: JobContext<K>): Admission;
  /** The stage's I/O. Throws an error carrying its code and retryability to fail the attempt. */
  run(ctx: JobContext<K>, signal: AbortSignal): Promise<R>;
  /** The failure as stored on the job and shown on its subject (default: the error's description). */
  failureReason?(ctx: JobContext<K>, error: unknown): string;
  /** The attempt succeeded (the job is completed right after). */
  onDone?(ctx: JobContext<K>, result: R, ms: number): void;
  /** The attempt failed; `final` when the job is now a dead letter. */
  onFailed?(ctx: JobContext<K>, reason: string, final: boolean, error: unknown): void;
  /** A shutdown interrupted the job; it runs again at the next start without spending the attempt. */
  onInterrupted?(ctx: JobContext<K>): void;
  /** The job waits for its dependency (called once per job and wait). */
  onQueued?(job: JobRow): void;
}

/** What a runner needs besides its kind. */
export interface JobRunnerOptions {
  db: Db;
  owner: string;
  logger: Logger;
  now?: () => number;
  /** The lease of a running job, renewed every fifth of it while the job runs (default 10 min). */
  leaseMs?: number;
}
