// The main side of one actor incarnation: spawns its worker, waits for the ready handshake, sends typed
// requests over comlink, watches heartbeats, and rejects every pending call when the worker goes away.

import { wrap, releaseProxy, type Remote } from 'comlink';
import { MessageChannel, Worker, type ResourceLimits } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RemoteError, toErrorData, type ErrorCode, type ErrorData } from '../errors.js';
import type { LogFields, LogLevel } from '../log.js';
import { closeTerminationGate, createTerminationGate, type TerminationGate } from '../util/termination-gate.js';
import { portEndpoint } from './port-endpoint.js';
import type { ActorBoot, ActorRpc, ActorToMain, MainToActor } from './protocol.js';

/** Why an incarnation ended. `expected` is true only for a stop the supervisor asked for. */
export interface ExitInfo {
  code: number;
  expected: boolean;
  /** Whether the actor had said it was ready before it ended. */
  wasReady: boolean;
  reason: string;
  error?: ErrorData;
}

/** Settings of one incarnation, taken from its child spec. */
export interface ActorHandleOptions {
  id: string;
  entry: string | URL;
  data: unknown;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  startTimeoutMs: number;
  resourceLimits?: ResourceLimits;
  onEvent(event: { type: string }): void;
  onLog(level: LogLevel, msg: string, fields?: LogFields): void;
}

/** How long a termination waits for the worker to leave a native call (several busy timeouts of its database). */
const NATIVE_CALL_WAIT_MS = 10_000;

/** A call that cannot complete because the actor is not (or no longer) running. */
export class ActorUnavailableError extends Error {
  override readonly name = 'ActorUnavailableError';
  readonly retryable = true;
  readonly code = 'unavailable' satisfies ErrorCode;
}

/** One worker thread running one actor. Create, `start()`, `call()`, `stop()`; `exited` settles once. */
export class ActorHandle {
  readonly exited: Promise<ExitInfo>;
  lastHeartbeat = Date.now();
  private readonly worker: Worker;
  private readonly remote: Remote<ActorRpc>;
  private readonly pending = new Set<(e: Error) => void>();
  private readonly ready: Promise<void>;
  private isReady = false;
  private stopRequested = false;
  private killReason: string | undefined;
  private lastError: ErrorData | undefined;
  private stoppedMessage = false;
  private monitor: NodeJS.Timeout | undefined;
  private hasExited = false;
  private readonly gate: TerminationGate = createTerminationGate();

