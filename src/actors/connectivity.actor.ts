// ConnectivityActor: probes the configured AYO host and object store on an interval, tracks online/offline per
// target, logs the seed's 🌐 CONNECTIVITY lines and publishes transitions, and says when a target answered (a recovery
// of it brings forward the work that waited after its failures).

import { checkSlice } from '../config.js';
import { ConnectivityTracker, probe, probeAnswered, type DependencyAnsweredEvent } from '../connectivity/index.js';
import { assertNever, runActor } from '../supervisor/index.js';
import type {
  ConnectivityActorData,
  ConnectivityEvent,
  ConnectivityRequest,
  ConnectivitySnapshot,
} from './connectivity.messages.js';

/** How often a target's answers are reported at most. */
const ANSWER_EVERY_MS = 5_000;

runActor<ConnectivityRequest, ConnectivitySnapshot, ConnectivityEvent | DependencyAnsweredEvent, ConnectivityActorData>(
  (ctx) => {
    // The slice came through workerData: checked again on this thread, as the loader checked the environment.
    const { targets, intervalMs, timeoutMs } = checkSlice('connectivity', ctx.data);
    const tracker = new ConnectivityTracker(targets);
    const abort = new AbortController();
    const lastAnswered = new Map<string, number>();
    let timer: NodeJS.Timeout | undefined;
    let round: Promise<void> | undefined;

    const probeAll = () => {
      round ??= Promise.all(
        targets.map(async (t) => {
          const result = await probe(t.url, timeoutMs, abort.signal);
          if (abort.signal.aborted) return;
          // At most one answer per target every few seconds: the runners act on one per recovery gap anyway.
          const quiet = Date.now() - (lastAnswered.get(t.name) ?? 0) < ANSWER_EVERY_MS;
          if (result.ok && probeAnswered(result.status) && !quiet) {
            lastAnswered.set(t.name, Date.now());
            ctx.emit({ type: 'dependency:answered', dependency: t.name, atMs: Date.now(), via: 'probe' });
          }
          const change = tracker.record(t.name, result);
          if (!change) return;
          if (change.online) ctx.logger.info(`🌐 CONNECTIVITY: Online - ${t.label} reachable (${t.url})`);
          else ctx.logger.warn(`🌐 CONNECTIVITY: Offline - ${t.label} unreachable (${t.url}): ${change.reason}`);
          ctx.emit({
            type: 'connectivity:change',
            target: t.name,
            label: t.label,
            online: change.online,
            reason: change.reason,
          });
        }),
      ).then(() => {
        round = undefined;
      });
      return round;
    };
    const loop = async () => {
      await probeAll();
      if (!abort.signal.aborted) timer = setTimeout(() => void loop(), intervalMs);
    };
    if (targets.length === 0) ctx.logger.info('🌐 CONNECTIVITY: no targets configured; nothing to probe');
    else void loop();

    return {
      async handle(req) {
        switch (req.type) {
          case 'connectivity:status':
            return tracker.snapshot();
          case 'connectivity:probe':
            await probeAll();
            return tracker.snapshot();
          default:
            return assertNever(req);
        }
      },
      async stop() {
        abort.abort();
        clearTimeout(timer);
        await round;
      },
    };
  },
);
