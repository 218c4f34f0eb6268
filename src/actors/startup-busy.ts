// An actor's start-up database work under a lock another connection holds (an operator's sqlite3, a backup): it is
// waited out with backoff (one log line per episode) while the supervisor is told that start-up is waiting, not hung.

import { retryWhileBusy } from '../db/index.js';
import type { ActorContext } from '../supervisor/index.js';

/**
 * Runs start-up `work`, retrying while the database is locked; each attempt first restarts the actor's start
 * deadline (an attempt blocks for at most the connection's busy timeout). Example:
 * `const db = await startupWhileBusy(ctx, 'open the database', () => openDatabase(path))`.
 */
export function startupWhileBusy<T>(
  ctx: Pick<ActorContext<{ type: string }, unknown>, 'id' | 'logger' | 'stillStarting'>,
  what: string,
  work: () => T,
): Promise<T> {
  return retryWhileBusy(
    () => {
      ctx.stillStarting?.(what);
      return work();
    },
    { what: `${ctx.id}: ${what}`, logger: ctx.logger },
  );
}
