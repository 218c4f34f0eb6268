// The log lines of the supervision tree (actors and failure domains), written by a subscriber to its events (metrics subscribe the same way).

import type { Logger } from '../log.js';
import type { TypedEmitter } from './events.js';
import type { SupervisorEvents } from './supervisor-events.js';

/** Logs crashes, restarts, forced stops, domain failures and retries, and the give-up; returns the unsubscribe function. */
export function logSupervisorEvents<Event extends { type: string }>(
  events: TypedEmitter<SupervisorEvents<Event>>,
  logger: Logger,
): () => void {
  const offs = [
    events.on('actor:crash', (e) =>
      logger.error(`💥 ACTOR: ${e.id} crashed${e.duringStartup ? ' during start-up' : ''}: ${e.reason}`),
    ),
    events.on('actor:restart', (e) =>
      logger.warn(`🔁 ACTOR: restarting ${e.id} in ${e.delayMs} ms (restart ${e.restarts})`),
    ),
    events.on('actor:stop', (e) => {
      if (!e.graceful) logger.warn(`🛑 ACTOR: ${e.id} did not stop within ${e.shutdownMs} ms; terminated`);
    }),
    events.on('supervisor:give-up', (e) => logger.error(`💀 SUPERVISOR: giving up: ${e.reason}`)),
    events.on('domain:failed', (e) =>
      logger.error(
        `🧯 SUPERVISOR: domain ${e.domain} failed and is stopped; the other domains keep running; retrying it in ${Math.round(e.retryInMs / 1000)} s: ${e.reason}`,
      ),
    ),
    events.on('domain:retry', (e) =>
      logger.warn(`🔁 SUPERVISOR: starting the failed domain ${e.domain} again (failure ${e.failures})`),
    ),
    events.on('domain:recovered', (e) => logger.info(`✅ SUPERVISOR: domain ${e.domain} is running again`)),
  ];
  return () => offs.forEach((off) => off());
}
