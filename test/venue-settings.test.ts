// Venue video settings (issue 11 point 1): AYO's video-configuration read leniently, the environment winning where
// set, the last good settings kept through bad answers and restarts, and GET /api/settings showing each source.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Db } from '../src/db/index.js';
import { createHttpApp } from '../src/http/app.js';
import { startHttpServer, type RunningServer } from '../src/http/server.js';
import {
  createSettingsProvider,
  createVenueRefresh,
  inForceFile,
  parseVideoSettings,
  settingsDto,
  settingsFile,
  type VenueRefresh,
} from '../src/settings/index.js';
import { partnerEnv } from './fixtures/env.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { captureLogger, tempDir } from './fixtures/helpers.js';
import { pipelineFixture } from './fixtures/video-pipeline.js';

describe("reading AYO's video-configuration", () => {
  it.each([
    ['"[720,1080]"', '[720,1080]'],
    ['\'["720","1080"]\'', '["720","1080"]'],
    ['[720,1080]', [720, 1080]],
    ['["1080p","720p"]', ['1080p', '720p']],
    ['"720,1080"', '720,1080'],
  ])('video_quality %s → [720, 1080]', (_, quality) => {
    expect(parseVideoSettings({ video_quality: quality })).toEqual({
      values: { qualities: [720, 1080] },
      warnings: [],
    });
  });

  it('"720p" and 720 are one rendition', () => {
    expect(parseVideoSettings({ video_quality: '720p' }).values.qualities).toEqual([720]);
    expect(parseVideoSettings({ video_quality: 720 }).values.qualities).toEqual([720]);
  });

  it('reads every field, numbers as text too, and a list of one settings object', () => {
    const data = [{ clip_duration: '30', video_quality: '[480]', frame_rate: 25, auto_delete: '7' }];
    expect(parseVideoSettings(data)).toEqual({
      values: { clipSeconds: 30, qualities: [480], frameRate: 25, autoDeleteDays: 7 },
      warnings: [],
    });
  });

  it.each([
    ['video_quality', 'HD'],
    ['video_quality', '[720,'],
    ['video_quality', [720, 'big']],
    ['video_quality', [99999]],
    ['clip_duration', 'a minute'],
    ['clip_duration', -5],
    ['frame_rate', 0],
    ['auto_delete', 2.5],
  ])('a bad %s (%j) is left out with a warning naming it', (field, value) => {
    const { values, warnings } = parseVideoSettings({
      [field]: value,
      frame_rate: field === 'frame_rate' ? value : 30,
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(field);
    expect(values).toEqual(field === 'frame_rate' ? {} : { frameRate: 30 });
  });

  it('an answer that is no settings object is one warning and no values', () => {
    expect(parseVideoSettings(null)).toEqual({ values: {}, warnings: [] });
    for (const data of ['x', [1, 2], 42, true]) {
      const r = parseVideoSettings(data);
      expect(r.values).toEqual({});
      expect(r.warnings).toEqual(['video-configuration: the answer is not a settings object']);
    }
  });
});

describe('the settings in force, from the fake AYO', () => {
  let ayo: FakeAyo;
  let tmp: ReturnType<typeof tempDir>;
  const running: { server?: RunningServer; db?: Db; refresh?: VenueRefresh } = {};

  beforeAll(async () => {
    ayo = await startFakeAyo(TEST_AYO);
  });
  afterAll(async () => {
    await ayo.close();
  });
  beforeEach(() => {
    tmp = tempDir();
    ayo.clearFaults();
    return async () => {
      await running.refresh?.stop();
      await running.server?.close();
      running.db?.close();
      tmp.cleanup();
    };
  });

  /** A provider and refresher over the fake AYO, and an HTTP app serving GET /api/settings. */
  async function start(env: Record<string, string> = {}) {
    await running.refresh?.stop();
    await running.server?.close();
    running.db?.close();
    const config = loadConfig({ DATA_DIR: tmp.dir, AYO_RETRY_BASE_DELAY: '10ms', ...partnerEnv(ayo), ...env });
    const log = captureLogger();
    const provider = createSettingsProvider({
      env: config.videoSettings,
      file: settingsFile(config.dataDir),
      logger: log.logger,
    });
    const refresh = createVenueRefresh({
      ayo: config.ayo,
      env: config.videoSettings,
      dataDir: config.dataDir,
      ffmpeg: 'ffmpeg',
      provider,
      logger: log.logger,
    });
    const db = openDatabase(config.dbPath);
    const server = await startHttpServer(
      createHttpApp({
        db,
        apiKey: undefined,
        logger: log.logger,
        settings: () => settingsDto(config.videoSettings, provider, refresh),
      }),
      { port: 0, host: '127.0.0.1' },
    );
    Object.assign(running, { server, db, refresh });
    const settings = async () => {
      const res = await fetch(`${server.url}/api/settings`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: any }).data;
    };
    return { refresh, settings, log };
  }

  it('applies AYO\'s settings, each with source "ayo", from a signed call', async () => {
    ayo.setAnswer('video-configuration', {
      clip_duration: 45,
      video_quality: '["480","720"]',
      frame_rate: '25',
      auto_delete: 3,
    });
    const before = ayo.answeredCalls('video-configuration').length;
    const { refresh, settings } = await start();
    expect((await settings()).qualities).toEqual({ value: [480, 720, 1080], source: 'default' });
    await refresh.refresh();
    expect(ayo.answeredCalls('video-configuration').length).toBe(before + 1);
    const s = await settings();
    expect(s.qualities).toEqual({ value: [480, 720], source: 'ayo' });
    expect(s.clipSeconds).toEqual({ value: 45, source: 'ayo' });
    expect(s.frameRate).toEqual({ value: 25, source: 'ayo' });
    expect(s.autoDeleteDays).toEqual({ value: 3, source: 'ayo' });
    expect(s.reads.videoConfiguration.ok).toBe(true);
    expect(Date.parse(s.ayoFetchedAt)).not.toBeNaN();
  });

  it('a set variable wins over AYO: VIDEO_QUALITIES, CLIP_SECONDS and VIDEO_RETENTION_DAYS', async () => {
    ayo.setAnswer('video-configuration', { clip_duration: 45, video_quality: '[720,1080]', auto_delete: 3 });
    const { refresh, settings } = await start({
      VIDEO_QUALITIES: '480,1080p',
      CLIP_SECONDS: '20',
      VIDEO_RETENTION_DAYS: '10',
    });
    await refresh.refresh();
    const s = await settings();
    expect(s.qualities).toEqual({ value: [480, 1080], source: 'env' });
    expect(s.clipSeconds).toEqual({ value: 20, source: 'env' });
    expect(s.autoDeleteDays).toEqual({ value: 10, source: 'env' });
  });

  it('a bad field keeps its last good value, with a warning naming it; the good ones still apply', async () => {
    ayo.setAnswer('video-configuration', { clip_duration: 45, video_quality: '[720,1080]', frame_rate: 30 });
    const { refresh, settings, log } = await start();
    await refresh.refresh();
    ayo.setAnswer('video-configuration', { clip_duration: 90, video_quality: 'full HD', frame_rate: 'fast' });
    await refresh.refresh();
    const s = await settings();
    expect(s.qualities).toEqual({ value: [720, 1080], source: 'ayo' });
    expect(s.frameRate).toEqual({ value: 30, source: 'ayo' });
    expect(s.clipSeconds).toEqual({ value: 90, source: 'ayo' });
    expect(s.reads.videoConfiguration.problems.join('\n')).toMatch(/video_quality.*\n.*frame_rate/);
    expect(log.lines.some((l) => l.includes('video_quality') && l.includes('last good value stays'))).toBe(true);
  });

  it('AYO down: the last good settings stay, also across a restart, and the failure is shown', async () => {
    ayo.setAnswer('video-configuration', { clip_duration: 45, video_quality: '[720]' });
    const first = await start();
    await first.refresh.refresh();
    ayo.fault({ kind: '500', endpoint: 'video-configuration', times: 100 });
    const second = await start();
    // Before any read, the settings kept on disk are in force.
    expect((await second.settings()).qualities).toEqual({ value: [720], source: 'ayo' });
    await second.refresh.refresh();
    const s = await second.settings();
    expect(s.qualities).toEqual({ value: [720], source: 'ayo' });
    expect(s.clipSeconds).toEqual({ value: 45, source: 'ayo' });
    expect(s.reads.videoConfiguration.ok).toBe(false);
    expect(s.reads.videoConfiguration.problems[0]).toMatch(/500/);
  });

  it('an unknown query parameter is refused (400), as on every route', async () => {
    const { settings: _ } = await start();
    const res = await fetch(`${running.server!.url}/api/settings?x=1`);
    expect(res.status).toBe(400);
  });
});

describe("AYO's clip_duration sets the manual clip's length", () => {
  const T0 = Date.UTC(2025, 3, 10, 16, 59, 30);
  const CAMS = [{ name: 'CAM_A', fieldId: 50, url: 'testsrc', enabled: true }];

  /** A manual clip requested with the settings in force from `env` and AYO's `clip_duration: 10`: its window. */
  function manualClipSeconds(env: Record<string, string>): number {
    const tmp = tempDir();
    try {
      const config = loadConfig({ DATA_DIR: tmp.dir, ...env });
      const provider = createSettingsProvider({
        env: config.videoSettings,
        file: settingsFile(tmp.dir),
        inForceFile: inForceFile(tmp.dir),
        logger: captureLogger().logger,
      });
      provider.applyAyo({ clip_duration: 10 });
      const f = pipelineFixture(tmp.dir, CAMS, {
        clipSeconds: config.video.clipSeconds,
        settingsFile: inForceFile(tmp.dir),
      });
      try {
        f.booking({ booking_id: 'BK-NOW', date: '2025-04-10', start_time: '23:59:00', end_time: '23:59:59' });
        f.clock.now = T0 + 25_000;
        const r = f.scanner.requestClip(50, 'CAM_A');
        return (Date.parse(r.windowEnd) - Date.parse(r.windowStart)) / 1000;
      } finally {
        f.db.close();
      }
    } finally {
      tmp.cleanup();
    }
  }

  it("AYO's 10 s when CLIP_SECONDS is unset; CLIP_SECONDS when set", () => {
    expect(manualClipSeconds({})).toBe(10);
    expect(manualClipSeconds({ CLIP_SECONDS: '15' })).toBe(15);
  });
});
