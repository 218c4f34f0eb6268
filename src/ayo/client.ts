// The AYO partner API client: signed requests, a timeout per request, the response envelope checked.
// Retries and the circuit breaker wrap it from outside (src/util/resilience.ts).

import { isRetryableStatus, type ErrorCode } from '../errors.js';
import { parseOffThread, type OffThreadParse } from './parse-off-thread.js';
import { signParams, stringToSign, type AyoParams } from './signature.js';

/**
 * A failed AYO call. `status` is the HTTP (or envelope) status when there was one. Its code: `partner-rejected` (4xx),
 * `partner-failed` (5xx, 408, 429), `bad-answer` (not the contract's envelope), `timeout`, `unreachable`, `cancelled`.
 */
export class AyoError extends Error {
  override readonly name = 'AyoError';
  readonly code: ErrorCode;
  constructor(
    message: string,
    readonly endpoint: string,
    readonly retryable: boolean,
    readonly status?: number,
    options?: { cause?: unknown; code?: ErrorCode },
  ) {
    super(message, options);
    this.code =
      options?.code ??
      (status === undefined ? 'unreachable' : isRetryableStatus(status) ? 'partner-failed' : 'partner-rejected');
  }
}

/** Guard for {@link AyoError} that works on errors that crossed a thread as data. */
export function isAyoError(e: unknown): e is AyoError {
  return !!e && typeof e === 'object' && (e as { name?: unknown }).name === 'AyoError';
}

/** Credentials and transport settings of the client. */
export interface AyoClientOptions {
  baseUrl: string;
  token: string;
  venueCode: string;
  secret: string;
  timeoutMs: number;
  /** Largest answer read (AYO_MAX_RESPONSE_BYTES); past it the read is aborted. Default {@link DEFAULT_MAX_RESPONSE_BYTES}. */
  maxResponseBytes?: number;
}

/** AYO_MAX_RESPONSE_BYTES's default: about 10× a busy venue's day of bookings (see src/config/variables.ts). */
const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** The partner API: one signed call; endpoint helpers live beside it (bookings.ts). */
export interface AyoClient {
  call(method: 'GET' | 'POST', endpoint: string, fields?: AyoParams, signal?: AbortSignal): Promise<unknown>;
}

/** `https://h/`, `https://h/api/v1` and `https://h/api/v1/` all become `https://h/api/v1`. */
export function normalizeBaseUrl(base: string): string {
  const trimmed = base.trim().replace(/\/+$/, '');
  return /\/api\/v1$/.test(trimmed) ? trimmed : `${trimmed}/api/v1`;
}

/** Creates the client. Example: `await createAyoClient(cfg).call('GET', 'bookings', { date: '2025-04-10' })`. */
export function createAyoClient(options: AyoClientOptions): AyoClient {
  const base = normalizeBaseUrl(options.baseUrl);
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return {
    async call(method, endpoint, fields = {}, signal) {
      // fetch refuses a URL with user:pass@ and quotes it whole in its error: refuse it here, naming nothing of it.
      if (hasCredentials(base))
        throw new AyoError(
          `AYO ${endpoint} not called: the AYO base URL carries credentials (user:pass@), which are never sent`,
          endpoint,
          false,
          undefined,
          { code: 'permanent' },
        );
      const params: AyoParams = { ...fields, token: options.token, venue_code: options.venueCode };
      const signature = signParams(params, options.secret);
      let url = `${base}/${endpoint}`;
      let body: string | undefined;
      if (method === 'GET') {
        url += `?${stringToSign(params)}&signature=${signature}`;
      } else {
        body = JSON.stringify({ ...params, signature });
      }
      const timeout = AbortSignal.timeout(options.timeoutMs);
      // Aborted when the answer grows past the cap: the connection is dropped rather than read to its end.
      const tooLarge = new AbortController();
      let response: Response;
      let answer: Buffer;
      try {
        response = await fetch(url, {
          method,
          headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
          body,
          // A redirect is answered as an error, never followed: the signed request must not go to another origin.
          redirect: 'manual',
          signal: AbortSignal.any([tooLarge.signal, timeout, ...(signal ? [signal] : [])]),
        });
        if (response.status >= 300 && response.status < 400) {
          await response.body?.cancel().catch(() => undefined);
          throw new AyoError(
            `AYO ${endpoint} answered a redirect (HTTP ${response.status}), which is not followed`,
            endpoint,
            false,
            response.status,
            { code: 'bad-answer' },
          );
        }
        answer = await readCapped(response, maxBytes, tooLarge, endpoint);
      } catch (e) {
        if (isAyoError(e)) throw e;
        // A caller's cancellation (shutdown) is not a failure of AYO: not retried, not counted by the breaker.
        if (signal?.aborted)
          throw new AyoError(`AYO ${endpoint} call cancelled`, endpoint, false, undefined, { code: 'cancelled' });
        // The URL carries the token: never put it in the message.
        const what = timeout.aborted ? `timed out after ${options.timeoutMs} ms` : `failed: ${networkReason(e)}`;
        throw new AyoError(`AYO ${endpoint} ${what}`, endpoint, true, undefined, {
          cause: timeout.aborted ? { name: 'TimeoutError' } : stripUrl(e),
          code: timeout.aborted ? 'timeout' : 'unreachable',
        });
      }
      return parseEnvelope(endpoint, response.status, await parseBody(answer, endpoint, signal));
    },
  };
}

