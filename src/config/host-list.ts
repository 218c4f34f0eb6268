// The parser of ALLOWED_HOSTS: the names and addresses clients use to reach the HTTP API.

import { isIP } from 'node:net';
import { rule, type Parser } from './parser.js';

const NAME_RE = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Whether `entry` is a host name or an IP address (IPv6 with or without brackets), without a port. */
function isHostEntry(entry: unknown): boolean {
  if (typeof entry !== 'string') return false;
  const bare = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
  return isIP(bare) !== 0 || NAME_RE.test(bare);
}

/** A comma-separated list of host names and IP addresses (no ports), lower-cased. */
export const hostList = (): Parser<string[]> =>
  rule(
    'must be a comma-separated list of host names or IP addresses without ports, like venue-box.lan,192.168.1.20',
    (s) => {
      const list = s
        .split(',')
        .map((x) => x.trim().toLowerCase())
        .filter((x) => x !== '');
      return list.length > 0 && list.every(isHostEntry) ? list : undefined;
    },
    (v) => Array.isArray(v) && v.every(isHostEntry),
  );
