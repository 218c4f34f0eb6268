// A purchase refused after intake (its footage went while it waited in the queue): its state and its id in the
// durable batched report to AYO, in one transaction.

import { createPurchasesRepo, type Db } from '../db/index.js';
import { queueIdReport } from '../delivery/id-reports.js';

/** Moves an unfinished purchase to `invalid` or `incompleted` and queues its report; false if it had finished. */
export function reportRefused(
  db: Db,
  id: string,
  kind: 'invalid' | 'incompleted',
  reason: string,
  nowMs: number,
): boolean {
  return db.transaction(() => {
    const moved = createPurchasesRepo(db).move(
      id,
      ['waiting', 'queued', 'rendering', 'uploading'],
      kind,
      reason,
      nowMs,
    );
    if (moved)
      queueIdReport(db, kind === 'invalid' ? 'video-request-invalid' : 'video-request-incompleted', [id], nowMs);
    return moved;
  })();
}
