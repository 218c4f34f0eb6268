// Purchases of full videos requested in the AYO app (src/http/purchases.routes.ts).

import { PURCHASE_STATES } from '../../db/index.js';
import { limitParameter, pathParameter, paths, query, STRICT_QUERY } from './operation.js';
import { array, instant, integer, json, nullable, object, string, success } from './schema.js';

const ID = { type: 'string', minLength: 1, maxLength: 512 };
const purchase = {
  videoRequestId: string('AYO’s video_request_id'),
  uniqueId: string('The video it buys'),
  bookingId: nullable(string()),
  userId: nullable(string()),
  state: {
    enum: PURCHASE_STATES,
    description:
      'waiting: its video is still being made; queued; rendering; uploading; saving: every object is in the store, save-video is due; delivered: AYO accepted save-video; invalid: unknown or cancelled video; incompleted: footage gone or below PURCHASE_MIN_COVERAGE; failed: out of attempts or refused (`reason`)',
  },
  reason: nullable(string()),
  video: nullable(array(object({ stream_path: string(), download_path: string(), resolution: string() }))),
  seenAt: instant('When the request was first seen'),
  deliveredAt: nullable(instant('When AYO accepted save-video')),
  createdAt: string(),
  updatedAt: string(),
};
const purchaseSchema = object(purchase);
const history = array(object({ at: string(), state: string(), reason: nullable(string()) }));

/** GET /api/purchases and GET /api/purchases/{video_request_id}. */
export const purchasePaths = paths('purchases', {
  '/api/purchases': {
    get: {
      summary: 'Purchase requests from AYO, newest first',
      description: STRICT_QUERY,
      parameters: [
        query('state', { type: 'string', enum: [...PURCHASE_STATES] }, 'Only purchases in this state'),
        query('unique_id', ID, 'Only purchases of this video'),
        query('booking_id', ID, 'Only purchases of this booking'),
        limitParameter(100, 1000),
      ],
      responses: { 200: json('The purchases', success({ count: integer(), data: array(purchaseSchema) })) },
      errors: [400],
    },
  },
  '/api/purchases/{video_request_id}': {
    get: {
      summary: 'One purchase with its history',
      description: `404 for an unknown request. ${STRICT_QUERY}`,
      parameters: [pathParameter('video_request_id', ID, 'AYO’s video_request_id')],
      responses: { 200: json('The purchase', success({ data: object({ ...purchase, history }) })) },
      errors: [400, 404],
    },
  },
});
