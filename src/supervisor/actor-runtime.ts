// The worker side of an actor: runs its init, exposes its handler over comlink, says when it is ready,
// sends heartbeats, forwards logs and events to the main thread, and stops on request.

import { expose } from 'comlink';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { describeError, toErrorData } from '../errors.js';
import type { LogFields, LogLevel, Logger } from '../log.js';
import { useTerminationGate } from '../util/termination-gate.js';
import { portEndpoint } from './port-endpoint.js';
import type { ActorBoot, ActorRpc, ActorToMain, MainToActor, Result } from './protocol.js';

/** What an actor's init receives. */
export interface ActorContext<Event extends { type: string }, Data> {
  id: string;
  /** The actor's slice of configuration, from its child spec. */
  data: Data;
  /** Lines go to the main thread's logger (format, level and secret scrubbing apply there). */
  logger: Logger;
  /** Sends a domain event to the main thread (logs and metrics subscribe there). */
  emit(event: Event): void;
  /**
   * During init: start-up is progressing but waits on something outside the actor (a database lock another connection
   * holds), so its start deadline begins again. Heartbeats alone do not extend it (a hung init also sends them).
   */
  stillStarting?(note: string): void;
}

/**
 * A running actor: handles typed requests, optional one-way notifications, and stops cleanly. `Notification` is the
 * union the actor accepts (its child spec's `accepts` keeps the others away, so `notify` can end in assertNever);
 * it defaults to any `{ type }` for actors that have not declared theirs.
 */
export interface Actor<
  Request extends { type: string },
  Reply,
  Notification extends { type: string } = { type: string },
> {
  handle(request: Request): Promise<Reply> | Reply;
  notify?(message: Notification): void;
  stop?(): Promise<void> | void;
}

/**
 * The entry of an actor's worker file. Example:
 * `runActor<SyncRequest, SyncReply, SyncActorEvent, SyncActorData, SyncNotification>(async (ctx) => ({ handle: (req) => ... }))`.
 */
export function runActor<
  Request extends { type: string },
  Reply,
  Event extends { type: string },
  Data,
  Notification extends { type: string } = { type: string },
>(
  init: (
    ctx: ActorContext<Event, Data>,
  ) => Promise<Actor<Request, Reply, Notification>> | Actor<Request, Reply, Notification>,
): void {
  if (isMainThread || !parentPort)
    throw new Error('runActor() must run inside a worker thread started by the supervisor');
  const port = parentPort;
  const boot = workerData as ActorBoot<Data>;
  useTerminationGate(boot.terminationGate);
  const post = (m: ActorToMain) => port.postMessage(m);
  // An uncaught exception reaches the main thread's 'error' event through Node's serializer, which keeps only some
  // errors' message (a better-sqlite3 error arrives as `{ code }`): it is sent as data first, message and code kept.
  process.on('uncaughtException', (e) => {
    post({ t: 'fatal', error: { ...toErrorData(e), message: describeError(e) } });
    process.exit(1);
  });
  const heartbeat = setInterval(() => post({ t: 'heartbeat' }), boot.heartbeatIntervalMs);
  post({ t: 'heartbeat' });

  const log = (level: LogLevel) => (msg: string, fields?: LogFields) => post({ t: 'log', level, msg, fields });
  const ctx: ActorContext<Event, Data> = {
    id: boot.actorId,
    data: boot.data,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    emit: (event) => post({ t: 'event', event }),
    stillStarting: (note) => {
      if (!actor) post({ t: 'starting', note });
    },
  };

  let actor: Actor<Request, Reply, Notification> | undefined;
  let stopping = false;
  port.on('message', (m: MainToActor) => {
    switch (m.t) {
      case 'stop':
        if (stopping) return;
        stopping = true;
        void (async () => {
          try {
            await actor?.stop?.();
          } catch (e) {
            ctx.logger.error(`actor ${boot.actorId} failed to stop cleanly: ${toErrorData(e).message}`);
          }
          clearInterval(heartbeat);
          post({ t: 'stopped' });
          boot.rpcPort.close();
          process.exit(0);
        })();
        return;
      case 'notify':
        try {
          // Trusted at the thread boundary: the supervisor sends only the types in this actor's `accepts`.
          actor?.notify?.(m.message as Notification);
        } catch (e) {
          ctx.logger.error(`actor ${boot.actorId} failed on ${m.message.type}: ${toErrorData(e).message}`);
        }
        return;
      default:
        assertNever(m);
    }
  });

  void (async () => {
    try {
      actor = await init(ctx);
    } catch (e) {
      post({ t: 'init-failed', error: { ...toErrorData(e), message: describeError(e) } });
      clearInterval(heartbeat);
      process.exit(1);
    }
    const rpc: ActorRpc = {
      async handle(request): Promise<Result<unknown>> {
        try {
          return { ok: true, value: await actor!.handle(request as Request) };
        } catch (e) {
          return { ok: false, error: toErrorData(e) };
        }
      },
    };
    expose(rpc, portEndpoint(boot.rpcPort));
    post({ t: 'ready' });
  })();
}

/** Exhaustiveness check for `switch` over a discriminated union. */
export function assertNever(x: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(x)}`);
}
