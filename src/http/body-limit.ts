// The request body limit: every body is read here, before any route, and never past MAX_BODY_BYTES, so that a
// huge POST costs the service no more memory than the limit (h3's readBody would buffer it whole).

import type { IncomingMessage } from 'node:http';
import type { H3Event } from 'h3';
import { httpError } from './errors.js';

/** The largest request body the API accepts; its JSON bodies are a few dozen bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Whether the request announces a body (a length above zero, or chunked transfer). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** The 413 answer; the connection is closed after it, so that the rest of the body is never read. */
function tooLarge(event: H3Event, limit: number): Error {
  event.node.res.setHeader('connection', 'close');
  return httpError(413, `Request body too large: at most ${limit} bytes are accepted`);
}

/**
 * Reads the body of a request that has one, refusing (413) a `Content-Length` over `limit` before reading a byte
 * and a chunked body as soon as it passes `limit`. The bytes read are left where h3's `readBody` finds them, so
 * the routes read bodies as before.
 */
export async function readBodyWithin(event: H3Event, limit = MAX_BODY_BYTES): Promise<void> {
  const req = event.node.req;
  if (!hasBody(req)) return;
  const declared = req.headers['content-length'];
  if (declared !== undefined && !(/^\d+$/.test(declared) && Number(declared) <= limit)) throw tooLarge(event, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  const body = await new Promise<Buffer | undefined>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // No more reading: what the client still sends is not buffered (the connection closes after the 413).
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = () => {
      cleanup();
      reject(httpError(400, 'The request body could not be read'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
  if (!body) throw tooLarge(event, limit);
  // h3's readRawBody takes `req.rawBody` when present instead of reading the (now consumed) stream.
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
}
