// The daily reads of AYO's venue video settings and watermark images (at start, then every 24 h), through the same
// retry and circuit policies as the sync's AYO calls. A failed read changes nothing: the last good settings and
// images stay in force. Runs on the main thread: two small GETs a day, beside the settings the HTTP API shows.

import { createAyoClient, fetchVideoConfiguration, fetchWatermarkList } from '../ayo/index.js';
import type { AyoConfig } from '../config/types.js';
import type { VideoSettingsEnv } from '../config/video-settings-env.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { createResilience } from '../util/resilience.js';
import {
  parseWatermarkList,
  resolveWatermark,
  storeWatermarks,
  writeWatermarkInForce,
  type WatermarkInForce,
} from '../watermark/index.js';
import { chooseEncoder, type EncoderChoice } from './encoder.js';
import type { SettingsProvider } from './provider.js';

/** How often AYO's settings and images are read again. */
const VENUE_REFRESH_MS = 24 * 3_600_000;

/** The outcome of the last read of one endpoint. */
export interface ReadStatus {
  at: string | null;
  ok: boolean | null;
  /** Why it failed, or the warnings of a read that was partly bad. */
  problems: string[];
}

/** Options of {@link createVenueRefresh}. */
export interface VenueRefreshOptions {
  ayo: AyoConfig | undefined;
  env: VideoSettingsEnv;
  dataDir: string;
  ffmpeg: string;
  provider: SettingsProvider;
  logger: Logger;
  intervalMs?: number;
}

/** The refresher: its state for GET /api/settings, and start/stop. */
export interface VenueRefresh {
  /** Decides the watermark from what is on disk, checks the encoder, reads AYO now and then daily. */
  start(): void;
  /** Reads both endpoints now (the daily run; tests call it). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
  watermark(): WatermarkInForce;
  encoder(): EncoderChoice | undefined;
  reads(): { videoConfiguration: ReadStatus; watermark: ReadStatus };
}

/** Creates the refresher. Example: `const r = createVenueRefresh({ ayo: config.ayo, env: config.videoSettings, ... }); r.start()`. */
export function createVenueRefresh(o: VenueRefreshOptions): VenueRefresh {
  const stopping = new AbortController();
  const client = o.ayo && createAyoClient(o.ayo);
  const resilience =
    o.ayo &&
    createResilience(
      {
        name: 'AYO',
        maxAttempts: 3,
        baseDelayMs: o.ayo.retryBaseDelayMs,
        maxDelayMs: 30_000,
        breaker: { threshold: o.ayo.breakAfter, halfOpenAfterMs: o.ayo.halfOpenAfterMs },
      },
      o.logger,
    );
  const none = (): ReadStatus => ({ at: null, ok: null, problems: [] });
  const status = { videoConfiguration: none(), watermark: none() };
  let inForce: WatermarkInForce = { mode: 'off', why: 'not decided yet' };
  let encoder: EncoderChoice | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const decideWatermark = () => {
    inForce = resolveWatermark(o.env, o.dataDir);
    try {
      writeWatermarkInForce(o.dataDir, inForce);
    } catch (e) {
      o.logger.warn(`🖼️ WATERMARK: could not write the watermark in force: ${describeError(e)}`);
    }
  };
  const read = async (key: keyof typeof status, what: string, fn: (signal: AbortSignal) => Promise<string[]>) => {
    const s: ReadStatus = { at: new Date().toISOString(), ok: false, problems: [] };
    try {
      s.problems = await fn(stopping.signal);
      s.ok = true;
    } catch (e) {
      if (stopping.signal.aborted) return;
      s.problems = [describeError(e)];
      o.logger.warn(`⚙️ SETTINGS: reading AYO's ${what} failed (${describeError(e)}); the last good one stays`);
    }
    status[key] = s;
  };
  const refreshOnce = async () => {
    if (!client || !resilience) return;
    await read('videoConfiguration', 'video-configuration', async (signal) => {
      const data = await resilience.execute('video-configuration', (s) => fetchVideoConfiguration(client, s), signal);
      return o.provider.applyAyo(data);
    });
    if (o.env.watermark.kind !== 'ayo') return;
    await read('watermark', 'watermark', async (signal) => {
      const data = await resilience.execute('watermark', (s) => fetchWatermarkList(client, s), signal);
      // A path without a scheme takes the AYO API's (https in production, http against a local fake).
      const scheme = new URL(o.ayo!.baseUrl).protocol === 'http:' ? 'http:' : 'https:';
      const { items, warnings } = parseWatermarkList(data, scheme);
      const stored = await storeWatermarks(o.dataDir, items, { timeoutMs: o.ayo!.timeoutMs });
      const all = [...warnings, ...stored.warnings];
      for (const w of all) o.logger.warn(`🖼️ WATERMARK: ${w}`);
      decideWatermark();
      return all;
    });
  };
  const refresh = () => (running ??= refreshOnce().finally(() => (running = undefined)));

  return {
    start() {
      decideWatermark();
      if (inForce.mode === 'off' && o.env.watermark.kind !== 'ayo') o.logger.warn(`🖼️ WATERMARK: off (${inForce.why})`);
      void chooseEncoder(o.ffmpeg, o.env.encoder).then((c) => {
        encoder = c;
        if (c.fallback)
          o.logger.warn(`🎞️ ENCODER: VIDEO_ENCODER=${c.requested} is not usable (${c.fallback}); using libx264`);
      });
      void refresh();
      timer = setInterval(() => void refresh(), o.intervalMs ?? VENUE_REFRESH_MS);
      timer.unref();
    },
    refresh,
    async stop() {
      stopping.abort();
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
    watermark: () => inForce,
    encoder: () => encoder,
    reads: () => ({ videoConfiguration: { ...status.videoConfiguration }, watermark: { ...status.watermark } }),
  };
}
