// The control protocol between an actor handle (main thread) and the actor runtime (worker thread).
// Requests and replies travel over a dedicated MessagePort with comlink; these control messages use parentPort.

import type { MessagePort } from 'node:worker_threads';
import type { ErrorData } from '../errors.js';
import type { LogFields, LogLevel } from '../log.js';
import type { TerminationGate } from '../util/termination-gate.js';

/** A handler's result as data: it crosses threads, so never a class instance. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

/** What the runtime finds in `workerData`. */
export interface ActorBoot<Data = unknown> {
  actorId: string;
  rpcPort: MessagePort;
  heartbeatIntervalMs: number;
  /** Where the thread is (JavaScript or a native call that may throw): the handle terminates it only outside one. */
  terminationGate: TerminationGate;
  data: Data;
}

/** Worker → main control messages. */
export type ActorToMain =
  | { t: 'ready' }
  | { t: 'init-failed'; error: ErrorData }
  /** An uncaught exception, sent as data before the worker exits (Node's own 'error' event loses its message). */
  | { t: 'fatal'; error: ErrorData }
  | { t: 'heartbeat' }
  /** Before ready: start-up is waiting on something outside (a held database lock); its start deadline begins again. */
  | { t: 'starting'; note: string }
  | { t: 'event'; event: { type: string } }
  | { t: 'log'; level: LogLevel; msg: string; fields?: LogFields }
  | { t: 'stopped' };

/** Main → worker control messages. */
export type MainToActor = { t: 'stop' } | { t: 'notify'; message: { type: string } };

/** The API the runtime exposes over comlink. */
export interface ActorRpc {
  handle(request: { type: string }): Promise<Result<unknown>>;
}
