// Where log lines go: stdout, or stderr once stdout is closed, or nowhere once both are. A closed stdout (EPIPE
// from `| head -1`, a log collector that went away) is an 'error' event on the stream; without a listener Node
// turns it into an uncaught exception that ends the process and orphans its ffmpeg children. Recording is the
// box's first duty, so the service keeps running without its log instead.

type Stream = 'stdout' | 'stderr';

const closed = new Set<Stream>();
let guarded = false;

function streamOf(name: Stream): NodeJS.WriteStream {
  return name === 'stdout' ? process.stdout : process.stderr;
}

function isOpen(name: Stream): boolean {
  const s = streamOf(name);
  return !closed.has(name) && !s.destroyed && s.writable !== false;
}

function onClosed(name: Stream, e: NodeJS.ErrnoException | undefined): void {
  if (closed.has(name)) return;
  closed.add(name);
  const other: Stream = name === 'stdout' ? 'stderr' : 'stdout';
  if (!isOpen(other)) return;
  try {
    streamOf(other).write(
      `venue-recorder: ${name} is closed (${e?.code ?? 'closed'}); the service goes on, logging to ${other}\n`,
    );
  } catch {
    /* nothing left to tell */
  }
}

/**
 * Listens for errors on stdout and stderr (once per thread), so that a closed one is dropped rather than fatal.
 * Called by every logger that writes to the standard streams.
 */
export function guardStdio(): void {
  if (guarded) return;
  guarded = true;
  for (const name of ['stdout', 'stderr'] as const) {
    const s = streamOf(name);
    s.on('error', (e: NodeJS.ErrnoException) => onClosed(name, e));
    s.on('close', () => onClosed(name, undefined));
  }
}

/** Writes one finished line to stdout, to stderr when stdout is closed, or drops it when both are. */
export function writeLogLine(line: string): void {
  const target: Stream | undefined = isOpen('stdout') ? 'stdout' : isOpen('stderr') ? 'stderr' : undefined;
  if (!target) return;
  try {
    streamOf(target).write(line + '\n');
  } catch (e) {
    onClosed(target, e as NodeJS.ErrnoException);
  }
}
