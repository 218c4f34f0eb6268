// Connectivity probes: is a configured host reachable at all? Any HTTP answer counts as reachable (even a 4xx:
// the link works); a refused connection, a DNS failure or a timeout does not.

/** A host the service depends on. Only configured hosts are probed, never third-party ones. */
export interface ProbeTarget {
  /** Stable name used in events and logs: `ayo`, `object-store`. */
  name: string;
  /** Human label for log lines. */
  label: string;
  /** The URL probed (its origin; paths and credentials are dropped). */
  url: string;
}

/** The outcome of one probe. */
export type ProbeResult = { ok: true; status: number; ms: number } | { ok: false; reason: string; ms: number };

/** Reduces a configured URL to its origin, so no token or path is ever probed or logged. */
export function probeUrlOf(configured: string): string {
  return new URL(configured).origin + '/';
}

/** Sends one HEAD request with a timeout. */
export async function probe(url: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  const started = Date.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    await res.body?.cancel();
    return { ok: true, status: res.status, ms: Date.now() - started };
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const reason = timeout.aborted
      ? `no answer within ${timeoutMs} ms`
      : (cause?.code ?? cause?.message ?? (e as Error).message);
    return { ok: false, reason, ms: Date.now() - started };
  }
}

/** Online/offline per target with a little hysteresis: offline after `failuresToOffline` failed probes in a row. */
export class ConnectivityTracker {
  private readonly state = new Map<
    string,
    { online: boolean | undefined; failures: number; reason: string | null; since: string | null }
  >();

  constructor(
    targets: readonly ProbeTarget[],
    private readonly failuresToOffline = 2,
  ) {
    for (const t of targets) this.state.set(t.name, { online: undefined, failures: 0, reason: null, since: null });
  }

  /** Records a probe; returns the new state when it changed (the first result always counts as a change). */
  record(name: string, result: ProbeResult, now = new Date()): { online: boolean; reason: string | null } | undefined {
    const s = this.state.get(name);
    if (!s) return undefined;
    if (result.ok) {
      s.failures = 0;
      s.reason = null;
      if (s.online === true) return undefined;
      s.online = true;
    } else {
      s.failures++;
      s.reason = result.reason;
      const offline = s.online === undefined || s.failures >= this.failuresToOffline;
      if (!offline || s.online === false) return undefined;
      s.online = false;
    }
    s.since = now.toISOString();
    return { online: s.online, reason: s.reason };
  }

  /** Every target's state as data. */
  snapshot(): Record<string, { online: boolean | null; reason: string | null; since: string | null }> {
    return Object.fromEntries(
      [...this.state].map(([k, v]) => [k, { online: v.online ?? null, reason: v.reason, since: v.since }]),
    );
  }
}
