// The parsers variables use, each with the seed's wording for a bad value. Every one also re-checks typed
// values, so an actor's slice is held to the same rule as the variable it came from.

import fs from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';
import { parseCameras, type CameraConfig } from '../recording/cameras.js';
import { isCredentialParam, redact } from '../redact.js';
import { parseDuration } from '../util/duration.js';
import { isValidTimeZone } from '../util/venue-time.js';
import { rule, type Parser } from './parser.js';

const isString = (v: unknown): v is string => typeof v === 'string';
const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Any text (a binary's name, a region). */
export const text = (): Parser<string> =>
  rule(
    'must be text',
    (s) => s,
    (v) => isString(v) && v !== '',
  );

/** A path, made absolute against the working directory at start-up (workers may not share it). */
export const directory = (): Parser<string> =>
  rule(
    'must be an absolute path',
    (s) => path.resolve(s),
    (v) => isString(v) && path.isAbsolute(v),
  );

/** `true` or `false`. */
export const bool = (): Parser<boolean> =>
  rule(
    'must be true or false',
    (s) => (s === 'true' ? true : s === 'false' ? false : undefined),
    (v) => typeof v === 'boolean',
  );

/** A whole number within a range (digits only: no sign, no exponent). */
export const wholeNumber = (min: number, max: number): Parser<number> =>
  rule(
    `must be a whole number from ${min} to ${max}`,
    (s) => (/^\d+$/.test(s) && Number(s) >= min && Number(s) <= max ? Number(s) : undefined),
    (v) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max,
  );

/** A duration such as `30s`, in milliseconds, of at least `minMs`. */
export const duration = (minMs = 1): Parser<number> =>
  rule(
    `must be a duration like 500ms, 30s, 2m or 1h${minMs > 1 ? ` of at least ${minMs}ms` : ''}`,
    (s) => {
      const ms = parseDuration(s);
      return ms !== undefined && ms >= minMs ? ms : undefined;
    },
    (v) => isPositive(v) && v >= minMs,
  );

/** A comma-separated list of durations (retry delays), in milliseconds. */
export const durations = (): Parser<number[]> =>
  rule(
    'must be a comma-separated list of durations like 3s,6s,12s',
    (s) => {
      const list = s.split(',').map((x) => parseDuration(x.trim()));
      return list.every(isPositive) ? list : undefined;
    },
    (v) => Array.isArray(v) && v.length > 0 && v.every(isPositive),
  );

/** One of a few words. */
export const oneOf = <T extends string>(allowed: readonly T[]): Parser<T> =>
  rule(
    `must be one of ${allowed.join(', ')}`,
    (s) => (allowed as readonly string[]).find((a) => a === s) as T | undefined,
    (v) => (allowed as readonly unknown[]).includes(v),
  );

/** Whether `text` is an http(s) URL. */
function isHttpUrl(text: unknown): boolean {
  try {
    return isString(text) && /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** Whether an http(s) URL carries credentials: `user:password@`, or a query parameter named like one. */
function hasCredentials(text: string): boolean {
  const u = new URL(text);
  return u.username !== '' || u.password !== '' || [...u.searchParams.keys()].some(isCredentialParam);
}

/**
 * An http(s) URL without credentials (a base URL's credentials would travel into every error message and log line
 * that names a request); `example` completes the message. Neither message quotes a URL that holds credentials.
 */
export const httpUrl = (example?: string): Parser<string> => {
  const must = `must be an http(s) URL${example ? ` like ${example}` : ''}`;
  return {
    parse(raw, name) {
      if (!isHttpUrl(raw)) return { ok: false, problems: [`${name} ${must} (got "${redact(raw)}")`] };
      if (hasCredentials(raw))
        return {
          ok: false,
          problems: [
            `${name} must not hold credentials (user:password@ or a token in the query): the API's own variables carry them (got "${redact(raw)}")`,
          ],
        };
      return { ok: true, value: raw };
    },
    check: (v) => (!isHttpUrl(v) ? must : hasCredentials(v as string) ? 'must not hold credentials' : undefined),
  };
};

/** An address to bind: an IP address or `localhost` (a host name would resolve differently later). */
export const host = (): Parser<string> =>
  rule(
    'must be an IP address or localhost',
    (s) => (s === 'localhost' || isIP(s) !== 0 ? s : undefined),
    (v) => isString(v) && (v === 'localhost' || isIP(v) !== 0),
  );

/** An IANA time zone this Node build knows. */
export const timeZone = (): Parser<string> =>
  rule(
    'must be an IANA time zone like Asia/Jakarta',
    (s) => (isValidTimeZone(s) ? s : undefined),
    (v) => isString(v) && isValidTimeZone(v),
  );

/** A secret of at least `min` characters; its message never quotes it. */
export const secretText = (min: number): Parser<string> =>
  rule(
    `must be at least ${min} characters long`,
    (s) => (s.length >= min ? s : undefined),
    (v) => isString(v) && v.length >= min,
    { echo: false },
  );

/** Text without white space (it goes into signed requests). */
export const noSpaces = (): Parser<string> =>
  rule(
    'must not contain spaces',
    (s) => (/\s/.test(s) ? undefined : s),
    (v) => isString(v) && v !== '' && !/\s/.test(v),
    { echo: false },
  );

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** An S3 bucket name. */
export const bucketName = (): Parser<string> =>
  rule(
    'must be a bucket name: 3-63 lower-case letters, digits, dots and hyphens',
    (s) => (BUCKET_RE.test(s) ? s : undefined),
    (v) => isString(v) && BUCKET_RE.test(v),
  );

const KEY_PREFIX_RE = /^[A-Za-z0-9/_.-]*$/;
/** A prefix of object keys (possibly empty). */
export const keyPrefix = (): Parser<string> =>
  rule(
    'may hold only letters, digits and / _ . -',
    (s) => (KEY_PREFIX_RE.test(s) ? s : undefined),
    (v) => isString(v) && KEY_PREFIX_RE.test(v),
    { echo: false },
  );

/** Re-checks cameras by the same rules as the JSON: the first problem, or undefined. */
function checkCameras(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'must be an array of cameras';
  const problem = parseCameras(JSON.stringify(value), 'cameras').problems[0];
  return problem === undefined ? undefined : `must hold valid cameras (${problem})`;
}

/** The cameras JSON (problems never quote a URL's password). */
export const camerasJson = (): Parser<CameraConfig[]> => ({
  parse(raw, name) {
    const { cameras, problems } = parseCameras(raw, name);
    return problems.length > 0 ? { ok: false, problems } : { ok: true, value: cameras };
  },
  check: checkCameras,
});

/** A file holding the cameras JSON, read once at start-up. */
export const camerasFile = (): Parser<CameraConfig[]> => ({
  parse(raw, name) {
    let json: string;
    try {
      json = fs.readFileSync(raw, 'utf8');
    } catch (e) {
      return {
        ok: false,
        problems: [`${name} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}: ${raw})`],
      };
    }
    return camerasJson().parse(json, name);
  },
  check: checkCameras,
});

/** An absolute path to a device (a serial port: `/dev/ttyUSB0`, `/dev/serial/by-id/...`). */
export const devicePath = (): Parser<string> =>
  rule(
    'must be an absolute path like /dev/ttyUSB0',
    (s) => (path.isAbsolute(s) && !s.includes('\0') ? s : undefined),
    (v) => isString(v) && path.isAbsolute(v) && !v.includes('\0'),
  );

const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400];
/** A standard serial line speed. */
export const baudRate = (): Parser<number> =>
  rule(
    `must be one of ${BAUD_RATES.join(', ')}`,
    (s) => (BAUD_RATES.includes(Number(s)) && /^\d+$/.test(s) ? Number(s) : undefined),
    (v) => typeof v === 'number' && BAUD_RATES.includes(v),
  );
