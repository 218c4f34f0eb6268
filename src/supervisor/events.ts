// A typed event emitter whose listeners cannot break the emitter: a throwing listener is reported, not propagated.

/** Listener of one event type. */
export type Listener<T> = (payload: T) => void;

/** Emits `noun:verb` events with typed payloads. */
export class TypedEmitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();
  private readonly anyListeners = new Set<Listener<{ type: keyof Events; payload: Events[keyof Events] }>>();

  /** Subscribes to one event; returns the unsubscribe function. */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Subscribes to every event (logs, metrics). */
  onAny(listener: Listener<{ type: keyof Events; payload: Events[keyof Events] }>): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  /** Calls every listener; one that throws is skipped (and reported on stderr), the others still run. */
  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    for (const l of this.listeners.get(type) ?? []) safeCall(() => (l as Listener<Events[K]>)(payload), String(type));
    for (const l of this.anyListeners) safeCall(() => l({ type, payload }), String(type));
  }
}

function safeCall(fn: () => void, type: string): void {
  try {
    fn();
  } catch (e) {
    process.stderr.write(`event listener for ${type} threw: ${(e as Error)?.message ?? String(e)}\n`);
  }
}
