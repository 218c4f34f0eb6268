// Every error the API answers is JSON `{ "status": "error", "message": ... }`; never a stack trace.

import { createError, setResponseHeader, setResponseStatus, type H3Error, type H3Event } from 'h3';
import { describeError, errorCode, type ErrorCode } from '../errors.js';
import { isBusyError } from '../db/busy.js';
import type { Logger } from '../log.js';
import { redact } from '../redact.js';

/** A 4xx/5xx answer with a message meant for the caller. */
export function httpError(statusCode: number, message: string): H3Error {
  return createError({ statusCode, statusMessage: statusText(statusCode), data: { message } });
}

function statusText(code: number): string {
  return (
    (
      {
        400: 'Bad Request',
        401: 'Unauthorized',
        404: 'Not Found',
        405: 'Method Not Allowed',
        409: 'Conflict',
        429: 'Too Many Requests',
        503: 'Service Unavailable',
      } as Record<number, string>
    )[code] ?? 'Error'
  );
}

/**
 * The one table from an error's code to the HTTP status the API answers; a code not listed is the server's own
 * failure (500, logged). `unavailable` is a part of the service that is not running now.
 */
const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  'not-found': 404,
  invalid: 400,
  unavailable: 503,
  'partner-rejected': 409,
  'bad-answer': 409,
  permanent: 409,
};

/**
 * Maps an error from the service (an actor's answer, say) to the API's answer: its status from the code table, its
 * message prefixed with what the caller asked for (e.g. `Booking sync`). Unknown codes are rethrown as they are.
 */
export function httpErrorFrom(e: unknown, what: string): unknown {
  const status = STATUS_OF[errorCode(e)];
  if (status === undefined) return e;
  const message = (e as { message?: string } | null)?.message ?? 'failed';
  return httpError(status, status === 503 ? `${what} is not available right now: ${message}` : message);
}

/** Shortens user input echoed in a message. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/** The app's onError hook: maps any error to the JSON shape; unexpected ones become a plain 500 and a log line. */
export function createErrorResponder(logger: Logger) {
  return (error: H3Error, event: H3Event): void => {
    let status = error.statusCode || 500;
    let message = (error.data as { message?: string } | undefined)?.message;
    if (!message) {
      if (status === 404) message = `Not found: ${event.method} ${event.path.split('?')[0]}`;
      else if (status === 405) message = `Method ${event.method} not allowed on ${event.path.split('?')[0]}`;
      else if (status < 500 && !error.unhandled) message = error.statusMessage || 'Bad request';
      else if (isBusyError(error.cause ?? error)) {
        // Another connection holds the database (an operator's sqlite3, a backup): the request may simply be repeated.
        status = 503;
        message = 'The database is locked by another connection; try again in a moment';
        setResponseHeader(event, 'retry-after', 2);
      } else {
        status = 500;
        message = 'Internal server error';
        logger.error(
          `🌐 HTTP: ${event.method} ${event.path.split('?')[0]} failed: ${describeError(error.cause ?? error)}`,
        );
      }
    }
    setResponseStatus(event, status);
    setResponseHeader(event, 'content-type', 'application/json; charset=utf-8');
    if (status === 401) setResponseHeader(event, 'www-authenticate', 'Bearer');
    // An error's message may quote what a partner or a camera answered: it leaves redacted, like every answer.
    event.node.res.end(JSON.stringify({ status: 'error', message: redact(message) }));
  };
}
