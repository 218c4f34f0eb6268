// The one redaction function, applied at every boundary where text leaves the service (log lines, API answers,
// stored error texts): configured secrets in every form they travel in, URL credentials and credential-looking
// query parameters. Each thread keeps its own list of secrets (the main thread's configuration, an actor's slice).

/** What a removed secret is replaced with. */
export const MASK = '***';

/** Secrets shorter than this are not matched: they would mask ordinary words and numbers. */
const MIN_SECRET_LENGTH = 4;

// This thread's secrets, and the pattern built from them (rebuilt when the list grows).
const registered = new Set<string>();
let pattern: RegExp | undefined;
let patternFor = -1;

/**
 * Adds secrets for this thread: every later {@link redact} removes them. The main thread adds the configuration's
 * secrets when it is loaded; an actor adds those of its slice when it checks it. Example: `addSecrets([token])`.
 */
export function addSecrets(values: Iterable<string | undefined | null>): void {
  for (const v of values) if (typeof v === 'string' && v.length >= MIN_SECRET_LENGTH) registered.add(v);
}

/** The forms a secret takes on its way out: raw, URL-encoded (both ways), form-encoded, JSON-escaped. */
function formsOf(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    uri,
    uri.replace(/%20/g, '+'),
    new URLSearchParams({ s: secret }).toString().slice(2),
    json,
    // A JSON text holding the secret, stringified again (a log field holding a JSON body).
    JSON.stringify(json).slice(1, -1),
  ];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function secretsPattern(extra: readonly string[]): RegExp | undefined {
  const all = new Set<string>();
  for (const s of registered) for (const f of formsOf(s)) all.add(f);
  for (const s of extra) if (s.length >= MIN_SECRET_LENGTH) for (const f of formsOf(s)) all.add(f);
  if (all.size === 0) return undefined;
  // Longest first, so that a secret's encoded form is removed whole rather than around a shorter one.
  const sorted = [...all].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  return sorted.length === 0 ? undefined : new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
}

// Patterns with a caller's own list (a logger's secrets), built once per list and per size of this thread's list.
const withExtra = new WeakMap<readonly string[], { size: number; pattern: RegExp | undefined }>();

function patternOf(extra: readonly string[]): RegExp | undefined {
  if (extra.length > 0) {
    const cached = withExtra.get(extra);
    if (cached && cached.size === registered.size) return cached.pattern;
    const built = { size: registered.size, pattern: secretsPattern(extra) };
    withExtra.set(extra, built);
    return built.pattern;
  }
  if (patternFor !== registered.size) {
    pattern = secretsPattern([]);
    patternFor = registered.size;
  }
  return pattern;
}

/** Words that make a query parameter's or field's name a credential (also as parts: `api_key`, `X-Signature`). */
const CREDENTIAL_WORDS = 'pass|pwd|password|token|key|secret|auth|signature|credential';

const CREDENTIAL_PARAM = new RegExp(CREDENTIAL_WORDS, 'i');

/** Whether a URL's query parameter named `name` carries a credential (`pwd`, `api_key`, `X-Amz-Signature`). */
export function isCredentialParam(name: string): boolean {
  return CREDENTIAL_PARAM.test(name);
}

// `scheme://user:password@host` → `scheme://user:***@host` (the user stays: it tells which account).
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:"'<>]*):([^\s/?#"'<>]*)@/gi;
// `?pwd=x`, `&api_key=x`, `X-Amz-Signature=x` (in a URL or in prose): the value goes, the name stays.
const QUERY_CREDENTIAL = new RegExp(
  `(^|[?&;\\s,(])([\\w.\\-\\[\\]]*(?:${CREDENTIAL_WORDS})[\\w.\\-\\[\\]]*=)([^&#\\s"'<>)]+)`,
  'gi',
);
// `"password":"x"`, `\"token\": \"x\"` (an echoed JSON body).
const JSON_CREDENTIAL = new RegExp(
  `((\\\\?")[\\w.\\-]*(?:${CREDENTIAL_WORDS})[\\w.\\-]*\\2\\s*:\\s*\\\\?")((?:[^"\\\\]|\\\\(?!"))+)`,
  'gi',
);
// `Authorization: Bearer x`, `Basic x`.
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/g;
const AUTH_WORD = /\b(?:Bearer|Basic)\s/;

/**
 * Removes from `text` every secret this thread knows (and `extra`), in every form, plus URL passwords, values of
 * credential-looking query parameters and JSON fields, and bearer tokens. Example:
 * `redact('rtsp://admin:pw@cam/x?pwd=pw')` → `'rtsp://admin:***@cam/x?pwd=***'`.
 */
export function redact(text: string, extra: readonly string[] = []): string {
  if (text === '') return text;
  const secrets = patternOf(extra);
  let out = secrets ? text.replace(secrets, MASK) : text;
  // Each pattern below runs only on a text holding what it needs: most texts (names, dates, statuses) skip them all.
  if (out.includes('://') && out.includes('@'))
    out = out.replace(URL_USERINFO, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
  if (CREDENTIAL_PARAM.test(out)) {
    out = out.replace(QUERY_CREDENTIAL, (m, lead: string, name: string, value: string) =>
      value === MASK ? m : `${lead}${name}${MASK}`,
    );
    out = out.replace(JSON_CREDENTIAL, (m, head: string, _q: string, value: string) =>
      value === MASK ? m : `${head}${MASK}`,
    );
  }
  return AUTH_WORD.test(out) ? out.replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${MASK}`) : out;
}

// A field or property whose very name says it holds a credential (but not `objectKey` or `keyPrefix`).
const CREDENTIAL_NAME =
  /^(?:.*[-_.])?(?:pass|passwd|password|pwd|token|secret|secret[-_]?key|api[-_]?key|access[-_]?key|signature|authorization|credentials?)$/i;

/** Whether a field named `name` holds a credential by its name alone (`password`, `api_key`, `X-Signature`). */
export function isCredentialName(name: string): boolean {
  let known = credentialNames.get(name);
  if (known === undefined) {
    known = CREDENTIAL_NAME.test(name) || /(?:Password|Token|Secret|ApiKey|AccessKey|Signature)$/.test(name);
    // Field names are few (an answer's keys, a log line's fields): remembered, within a bound.
    if (credentialNames.size < 10_000) credentialNames.set(name, known);
  }
  return known;
}
const credentialNames = new Map<string, boolean>();

/**
 * {@link redact} over a JSON-like value: every string in it, and the whole value of a property named like a
 * credential. Returns a copy; the input is left as it is. Example: `redactDeep({ lastError: e.message })`.
 */
export function redactDeep<T>(value: T, extra: readonly string[] = []): T {
  return walk(value, extra, 0) as T;
}

function walk(value: unknown, extra: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return redact(value, extra);
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => walk(v, extra, depth + 1));
  // Only plain data: a Buffer, a Date or a stream is passed on untouched.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = typeof v === 'string' && v !== '' && isCredentialName(k) ? MASK : walk(v, extra, depth + 1);
  }
  return out;
}
