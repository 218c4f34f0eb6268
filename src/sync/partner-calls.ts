// The periodic calls AYO expects of a venue box: health-check every minute, and update-camera-status for
// every camera every 5 minutes (ACTIVE while it records). They go through the same client and policies as the sync.

import type { AyoClient } from '../ayo/index.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Resilience } from '../util/resilience.js';

/** What a periodic call reports. */
export type PartnerCallEvent = { type: 'ayo:call'; endpoint: string; outcome: 'success' | 'failed' };

/** Dependencies of {@link createPartnerCalls}. */
export interface PartnerCallsDeps {
  client: AyoClient;
  resilience: Resilience;
  logger: Logger;
  /** Every configured camera by name, with whether it records right now. */
  cameras: () => { name: string; recording: boolean }[];
  healthIntervalMs: number;
  cameraStatusIntervalMs: number;
  onEvent?: (e: PartnerCallEvent) => void;
}

/** Starts the timers; returns a stop function. */
export function createPartnerCalls(deps: PartnerCallsDeps) {
  const abort = new AbortController();
  const call = async (endpoint: string, fields: Record<string, string> = {}) => {
    try {
      await deps.resilience.execute(
        `AYO ${endpoint}`,
        (s) => deps.client.call('POST', endpoint, fields, s),
        abort.signal,
      );
      deps.onEvent?.({ type: 'ayo:call', endpoint, outcome: 'success' });
    } catch (e) {
      if (abort.signal.aborted) return;
      deps.logger.warn(`🌐 AYO: ${endpoint} failed: ${describeError(e)}`);
      deps.onEvent?.({ type: 'ayo:call', endpoint, outcome: 'failed' });
    }
  };
  const health = () => void call('health-check');
  const camera = (name: string, recording: boolean) =>
    void call('update-camera-status', { camera_id: name, status: recording ? 'ACTIVE' : 'INACTIVE' });
  const cameras = () => {
    for (const c of deps.cameras()) camera(c.name, c.recording);
  };
  const timers = [setInterval(health, deps.healthIntervalMs), setInterval(cameras, deps.cameraStatusIntervalMs)];
  health();
  return {
    /** Sends one camera's status now (it started or stopped recording). */
    camera,
    stop(): void {
      abort.abort();
      for (const t of timers) clearInterval(t);
    },
  };
}
