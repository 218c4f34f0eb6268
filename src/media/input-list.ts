// Camera credentials off ffmpeg's command line: /proc/<pid>/cmdline is readable by every local user, so a camera
// URL holding a password or a credential-looking query parameter is not passed as `-i <url>`. ffmpeg reads it
// instead from a one-entry ffconcat list on its stdin (`-f concat -i pipe:0`), with the input's options as the
// list's `option` lines; ffmpeg 5.1's concat demuxer opens the URL with them like a direct input. The list rides
// with the argument array (see stdinOf), so runMedia feeds it whatever built the arguments.

import { isCredentialParam } from '../redact.js';

// Every protocol a camera input may use through the list (concat refuses others), plus the list's own pipe.
const PROTOCOLS = 'pipe,file,rtsp,rtsps,rtp,srtp,tcp,udp,tls,http,https,httpproxy,crypto';

const STDIN = new WeakMap<readonly string[], string>();

/** Whether a camera URL holds credentials: a password, or a query parameter named like one (`?pwd=...`). */
export function holdsCredentials(url: string): boolean {
  try {
    const u = new URL(url);
    return u.password !== '' || [...u.searchParams.keys()].some(isCredentialParam);
  } catch {
    return false;
  }
}

/** `url` quoted for an ffconcat `file` line (single quotes; a quote inside is closed, escaped and reopened). */
function quoted(url: string): string {
  return `'${url.replace(/'/g, "'\\''")}'`;
}

/**
 * The input arguments that read `url` with `options` (`[['rtsp_transport', 'tcp']]`) from a list on stdin, and that
 * list. Example: `listInput('rtsp://u:p@cam/x', [['rtsp_transport', 'tcp']])`.
 */
export function listInput(url: string, options: readonly [string, string][]): { args: string[]; list: string } {
  const lines = ['ffconcat version 1.0', `file ${quoted(url)}`, ...options.map(([k, v]) => `option ${k} ${v}`)];
  return {
    args: ['-f', 'concat', '-safe', '0', '-protocol_whitelist', PROTOCOLS, '-i', 'pipe:0'],
    list: lines.join('\n') + '\n',
  };
}

/** Attaches the text ffmpeg reads on stdin to an argument array (returned as is, for chaining). */
export function withStdin(args: string[], text: string): string[] {
  STDIN.set(args, text);
  return args;
}

/** The text to feed on stdin of a process started with `args`, if the builder attached one. */
export function stdinOf(args: readonly string[]): string | undefined {
  return STDIN.get(args);
}
