// A large JSON answer is parsed on a short-lived worker thread, and its `data` list handed back in slices, one per
// request: the caller's event loop (an actor's heartbeat) never waits for the whole parse, only for one slice's
// deserialisation. JSON.parse of a 70 MB answer blocks its thread for about a second, far longer on a busy machine.

import { Worker } from 'node:worker_threads';

/** Items handed back per message. */
const SLICE = 2_000;

// Plain JavaScript, run with `eval`: no loader is needed whether the service runs from source or from dist.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let json;
let ok = true;
try {
  json = JSON.parse(Buffer.from(workerData.bytes.buffer, workerData.bytes.byteOffset, workerData.bytes.byteLength).toString('utf8'));
} catch {
  ok = false;
}
workerData.bytes = undefined;
if (!ok) {
  parentPort.postMessage({ type: 'not-json' });
} else if (!json || typeof json !== 'object' || Array.isArray(json) || !Array.isArray(json.data)) {
  // Not a list in data: small or not, the caller only needs to know that much beside the envelope's flags.
  const head = json && typeof json === 'object' && !Array.isArray(json) ? json : undefined;
  const data = head && (head.data === undefined || head.data === null ? head.data : { notAList: true });
  parentPort.postMessage({ type: 'whole', json: head ? { ...head, data } : Array.isArray(json) ? [] : json });
} else {
  const list = json.data;
  json.data = undefined;
  parentPort.postMessage({ type: 'head', envelope: json, length: list.length });
  let next = 0;
  parentPort.on('message', () => {
    const items = list.slice(next, next + ${SLICE});
    next += items.length;
    parentPort.postMessage({ type: 'slice', items, done: next >= list.length });
  });
}
`;

type FromWorker =
  | { type: 'not-json' }
  | { type: 'whole'; json: unknown }
  | { type: 'head'; envelope: Record<string, unknown>; length: number }
  | { type: 'slice'; items: unknown[]; done: boolean };

/** What {@link parseOffThread} found: the parsed answer, or that the bytes are not JSON. */
export type OffThreadParse = { ok: true; json: unknown } | { ok: false };

/**
 * Parses `bytes` as JSON on a worker thread; a `data` list comes back in slices of {@link SLICE}, each after a turn
 * of the caller's event loop. The bytes' memory moves to the worker (they are unusable here afterwards): copying
 * 70 MB into the worker's data held this thread for about a second. Rejects when `signal` aborts (the worker is
 * stopped) or the worker fails.
 */
export function parseOffThread(bytes: Uint8Array, signal?: AbortSignal): Promise<OffThreadParse> {
  return new Promise((resolve, reject) => {
    // Only a whole ArrayBuffer moves; a view into a larger one (never the case for a body over 1 MiB) is copied first.
    const own =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
        ? bytes
        : new Uint8Array(bytes);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { bytes: own },
      transferList: [own.buffer as ArrayBuffer],
      resourceLimits: { maxOldGenerationSizeMb: 1_024 },
    });
    let envelope: Record<string, unknown> | undefined;
    const list: unknown[] = [];
    let settled = false;
    const finish = (outcome: { value: OffThreadParse } | { error: Error }) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if ('value' in outcome) resolve(outcome.value);
      else reject(outcome.error);
    };
    const onAbort = () => finish({ error: new Error('cancelled') });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const ask = () => setImmediate(() => !settled && worker.postMessage('next'));
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'not-json':
          return finish({ value: { ok: false } });
        case 'whole':
          return finish({ value: { ok: true, json: m.json } });
        case 'head':
          envelope = m.envelope;
          if (m.length === 0) return finish({ value: { ok: true, json: { ...envelope, data: [] } } });
          return ask();
        case 'slice':
          for (const item of m.items) list.push(item);
          if (!m.done) return ask();
          return finish({ value: { ok: true, json: { ...envelope, data: list } } });
      }
    });
    worker.on('error', (e) => finish({ error: e }));
    worker.on('exit', (code) => finish({ error: new Error(`the JSON parser thread exited (${code})`) }));
  });
}
