import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { ayoBooking, startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { partnerEnv, venueLocal } from './fixtures/env.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';
import { startPrometheus } from './fixtures/prometheus.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';

const local = (ms: number) => venueLocal(ms);

/** Grafana's variables filled in as "all". */
const fill = (expr: string) =>
  expr.replaceAll('$venue', '.*').replaceAll('$camera', '.*').replaceAll('$__rate_interval', '1m');

/** Every panel of the dashboards with its PromQL expressions. */
function panels(): { where: string; exprs: string[] }[] {
  const out: { where: string; exprs: string[] }[] = [];
  for (const f of fs.readdirSync('grafana/dashboards')) {
    const d = JSON.parse(fs.readFileSync(path.join('grafana/dashboards', f), 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    for (const p of d.panels)
      if (p.targets?.length) out.push({ where: `${f}: ${p.title}`, exprs: p.targets.map((t) => fill(t.expr)) });
  }
  return out;
}

/** Every PromQL expression of the dashboards and the alert rules, with Grafana's variables filled in. */
function expressions(): { where: string; expr: string }[] {
  const out = panels().flatMap((p) => p.exprs.map((expr) => ({ where: p.where, expr })));
  const rules = fs.readFileSync('grafana/alerts.yml', 'utf8');
  for (const m of rules.matchAll(/^\s+- alert: (\S+)\n\s+expr: (.+)$/gm))
    out.push({ where: `alert ${m[1]}`, expr: fill(m[2]!) });
  return out;
}

/** Dashboard panels with no series on a healthy box: they appear with the first gap, ffmpeg restart or actor restart. */
const QUIET_PANELS = [
  'cameras.json: Recording gaps (seconds lost)',
  'cameras.json: ffmpeg restarts by reason',
  'runtime.json: Actor restarts',
];

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
      CLIP_GRACE: '500ms',
      VIDEO_SCAN_INTERVAL: '500ms',
      ...partnerEnv(ayo, s3),
      CONNECTIVITY_INTERVAL: '500ms',
      CAMERAS: JSON.stringify([{ name: 'CAM_50', fieldId: 50, url: 'testsrc', enabled: true }]),
    }),
    captureLogger().logger,
  );
  prom = await startPrometheus(path.join(tmp.dir, 'prom'), new URL(service.url).host);
  // The booking is placed once the camera records, never from when this file loaded: on a busy machine the service
  // takes seconds to start, and a booking fixed in advance could be over before there is any footage of it.
  await waitFor(
    async () => {
      const r = (await (await fetch(`${service.url}/api/cameras`)).json()) as { data: { segmentsLastHour: number }[] };
      return (r.data[0]?.segmentsLastHour ?? 0) > 0;
    },
    'the camera to record',
    120_000,
  );
  const t0 = Math.ceil(Date.now() / 1000) * 1000;
  const b = { start: local(t0 + 2_000), end: local(t0 + 5_000) };
  ayo.setBookings(b.start.date, [
    ayoBooking({
      booking_id: 'BK/PROM/1',
      date: b.start.date,
      start_time: b.start.time,
      end_time: b.end.time,
      field_id: 50,
    }),
  ]);
  const synced = await fetch(`${service.url}/api/sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(synced.status).toBe(200);
  // The scripted scenario: bookings synced, the camera recording, the booking's clip cut, uploaded and announced.
  await waitFor(
    async () => {
      const r = (await (await fetch(`${service.url}/api/videos?booking_id=BK/PROM/1`)).json()) as {
        data: { status: string }[];
      };
      return r.data[0]?.status === 'ready';
    },
    'the clip to be delivered',
    120_000,
  );
  await fetch(`${service.url}/api/bookings`);
  // Scrapes after the delivery, and enough of them for rate() over the panels' 1m window: a Prometheus that started
  // late on a busy machine may have taken its first sample only after the scenario.
  const since = Date.now();
  const sample = async (expr: string) =>
    Number(((await prom.query(expr)).data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1] ?? 0);
  await waitFor(
    async () =>
      (await sample('timestamp(up{job="venue-recorder"})')) * 1000 > since + 1_500 &&
      (await sample('count_over_time(up{job="venue-recorder"}[1m])')) >= 3,
    'Prometheus to scrape after the scenario, three samples within a minute',
    60_000,
  );
}, 360_000);
afterAll(async () => {
  await prom?.stop();
  await service?.stop();
  await ayo?.close();
  await s3?.close();
  tmp.cleanup();
});

describe('a real Prometheus scraping the service', () => {
  it('evaluates every dashboard and alert expression without error', async () => {
    const exprs = expressions();
    expect(exprs.length).toBeGreaterThan(30);
    for (const { where, expr } of exprs) {
      const r = await prom.query(expr);
      expect(r.error, `${where}: ${expr}`).toBeUndefined();
      expect(r.status, `${where}: ${expr}`).toBe('success');
    }
  });

  it.each([
    ['sync freshness', 'time() - max by (venue) (venue_recorder_sync_last_success_timestamp_seconds{venue=~".*"})'],
    ['bookings by status', 'sum by (venue, status) (venue_recorder_bookings{venue=~".*"})'],
    ['video funnel', 'sum by (venue, status) (venue_recorder_videos{venue=~".*", status="ready"})'],
    ['queue depth', 'sum by (venue, kind) (venue_recorder_queue_jobs{venue=~".*", status=~"pending|running"})'],
    ['camera recording', 'max by (venue, camera) (venue_recorder_camera_recording{venue=~".*", camera=~".*"}) == 1'],
    ['segment age', 'venue_recorder_camera_last_segment_age_seconds{camera="CAM_50"} < 10'],
    ['segments written', 'venue_recorder_segments_written_total{camera="CAM_50"} > 0'],
    ['clip coverage', 'venue_recorder_clip_coverage_ratio_count{camera="CAM_50"} > 0'],
    ['uploads', 'venue_recorder_uploads_total{outcome="success"} > 0'],
    ['notifications', 'venue_recorder_notifications_total{outcome="success"} > 0'],
    ['connectivity', 'venue_recorder_connectivity_up{dependency="ayo"} == 1'],
    ['actors up', 'min by (venue, actor) (venue_recorder_actor_up{venue=~".*"}) == 1'],
    ['HTTP requests', 'venue_recorder_http_requests_total{route="/api/bookings"} > 0'],
    ['CPU', 'venue_recorder_process_cpu_seconds_total > 0'],
  ])('the %s panel returns data', async (_name, expr) => {
    const r = await prom.query(expr);
    expect(r.status).toBe('success');
    expect(r.data!.result.length, expr).toBeGreaterThan(0);
  });

  it('every dashboard panel returns data after the scenario, but for the ones that only show trouble', async () => {
    const QUIET = new Set<string>(QUIET_PANELS);
    const empty: string[] = [];
    for (const { where, exprs } of panels()) {
      let rows = 0;
      for (const expr of exprs) rows += (await prom.query(expr)).data?.result.length ?? 0;
      if (rows === 0 && !QUIET.has(where)) empty.push(where);
    }
    expect(empty).toEqual([]);
  });

  it('loads every alert rule with health ok, and promtool passes the rule file and its unit tests', async () => {
    const rules = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; health: string }[] }[] };
    };
    const all = rules.data.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.name).sort()).toEqual([
      'VenueRecorderActorRestartLoop',
      'VenueRecorderCameraNotRecording',
      'VenueRecorderDeadLetters',
      'VenueRecorderDiskLow',
      'VenueRecorderDown',
      'VenueRecorderQueueStuck',
      'VenueRecorderSyncStale',
    ]);
    for (const r of all) expect(r.health, r.name).toBe('ok');
    const check = spawnSync('promtool', ['check', 'rules', 'grafana/alerts.yml'], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const unit = spawnSync('promtool', ['test', 'rules', 'grafana/alerts.test.yml'], { encoding: 'utf8' });
    expect(unit.status, unit.stdout + unit.stderr).toBe(0);
    expect(unit.stdout).toContain('SUCCESS');
  });
});
