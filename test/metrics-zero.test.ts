// Metrics start at zero (issue 11 point 9): on a freshly started service, with no booking, video, upload or restart
// yet, a real Prometheus answers every Grafana panel's query with data, except the few that need an event by nature.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { partnerEnv } from './fixtures/env.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { startPrometheus } from './fixtures/prometheus.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';

/** Grafana's variables filled in as "all". */
const fill = (expr: string) =>
  expr.replaceAll('$venue', '.*').replaceAll('$camera', '.*').replaceAll('$__rate_interval', '1m');

/** Every query of every dashboard panel. */
function queries(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const f of fs.readdirSync('grafana/dashboards').sort()) {
    const d = JSON.parse(fs.readFileSync(path.join('grafana/dashboards', f), 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    for (const p of d.panels)
      for (const t of p.targets ?? []) out.push({ where: `${f}: ${p.title}`, expr: fill(t.expr) });
  }
  return out;
}

let service: RunningService;
let ayo: FakeAyo;
let s3: FakeS3;
let prom: Awaited<ReturnType<typeof startPrometheus>>;
const tmp = tempDir();

beforeAll(async () => {
  ayo = await startFakeAyo(TEST_AYO);
  s3 = await startFakeS3();
  service = await startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: path.join(tmp.dir, 'data'),
      MIN_FREE_DISK_MB: '0',
      SEGMENT_SECONDS: '1',
      ...partnerEnv(ayo, s3),
      CAMERAS: JSON.stringify([{ name: 'CAM_50', fieldId: 50, url: 'testsrc', enabled: true }]),
    }),
    captureLogger().logger,
  );
  prom = await startPrometheus(path.join(tmp.dir, 'prom'), new URL(service.url).host);
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await service?.stop();
  await ayo?.close();
  await s3?.close();
  tmp.cleanup();
});

describe('a freshly started service', () => {
  it('answers every dashboard query with data: the known label values at 0', async () => {
    // Rates need two samples in their window: wait for a few scrapes.
    await waitFor(
      async () => {
        const r = await prom.query('count_over_time(up{job="venue-recorder"}[1m]) >= 4');
        return (r.data?.result.length ?? 0) > 0;
      },
      'four scrapes',
      120_000,
      250,
    );
    const noData: string[] = [];
    const all = queries();
    for (const { where, expr } of all) {
      const r = await prom.query(expr);
      expect(r.status, `${where}: ${expr}`).toBe('success');
      if ((r.data?.result.length ?? 0) === 0) noData.push(`${where} | ${expr}`);
    }
    console.log(
      `metrics-zero: ${noData.length} of ${all.length} dashboard queries without data:\n${noData.join('\n')}`,
    );
    expect(noData).toEqual([]);
    // The series are the known label values at 0, not something else that happens to exist.
    const value = async (q: string) => (await prom.query(q)).data?.result.map((r: any) => r.value[1] as string);
    expect(await value('venue_recorder_uploads_total{outcome="failed"}')).toEqual(['0']);
    expect(await value('venue_recorder_notifications_total{outcome="retry"}')).toEqual(['0']);
    expect(await value('venue_recorder_bookings{status="cancelled"}')).toEqual(['0']);
    expect(await value('venue_recorder_videos{status="failed",type="full"}')).toEqual(['0']);
    expect(await value('venue_recorder_ffmpeg_restarts_total{camera="CAM_50",reason="stall"}')).toEqual(['0']);
    expect(await value('venue_recorder_clip_coverage_ratio_count{camera="CAM_50"}')).toEqual(['0']);
    // A quantile of a histogram with no observation yet is a series whose value is NaN (Grafana draws no point).
    expect(
      await value('histogram_quantile(0.95, sum by (le) (rate(venue_recorder_clip_processing_seconds_bucket[1m])))'),
    ).toEqual(['NaN']);
  }, 180_000);
});