  constructor(private readonly options: ActorHandleOptions) {
    const channel = new MessageChannel();
    const boot: ActorBoot = {
      actorId: options.id,
      rpcPort: channel.port2,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      terminationGate: this.gate,
      data: options.data,
    };
    const entry = typeof options.entry === 'string' ? options.entry : fileURLToPath(options.entry);
    // A TypeScript entry (tests, `tsx` runs) is imported after tsx registers its hooks inside the worker:
    // `execArgv: ['--import', 'tsx']` does not apply to a worker's own entry file on Node 20.
    const ts = entry.endsWith('.ts');
    const source = ts
      ? `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(pathToFileURL(entry).href)}); });`
      : entry;
    this.worker = new Worker(source, {
      eval: ts,
      workerData: boot,
      transferList: [channel.port2],
      resourceLimits: options.resourceLimits,
      name: `actor:${options.id}`,
    });
    this.remote = wrap<ActorRpc>(portEndpoint(channel.port1));

    let resolveReady!: () => void;
    let rejectReady!: (e: Error) => void;
    this.ready = new Promise<void>((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    this.ready.catch(() => undefined);

    const startDeadline = () =>
      setTimeout(() => this.kill(`did not become ready within ${options.startTimeoutMs} ms`), options.startTimeoutMs);
    let startTimer = startDeadline();
    this.worker.on('message', (m: ActorToMain) => {
      switch (m.t) {
        case 'ready':
          clearTimeout(startTimer);
          this.isReady = true;
          this.lastHeartbeat = Date.now();
          this.watchHeartbeats();
          resolveReady();
          break;
        case 'init-failed':
        case 'fatal':
          this.lastError = m.error;
          break;
        case 'heartbeat':
          this.lastHeartbeat = Date.now();
          break;
        case 'starting':
          // Waiting on a lock held outside the actor is not a hang: the start deadline begins again.
          if (this.isReady || this.hasExited || this.killReason !== undefined) break;
          clearTimeout(startTimer);
          startTimer = startDeadline();
          break;
        case 'event':
          safe(() => options.onEvent(m.event));
          break;
        case 'log':
          safe(() => options.onLog(m.level, m.msg, m.fields));
          break;
        case 'stopped':
          this.stoppedMessage = true;
          break;
      }
    });
    this.worker.on('error', (e: Error & { code?: string }) => {
      // The runtime's own 'fatal' message (the whole error as data) wins over Node's lossy copy of it.
      if (this.lastError) return;
      // Named by Node's code (ERR_WORKER_OUT_OF_MEMORY, ...): the crash reason and the logs say what happened.
      this.lastError = { ...toErrorData(e), name: e.code ?? e.name ?? 'Error', retryable: true };
    });

    this.exited = new Promise<ExitInfo>((resolve) => {
      this.worker.once('exit', (code) => {
        this.hasExited = true;
        clearTimeout(startTimer);
        clearInterval(this.monitor);
        const expected = this.stopRequested && this.killReason === undefined;
        const reason =
          this.killReason ??
          (this.lastError ? `${this.lastError.name}: ${this.lastError.message}` : `exited with code ${code}`);
        const info: ExitInfo = { code, expected, wasReady: this.isReady, reason, error: this.lastError };
        const err = new ActorUnavailableError(`actor ${options.id} ${expected ? 'stopped' : `went away (${reason})`}`);
        rejectReady(err);
        for (const reject of this.pending) reject(err);
        this.pending.clear();
        channel.port1.close();
        resolve(info);
      });
    });
  }

  /**
   * The heartbeat limit applies from the ready handshake on: before it, the worker may still be loading its module
   * graph (nothing can send a heartbeat yet), and the start-up is governed by startTimeoutMs alone.
   */
  private watchHeartbeats(): void {
    if (this.hasExited || this.killReason !== undefined || this.monitor) return;
    const { heartbeatIntervalMs, heartbeatTimeoutMs } = this.options;
    this.monitor = setInterval(
      () => {
        const silentFor = Date.now() - this.lastHeartbeat;
        if (silentFor > heartbeatTimeoutMs)
          this.kill(`no heartbeat for ${silentFor} ms (limit ${heartbeatTimeoutMs} ms)`);
      },
      Math.max(10, Math.min(heartbeatIntervalMs, heartbeatTimeoutMs / 2)),
    );
  }

  /** Resolves when the actor says it is ready; rejects if it ends first. */
  start(): Promise<void> {
    return this.ready;
  }

  /** Whether the worker has ended. */
  get ended(): boolean {
    return this.hasExited;
  }

  /** Whether the ready handshake completed. */
  get running(): boolean {
    return this.isReady && !this.stopRequested;
  }

  /** Sends a request once the actor is ready; rejects with the handler's error or when the worker exits. */
  async call<Reply>(request: { type: string } & Record<string, unknown>, timeoutMs?: number): Promise<Reply> {
    if (this.stopRequested) throw new ActorUnavailableError(`actor ${this.options.id} is stopping`);
    await this.ready;
    return new Promise<Reply>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const fail = (e: Error) => {
        clearTimeout(timer);
        this.pending.delete(fail);
        reject(e);
      };
      this.pending.add(fail);
      if (timeoutMs !== undefined) {
        timer = setTimeout(
          () =>
            fail(
              new ActorUnavailableError(
                `actor ${this.options.id} did not answer ${request.type} within ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
      }
      this.remote.handle(request).then(
        (result) => {
          if (!this.pending.has(fail)) return;
          clearTimeout(timer);
          this.pending.delete(fail);
          if (result.ok) resolve(result.value as Reply);
          else reject(new RemoteError(result.error));
        },
        (e: unknown) => fail(e instanceof Error ? e : new Error(String(e))),
      );
    });
  }

  /** A one-way message (e.g. a connectivity change); dropped if the actor is not running. */
  notify(message: { type: string }): void {
    if (this.isReady && !this.stopRequested) this.worker.postMessage({ t: 'notify', message } satisfies MainToActor);
  }

  /** Asks the actor to stop; terminates it if it has not exited within `deadlineMs`. */
  async stop(deadlineMs: number): Promise<{ graceful: boolean }> {
    if (!this.stopRequested) {
      this.stopRequested = true;
      this.worker.postMessage({ t: 'stop' } satisfies MainToActor);
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), deadlineMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      await this.terminate();
      await this.exited;
    }
    return { graceful: !timedOut && this.stoppedMessage };
  }

  /** Terminates the worker as a crash (heartbeat or start timeout). */
  kill(reason: string): void {
    if (this.killReason !== undefined) return;
    this.killReason = reason;
    clearInterval(this.monitor);
    void this.terminate();
  }

  /**
   * Terminates the worker once it is outside any native call that may throw (a SQLite statement waiting out a lock):
   * terminated inside one, better-sqlite3 aborts the whole process. Such a call ends within the busy timeout; one still
   * running after {@link NATIVE_CALL_WAIT_MS} is stuck, and the worker is terminated regardless.
   */
  private async terminate(): Promise<void> {
    const { closed, waitedMs } = await closeTerminationGate(this.gate, { maxWaitMs: NATIVE_CALL_WAIT_MS });
    if (!closed)
      safe(() =>
        this.options.onLog(
          'warn',
          `actor ${this.options.id} stayed in a native call for ${waitedMs} ms; terminating it anyway`,
        ),
      );
    await this.worker.terminate();
  }

  /** Releases the comlink proxy (after exit). */
  dispose(): void {
    try {
      this.remote[releaseProxy]();
    } catch {
      /* the port is already closed */
    }
  }
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch {
    /* a listener cannot break the handle */
  }
}
