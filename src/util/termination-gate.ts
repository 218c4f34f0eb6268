// A worker thread must not be terminated while it is inside a native call that may throw: better-sqlite3 builds its
// error object in an isolate that is already terminating, and the whole process aborts (`FATAL ERROR:
// v8::ToLocalChecked Empty MaybeLocal` from `Database::ThrowSqliteError`, WiseLibs/better-sqlite3#842). A statement
// blocked in SQLite's busy wait (up to the connection's busy timeout) is exactly such a call, and it is when an actor
// misses heartbeats or a stop deadline. One shared word per worker says where the thread is:
// `IDLE` (running JavaScript), `NATIVE` (inside a guarded call), `CLOSING` (inside one, and the owner waits to
// terminate it), `CLOSED` (the owner may terminate it now). The owner closes an `IDLE` gate itself; a `NATIVE` one it
// marks `CLOSING`, and the thread closes it as it leaves the call. A thread whose gate is closed throws instead of
// entering a call. (Polling for `IDLE` is not enough: a thread retrying a locked write is inside the call nearly all the
// time.)

const IDLE = 0;
const NATIVE = 1;
const CLOSED = 2;
const CLOSING = 3;

/** A worker's gate: created by the thread's owner and handed to the thread (SharedArrayBuffer crosses by reference). */
export type TerminationGate = SharedArrayBuffer;

/** Thrown by a guarded call after the owner closed the gate: the thread is about to be terminated. */
class ThreadTerminatingError extends Error {
  override readonly name = 'ThreadTerminatingError';
  readonly code = 'unavailable';
  readonly retryable = true;
  constructor() {
    super('this thread is being terminated; the call was not made');
  }
}

/** A new, open gate for a thread about to be started. */
export function createTerminationGate(): TerminationGate {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

let threadWord: Int32Array | undefined;
let depth = 0;

/** Inside the thread: the gate its owner handed over; guarded calls check it from now on. */
export function useTerminationGate(gate: TerminationGate): void {
  threadWord = new Int32Array(gate);
  depth = 0;
}

/** Whether this thread was handed a gate (an actor's worker). */
export function hasTerminationGate(): boolean {
  return threadWord !== undefined;
}

/**
 * Runs `call` as a guarded native call: the owner does not terminate the thread until it returns or throws. Nested
 * guarded calls (a statement inside a transaction) hold the gate once. Without a gate (the main thread) it just runs.
 */
export function guarded<T>(call: () => T): T {
  const word = threadWord;
  if (!word || depth > 0) {
    depth++;
    try {
      return call();
    } finally {
      depth--;
    }
  }
  if (Atomics.compareExchange(word, 0, IDLE, NATIVE) === CLOSED) throw new ThreadTerminatingError();
  depth = 1;
  try {
    return call();
  } finally {
    depth = 0;
    if (Atomics.compareExchange(word, 0, NATIVE, IDLE) === CLOSING) {
      Atomics.store(word, 0, CLOSED);
      Atomics.notify(word, 0);
    }
  }
}

/**
 * The owner's side: closes the gate at once if the thread is outside guarded calls, else asks the thread to close it
 * as it leaves the current one and waits (checked every `pollMs`). After `maxWaitMs` it answers anyway
 * (`closed: false`): a call that long is stuck, and the owner terminates regardless. The caller terminates the thread
 * right after.
 */
export async function closeTerminationGate(
  gate: TerminationGate,
  options: { maxWaitMs: number; pollMs?: number },
): Promise<{ closed: boolean; waitedMs: number }> {
  const word = new Int32Array(gate);
  const started = Date.now();
  for (;;) {
    const was = Atomics.compareExchange(word, 0, IDLE, CLOSED);
    if (was === IDLE || was === CLOSED) return { closed: true, waitedMs: Date.now() - started };
    if (was === NATIVE) Atomics.compareExchange(word, 0, NATIVE, CLOSING);
    if (Date.now() - started >= options.maxWaitMs) return { closed: false, waitedMs: Date.now() - started };
    await new Promise((r) => setTimeout(r, options.pollMs ?? 5));
  }
}
