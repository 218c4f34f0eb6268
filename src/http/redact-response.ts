// The API's answers pass through the one redaction function (src/redact.ts) on their way out: whatever a route
// returns (a sync run's failed dates, an actor's last error, a video's reason, a camera's URL) leaves without the
// configured secrets, URL passwords or credential-looking query parameters, whichever part of the service wrote it.

import type { H3Event } from 'h3';
import { redactDeep } from '../redact.js';

/** The app's onBeforeResponse hook: redacts a JSON answer (a plain object or array) in place of the route's value. */
export function redactJsonResponse(_event: H3Event, response: { body?: unknown }): void {
  const body = response.body;
  // Only data that h3 will serialise as JSON: HTML, buffers and streams (the dashboard, snapshots, objects) pass.
  if (body === null || typeof body !== 'object' || !isPlainData(body)) return;
  response.body = redactDeep(body);
}

function isPlainData(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
