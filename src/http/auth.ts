// API key check for /api/...: `Authorization: Bearer <API_KEY>`, compared in constant time.

import { createHash, timingSafeEqual } from 'node:crypto';
import { getRequestHeader, type H3Event } from 'h3';
import { httpError } from './errors.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Returns an onRequest check that rejects /api/... calls without the key; a no-op when no key is configured. */
export function createApiKeyCheck(apiKey: string | undefined) {
  const expected = apiKey ? digest(apiKey) : undefined;
  return (event: H3Event): void => {
    if (!expected) return;
    const path = event.path.split('?')[0] ?? '';
    if (path !== '/api' && !path.startsWith('/api/')) return;
    const header = getRequestHeader(event, 'authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    // Hashing first makes the comparison constant-time whatever the length of the key sent.
    if (!match || !timingSafeEqual(digest(match[1]!.trim()), expected)) {
      throw httpError(401, 'Missing or invalid API key: send Authorization: Bearer <API_KEY>');
    }
  };
}
