// Runs ffmpeg and ffprobe as child processes (never inside Node: a native crash must not take the service down),
// reading their output line by line; each dies with the thread that spawned it (dies-with-parent.ts).

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ErrorCode } from '../errors.js';
import { redact } from '../redact.js';
import { diesWithParent } from './dies-with-parent.js';
import { stdinOf } from './input-list.js';

const NOT_FOUND = 'not found (install ffmpeg or set FFMPEG_PATH/FFPROBE_PATH)';

/** How a child process ended; `stderrTail` holds its last lines for the log. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string[];
}

/** A running ffmpeg/ffprobe. */
export interface MediaProcess {
  child: ChildProcess;
  exited: Promise<ProcessExit>;
  /** Asks ffmpeg to finish its current output (SIGINT), then kills it after `graceMs`. */
  stop(graceMs?: number): Promise<ProcessExit>;
  kill(): void;
}

/** Spawns `bin args`; `onLine` receives stdout lines. A missing binary ends as exit code 127 with the reason. */
export function runMedia(bin: string, args: readonly string[], onLine?: (line: string) => void): MediaProcess {
  const run = diesWithParent(bin, args);
  const child = spawn(run.command, run.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  // stdin carries the input list of a camera URL with credentials, written once; otherwise it is closed at once (as
  // /dev/null would be). A child that died before reading it is no error of ours.
  child.stdin.on('error', () => {});
  child.stdin.end(stdinOf(args));
  const stderrTail: string[] = [];
  if (onLine) createInterface({ input: child.stdout }).on('line', onLine);
  else child.stdout.resume();
  // ffmpeg names its input in its errors, camera credentials included: the tail is kept redacted and short.
  createInterface({ input: child.stderr }).on('line', (l) => {
    stderrTail.push(redact(l.length > 1_000 ? `${l.slice(0, 1_000)}…` : l));
    if (stderrTail.length > 20) stderrTail.shift();
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      stderrTail.push(`${bin}: ${e.code === 'ENOENT' ? NOT_FOUND : e.message}`);
      resolve({ code: 127, signal: null, stderrTail });
    });
    child.once('close', (code, signal) => {
      if (run.wrapped && code === 127) stderrTail.push(`${bin}: ${NOT_FOUND}`);
      resolve({ code, signal, stderrTail });
    });
  });
  return {
    child,
    exited,
    async stop(graceMs = 5_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** A media run stopped on purpose (a cancelled booking, a shutdown). */
class MediaCancelledError extends Error {
  override readonly name = 'MediaCancelledError';
  readonly retryable = false;
  readonly code = 'cancelled' satisfies ErrorCode;
}

/** ffmpeg or ffprobe failed: `ffmpeg-missing` when the binary is not there (exit 127), else `ffmpeg-failed`. */
class MediaFailedError extends Error {
  override readonly name = 'MediaFailedError';
  readonly retryable = false;
  readonly code: ErrorCode;
  constructor(message: string, exitCode: number | null) {
    super(message);
    this.code = exitCode === 127 ? 'ffmpeg-missing' : 'ffmpeg-failed';
  }
}

/**
 * Runs to completion and collects stdout as bytes (an image, say); rejects with the stderr tail on a non-zero exit
 * or after `timeoutMs`, and kills the process at once when `signal` aborts.
 */
export async function runMediaToBuffer(
  bin: string,
  args: readonly string[],
  timeoutMs = 60_000,
  signal?: AbortSignal,
): Promise<Buffer> {
  if (signal?.aborted) throw new MediaCancelledError(`${bin} cancelled before it started`);
  const chunks: Buffer[] = [];
  const p = runMedia(bin, args);
  // runMedia set stdout flowing; data events start on a later tick, so none is missed here.
  p.child.stdout!.on('data', (c: Buffer) => chunks.push(c));
  const timer = setTimeout(() => p.kill(), timeoutMs);
  const onAbort = () => p.kill();
  signal?.addEventListener('abort', onAbort, { once: true });
  const exit = await p.exited;
  clearTimeout(timer);
  signal?.removeEventListener('abort', onAbort);
  if (signal?.aborted) throw new MediaCancelledError(`${bin} cancelled`);
  if (exit.code !== 0) {
    const why = exit.signal
      ? `killed (${exit.signal}${exit.signal === 'SIGKILL' ? `, timeout ${timeoutMs} ms` : ''})`
      : `exit ${exit.code}`;
    throw new MediaFailedError(
      `${bin} failed (${why}): ${exit.stderrTail.slice(-3).join(' | ') || 'no output'}`,
      exit.code,
    );
  }
  return Buffer.concat(chunks);
}

/** {@link runMediaToBuffer} for text output (ffprobe's JSON, a segment list). */
export async function runMediaToEnd(
  bin: string,
  args: readonly string[],
  timeoutMs = 60_000,
  signal?: AbortSignal,
): Promise<string> {
  return (await runMediaToBuffer(bin, args, timeoutMs, signal)).toString('utf8').replace(/\n$/, '');
}
