// What keeps a web page from using the venue PC's browser against the API, with or without API_KEY:
// - DNS rebinding: every request must name this service in `Host` (a loopback name or address, the bound HOST, or
//   one of ALLOWED_HOSTS); a page whose own name was re-pointed at 127.0.0.1 sends its own name and is refused;
// - cross-site requests: a request that changes state must come from the service's own origin (or from no browser
//   page at all: no `Origin`), and a body must be JSON, which a form or a CORS "simple request" cannot send.

import type { H3Event } from 'h3';
import { isLoopbackHost } from '../config.js';
import { httpError, quote } from './errors.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Read by machines under names this service cannot know (Prometheus, a container health check); no personal data. */
const MONITORING = new Set(['/healthz', '/readyz', '/metrics']);
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** The host name of a `Host` header or an allowed-hosts entry: lower case, no port, no brackets, no final dot. */
function hostName(value: string): string {
  let host = value.trim().toLowerCase();
  if (host.startsWith('[')) host = host.slice(1, host.indexOf(']') === -1 ? undefined : host.indexOf(']'));
  else if (host.split(':').length === 2) host = host.slice(0, host.indexOf(':'));
  return host.replace(/\.$/, '');
}

/** Options of {@link createBrowserGuard}. */
export interface BrowserGuardOptions {
  /** ALLOWED_HOSTS: the names and addresses clients use for this service beside the loopback ones. */
  allowedHosts?: readonly string[];
  /** HOST, the address the server binds: allowed as a name unless it is a wildcard (0.0.0.0, ::). */
  boundHost?: string;
}

/** The host names a request may carry: loopback ones always, the bound address and ALLOWED_HOSTS. */
function allowedHostNames(opts: BrowserGuardOptions): Set<string> {
  const names = new Set((opts.allowedHosts ?? []).map(hostName));
  if (opts.boundHost && !WILDCARDS.has(opts.boundHost)) names.add(hostName(opts.boundHost));
  return names;
}

/** Whether the bound address is a wildcard with no ALLOWED_HOSTS: then only loopback names are answered. */
export function answersOnlyLoopback(opts: BrowserGuardOptions): boolean {
  return !!opts.boundHost && WILDCARDS.has(opts.boundHost) && allowedHostNames(opts).size === 0;
}

/** `host[:port]` of an origin or a Host header, as URL normalises it (default port dropped), or undefined. */
function authorityOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** Returns an onRequest check: 421 for a foreign Host, 403 for a cross-origin change, 415 for a non-JSON body. */
export function createBrowserGuard(opts: BrowserGuardOptions) {
  const allowed = allowedHostNames(opts);
  return (event: H3Event): void => {
    const path = event.path.split('?')[0] ?? '';
    const hostHeader = event.node.req.headers.host ?? '';
    if (!MONITORING.has(path)) {
      const name = hostName(hostHeader);
      if (!name || !(isLoopbackHost(name) || allowed.has(name))) {
        throw httpError(
          421,
          `Host ${quote(hostHeader)} is not a name of this service: use a loopback address, or add the name to ALLOWED_HOSTS`,
        );
      }
    }
    if (!STATE_CHANGING.has(event.method)) return;
    const origin = event.node.req.headers.origin;
    // No Origin: not sent by a browser page (curl, a script, AYO). A browser sends one with every POST, and
    // `null` from a sandboxed or privacy-restricted page is not this origin either.
    if (origin !== undefined && authorityOf(origin) !== authorityOf(`http://${hostHeader}`)) {
      throw httpError(403, `Cross-origin request refused: Origin ${quote(origin)} is not this service`);
    }
    // Every state change says it is JSON, with a body or without: a form or a CORS "simple request" (text/plain, no
    // type) cannot, so a page on another origin cannot make one even where the Origin check would not see it.
    const type = event.node.req.headers['content-type'];
    const media = (type ?? '').split(';')[0]!.trim().toLowerCase();
    if (media !== 'application/json') {
      throw httpError(
        415,
        `Unsupported Content-Type ${quote(media || '(none)')}: state changes are sent as application/json (an empty body is fine)`,
      );
    }
  };
}
