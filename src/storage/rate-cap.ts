// The upload rate cap (UPLOAD_MAX_MBPS): one token bucket per process, shared by every upload, that request bodies
// take their bytes from in small pieces, so the rate at the far end is smooth (no part-sized bursts). Two priorities:
// a `high` piece (preview, thumbnail: what an announcement waits for) is served before any `low` one (the full MP4
// after its announcement), so a long full upload never holds an announcement back.

import { Readable } from 'node:stream';

/** Who is waiting for tokens: announcement uploads first. */
export type UploadPriority = 'high' | 'low';

/** The shared budget of upload bytes. */
export interface TokenBucket {
  /** Bytes per second. */
  readonly bytesPerSec: number;
  /** The largest piece one `take` may ask for. */
  readonly pieceBytes: number;
  /** Resolves once `bytes` (≤ pieceBytes) may be sent; rejects when `signal` aborts first. */
  take(bytes: number, priority: UploadPriority, signal?: AbortSignal): Promise<void>;
}

/** Why a wait ended early: the signal's reason when it is an error. */
const abortError = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : new Error('upload cancelled', { cause: signal.reason });

interface Waiter {
  bytes: number;
  resolve(): void;
  reject(e: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Mbit/s (decimal megabits, as links are sold) to bytes per second. */
export function mbpsToBytesPerSec(mbps: number): number {
  return (mbps * 1_000_000) / 8;
}

/**
 * A bucket refilled at `bytesPerSec`, holding at most a twentieth of a second's worth (at least one 16 KiB piece):
 * the burst past the cap is that small.
 */
export function createTokenBucket(bytesPerSec: number, now: () => number = () => performance.now()): TokenBucket {
  if (!(bytesPerSec > 0)) throw new Error(`an upload rate cap must be positive, got ${bytesPerSec} bytes/s`);
  const pieceBytes = Math.max(1024, Math.min(16 * 1024, Math.floor(bytesPerSec / 20)));
  const capacity = Math.max(pieceBytes, Math.floor(bytesPerSec / 20));
  let tokens = capacity;
  let last = now();
  const queues: Record<UploadPriority, Waiter[]> = { high: [], low: [] };
  let timer: NodeJS.Timeout | undefined;

  const refill = () => {
    const t = now();
    tokens = Math.min(capacity, tokens + ((t - last) / 1000) * bytesPerSec);
    last = t;
  };
  const head = (): Waiter | undefined => queues.high[0] ?? queues.low[0];
  const serve = () => {
    timer = undefined;
    refill();
    for (let w = head(); w; w = head()) {
      if (tokens < w.bytes) {
        timer = setTimeout(serve, Math.max(1, Math.ceil(((w.bytes - tokens) / bytesPerSec) * 1000)));
        return;
      }
      tokens -= w.bytes;
      (queues.high[0] === w ? queues.high : queues.low).shift();
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
  };

  return {
    bytesPerSec,
    pieceBytes,
    take(bytes, priority, signal) {
      if (bytes > pieceBytes) return Promise.reject(new Error(`a piece of ${bytes} bytes exceeds ${pieceBytes}`));
      if (signal?.aborted) return Promise.reject(abortError(signal));
      return new Promise<void>((resolve, reject) => {
        const w: Waiter = { bytes, resolve, reject, signal };
        if (signal) {
          w.onAbort = () => {
            for (const q of [queues.high, queues.low]) {
              const i = q.indexOf(w);
              if (i >= 0) q.splice(i, 1);
            }
            reject(abortError(signal));
          };
          signal.addEventListener('abort', w.onAbort, { once: true });
        }
        queues[priority].push(w);
        // A waiting `high` piece is served at once when tokens are there, ahead of queued `low` ones.
        if (timer) clearTimeout(timer);
        serve();
      });
    },
  };
}

/** `source` re-emitted in pieces, each after the bucket granted its bytes. */
export function throttledStream(
  source: AsyncIterable<Uint8Array | string> | Uint8Array,
  bucket: TokenBucket,
  priority: UploadPriority,
  signal?: AbortSignal,
): Readable {
  async function* pieces(): AsyncGenerator<Buffer> {
    const chunks = source instanceof Uint8Array ? [source] : source;
    for await (const c of chunks) {
      const buf = typeof c === 'string' ? Buffer.from(c) : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
      for (let at = 0; at < buf.length; at += bucket.pieceBytes) {
        const piece = buf.subarray(at, Math.min(buf.length, at + bucket.pieceBytes));
        await bucket.take(piece.length, priority, signal);
        yield piece;
      }
    }
  }
  return Readable.from(pieces(), { objectMode: false });
}