/**
 * Reads the body, at most `maxBytes` of it: a `Content-Length` past the cap is refused before reading, and a body
 * that grows past it while streaming is aborted there (a partner cannot make the actor buffer without bound).
 */
async function readCapped(
  response: Response,
  maxBytes: number,
  abort: AbortController,
  endpoint: string,
): Promise<Buffer> {
  const refuse = (declared?: number) => {
    abort.abort();
    const what = declared === undefined ? 'a body' : `${declared} bytes,`;
    return new AyoError(
      `AYO ${endpoint} answered ${what} more than AYO_MAX_RESPONSE_BYTES (${maxBytes} bytes); the answer was refused`,
      endpoint,
      false,
      response.status,
      { code: 'bad-answer' },
    );
  };
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw refuse(declared);
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw refuse();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Answers larger than this are parsed on a worker thread (a 1 MiB parse blocks for about 10 ms). */
const OFF_THREAD_BYTES = 1024 * 1024;

/** Parses the body as JSON: here when it is small, on a worker thread when it is large (see parse-off-thread.ts). */
async function parseBody(body: Buffer, endpoint: string, signal?: AbortSignal): Promise<OffThreadParse> {
  if (body.length <= OFF_THREAD_BYTES) {
    try {
      return { ok: true, json: JSON.parse(body.toString('utf8')) as unknown };
    } catch {
      return { ok: false };
    }
  }
  try {
    return await parseOffThread(body, signal);
  } catch (e) {
    if (signal?.aborted)
      throw new AyoError(`AYO ${endpoint} call cancelled`, endpoint, false, undefined, { code: 'cancelled' });
    throw new AyoError(
      `AYO ${endpoint} answered a body that could not be parsed: ${(e as Error).message}`,
      endpoint,
      true,
      undefined,
      { code: 'bad-answer' },
    );
  }
}

function hasCredentials(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/** The reason of a network failure: its errno code, else its message with any URL cut to its origin and path. */
function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return withoutUrls(cause?.code ?? cause?.message ?? (e as Error).message ?? 'network error');
}

/** Replaces every URL in `text` by its scheme, host and path: no `user:pass@`, no query (the token and signature). */
function withoutUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi, (found) => {
    try {
      const u = new URL(found);
      return `${u.protocol}//${u.host}${u.pathname}`;
    } catch {
      return '(a URL)';
    }
  });
}

function stripUrl(e: unknown): unknown {
  const cause = (e as { cause?: { code?: string } }).cause;
  return cause?.code ? { code: cause.code } : undefined;
}

/** Checks the status and the `{error, status_code, message, data}` envelope and returns `data`. */
function parseEnvelope(endpoint: string, status: number, parsed: OffThreadParse): unknown {
  const json = parsed.ok ? parsed.json : undefined;
  if (!parsed.ok) {
    if (status < 200 || status >= 300) {
      throw new AyoError(`AYO ${endpoint} answered HTTP ${status}`, endpoint, isRetryableStatus(status), status);
    }
    throw new AyoError(`AYO ${endpoint} answered a body that is not JSON`, endpoint, true, status, {
      code: 'bad-answer',
    });
  }
  const env = (json && typeof json === 'object' && !Array.isArray(json) ? json : undefined) as
    { error?: unknown; is_error?: unknown; status_code?: unknown; message?: unknown; data?: unknown } | undefined;
  const message = typeof env?.message === 'string' ? env.message.slice(0, 200) : undefined;
  if (status < 200 || status >= 300) {
    throw new AyoError(
      `AYO ${endpoint} answered HTTP ${status}${message ? `: ${message}` : ''}`,
      endpoint,
      isRetryableStatus(status),
      status,
    );
  }
  if (!env)
    throw new AyoError(`AYO ${endpoint} answered JSON that is not an object`, endpoint, false, status, {
      code: 'bad-answer',
    });
  for (const flag of [env.error, env.is_error]) {
    if (flag !== undefined && typeof flag !== 'boolean') {
      throw new AyoError(
        `AYO ${endpoint} answered an envelope whose error flag is ${JSON.stringify(flag).slice(0, 40)}, not true or false`,
        endpoint,
        false,
        status,
        { code: 'bad-answer' },
      );
    }
  }
  if (env.error === true || env.is_error === true) {
    const code = typeof env.status_code === 'number' ? env.status_code : 500;
    throw new AyoError(
      `AYO ${endpoint} reported an error (${code})${message ? `: ${message}` : ''}`,
      endpoint,
      isRetryableStatus(code),
      code,
    );
  }
  return env.data;
}
