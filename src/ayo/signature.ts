// The AYO request signature: sorted, form-encoded parameters, HMAC-SHA512 keyed by the venue secret.

import { createHmac } from 'node:crypto';

/** A parameter value as AYO endpoints take it. */
export type AyoParamValue = string | number | boolean | readonly string[] | readonly Record<string, string | number>[];
/** Every parameter of a request except `signature`. */
export type AyoParams = Record<string, AyoParamValue>;

/** Renders one value as the text that is signed (arrays joined by commas, objects as sorted `key:value` pairs). */
export function renderValue(value: AyoParamValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`AYO numbers must be integers; send ${value} as a string`);
    return String(value);
  }
  return value
    .map((item) => {
      if (typeof item === 'string') return item;
      return Object.keys(item)
        .sort(byteOrder)
        .map((k) => `${k}:${renderValue(item[k] as string | number)}`)
        .join(',');
    })
    .join(',');
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Form-encodes text: `A-Z a-z 0-9 - _ . ~` literal, space as `+`, every other UTF-8 byte as `%XX`. */
export function formEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The exact string that is signed: `k=v&k=v` in ascending byte order of keys. */
export function stringToSign(params: AyoParams): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort(byteOrder)
    .map((k) => `${formEncode(k)}=${formEncode(renderValue(params[k] as AyoParamValue))}`)
    .join('&');
}

/** Lowercase hex HMAC-SHA512 of {@link stringToSign}, keyed by the venue secret (128 characters). */
export function signParams(params: AyoParams, secret: string): string {
  return createHmac('sha512', secret).update(stringToSign(params), 'utf8').digest('hex');
}
