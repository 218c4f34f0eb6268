// Purchases (issue 11): GET /api/purchases (filters and a limit, newest first) and GET /api/purchases/:video_request_id
// with its history. Read only: the intake and the `purchase` / `save-video` jobs write them.

import { defineEventHandler, type Router } from 'h3';
import { PURCHASE_STATES, type PurchaseRow, type PurchasesRepo } from '../db/index.js';
import { httpError, quote } from './errors.js';
import { parseLimit, parseStoredId, pathParam, readQuery } from './query.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A purchase as the API answers it; `video` is what save-video sends once the renditions are in the store. */
function toPurchaseDto(p: PurchaseRow) {
  return {
    videoRequestId: p.video_request_id,
    uniqueId: p.unique_id,
    bookingId: p.booking_id,
    userId: p.user_id,
    state: p.state,
    reason: p.reason,
    video: p.video
      ? (JSON.parse(p.video) as { stream_path: string; download_path: string; resolution: string }[])
      : null,
    seenAt: iso(p.seen_at_ms)!,
    deliveredAt: iso(p.delivered_at_ms),
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}

/** Registers the purchase endpoints. */
export function registerPurchaseRoutes(router: Router, deps: { purchases: PurchasesRepo }): void {
  router.get(
    '/api/purchases',
    defineEventHandler((event) => {
      const q = readQuery(event, ['state', 'unique_id', 'booking_id', 'limit']);
      if (q.state !== undefined && !(PURCHASE_STATES as readonly string[]).includes(q.state))
        throw httpError(400, `Invalid state ${quote(q.state)}: must be one of ${PURCHASE_STATES.join(', ')}`);
      if (q.unique_id !== undefined) parseStoredId(q.unique_id, 'unique_id');
      if (q.booking_id !== undefined) parseStoredId(q.booking_id, 'booking_id');
      const rows = deps.purchases.list({
        state: q.state,
        uniqueId: q.unique_id,
        bookingId: q.booking_id,
        limit: parseLimit(q.limit),
      });
      return { status: 'success', count: rows.length, data: rows.map(toPurchaseDto) };
    }),
  );
  router.get(
    '/api/purchases/:video_request_id',
    defineEventHandler((event) => {
      readQuery(event, []);
      const id = parseStoredId(pathParam(event, 'video_request_id'), 'video request id');
      const p = deps.purchases.get(id);
      if (!p) throw httpError(404, `Purchase request ${quote(id)} not found`);
      return { status: 'success', data: { ...toPurchaseDto(p), history: deps.purchases.history(id) } };
    }),
  );
}
