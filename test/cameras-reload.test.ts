// Cameras changed without a restart: a running service with cameras from CAMERAS_FILE takes a new file (written as
// editors do: a temporary file renamed over it), touching only the recorders of the cameras that changed; a bad file
// is refused with the reason while every camera records on. Read from outside: the API, the recording index, logs.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startService, type RunningService } from '../src/service.js';
import { partnerEnv } from './fixtures/env.js';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { fileCameraClip } from './fixtures/file-camera.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const SECRET = 'reloadPW-7731q';
let service: RunningService;
const tmp = tempDir();
const log = captureLogger();
const file = path.join(tmp.dir, 'cams', 'cameras.json');
let clipUrl: string;
let index: Database.Database;
let ayo: FakeAyo;
/** The camera statuses AYO received, in order. */
const statuses = () =>
  ayo.calls
    .filter((c) => c.endpoint === 'update-camera-status')
    .map((c) => `${String(c.params.camera_id)} ${String(c.params.status)}`);

const cam = (name: string, fieldId: number, url = 'testsrc', enabled = true) => ({ name, fieldId, url, enabled });

/** Writes the file as an editor does: a temporary file, renamed over the original. */
function writeAsEditor(text: string): void {
  const t = path.join(path.dirname(file), `.cameras.json.swp-${Date.now()}`);
  fs.writeFileSync(t, text);
  fs.renameSync(t, file);
}

const get = async (p: string) => (await (await fetch(service.url + p)).json()) as any;
const actors = async () =>
  Object.fromEntries(((await get('/api/actors')).data as any[]).map((a) => [a.id, a])) as Record<string, any>;
const segmentsOf = (camera: string) =>
  index.prepare('SELECT start_ms, end_ms, file FROM segments WHERE camera = ? ORDER BY start_ms').all(camera) as {
    start_ms: number;
    end_ms: number;
    file: string;
  }[];
const recording = async (name: string, minSegments = 2) => {
  const c = ((await get('/api/cameras')).data as any[]).find((x) => x.name === name);
  return c?.state === 'recording' && segmentsOf(name).length >= minSegments;
};
/** Waits for the next reload to be reported, newer than `after`. */
const nextReload = (after: string | null, what: string) =>
  waitFor(
    async () => {
      const r = (await get('/api/cameras/config')).data.lastReload;
      return r && r.at !== after ? r : undefined;
    },
    what,
    60_000,
  );

beforeAll(async () => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // A short H.264 file: the camera whose URL changes records it (looped) instead of the synthetic pattern.
  clipUrl = fileCameraClip(tmp.dir, 4);
  fs.writeFileSync(file, JSON.stringify([cam('CAM_A', 50), cam('CAM_B', 51), cam('CAM_C', 52)]));
  ayo = await startFakeAyo(TEST_AYO);
  service = await startService(
    loadConfig({
      ...partnerEnv(ayo),
      BOOKING_SYNC_INTERVAL: '1h',
      AYO_HEALTH_CHECK_INTERVAL: '1h',
      CAMERA_STATUS_INTERVAL: '2s',
      PORT: '0',
      DATA_DIR: path.join(tmp.dir, 'data'),
      SEGMENT_SECONDS: '1',
      MIN_FREE_DISK_MB: '0',
      CAMERAS_FILE: file,
    }),
    log.logger,
  );
  index = new Database(path.join(tmp.dir, 'data', 'venue-recorder.db'), { readonly: true, fileMustExist: true });
  for (const name of ['CAM_A', 'CAM_B', 'CAM_C']) await waitFor(() => recording(name), `${name} to record`, 60_000);
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await ayo?.close();
  index?.close();
  tmp.cleanup();
});

describe('cameras changed without a restart (CAMERAS_FILE)', () => {
  it('adds, removes and restarts only the cameras that changed; the untouched one records on without a gap', async () => {
    const before = await actors();
    const initial = (await get('/api/cameras/config')).data;
    expect(initial).toMatchObject({ source: 'CAMERAS_FILE', file, reloadable: true, editable: true, lastReload: null });
    const changedAt = Date.now();
    writeAsEditor(
      JSON.stringify([
        cam('CAM_A', 50),
        cam('CAM_C', 52, clipUrl),
        cam('CAM_D', 53),
        cam('CAM_E', 54, `rtsp://admin:${SECRET}@127.0.0.1:1/stream`),
      ]),
    );
    const r = await nextReload(null, 'the file change to be applied');
    expect(r).toMatchObject({
      trigger: 'file',
      result: 'applied',
      problems: [],
      started: ['CAM_D', 'CAM_E'],
      stopped: ['CAM_B'],
      restarted: ['CAM_C'],
    });

    // Added: a new recorder records. Changed: CAM_C records from its new URL, in a new worker.
    await waitFor(() => recording('CAM_D'), 'CAM_D to record', 60_000);
    const cUntil = Date.now();
    await waitFor(() => segmentsOf('CAM_C').some((s) => s.start_ms > cUntil), 'CAM_C to record again', 60_000);
    const after = await actors();
    expect(after['recorder:CAM_D'].state).toBe('running');
    expect(after['recorder:CAM_C'].startedAt > before['recorder:CAM_C'].startedAt).toBe(true);

    // Removed: its actor is gone, and its shutdown indexed the segment it was writing: every file it left is in the
    // index, nothing is left half-written, and the last row ends after the change was made.
    expect(after['recorder:CAM_B']).toBeUndefined();
    const bRows = segmentsOf('CAM_B');
    expect(bRows.at(-1)!.end_ms).toBeGreaterThan(changedAt);
    const bDir = path.join(tmp.dir, 'data', 'media', 'recordings', 'CAM_B');
    const onDisk = fs
      .readdirSync(bDir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(path.join(tmp.dir, 'data', 'media', 'recordings'), path.join(e.parentPath, e.name)));
    expect(onDisk.filter((f) => f.includes('.incoming'))).toEqual([]);
    expect(onDisk.sort()).toEqual(bRows.map((s) => s.file).sort());
    expect(((await get('/api/cameras')).data as any[]).map((c) => c.name)).toEqual([
      'CAM_A',
      'CAM_C',
      'CAM_D',
      'CAM_E',
    ]);

    // SyncActor has the new list: AYO hears CAM_B inactive once, then the periodic report names CAM_D and no more CAM_B.
    await waitFor(() => statuses().includes('CAM_B INACTIVE'), 'AYO to hear CAM_B inactive', 60_000);
    const from = statuses().lastIndexOf('CAM_B INACTIVE');
    await waitFor(
      () =>
        statuses()
          .slice(from)
          .filter((x) => x === 'CAM_D ACTIVE').length >= 3,
      'three reports of CAM_D',
      60_000,
    );
    // Three periodic rounds named CAM_D and not CAM_B (at most its recorder's own late stop announcement).
    expect(
      statuses()
        .slice(from + 1)
        .filter((x) => x.startsWith('CAM_B ')).length,
    ).toBeLessThanOrEqual(1);
    expect(statuses().slice(from + 1)).not.toContain('CAM_B ACTIVE');

    // Untouched: the same recorder (never restarted) and an index without a gap across the reload.
    const aUntil = Date.now() + 3_000;
    await waitFor(
      () => segmentsOf('CAM_A').some((s) => s.start_ms > aUntil),
      'CAM_A to record past the reload',
      60_000,
    );
    expect(after['recorder:CAM_A']).toMatchObject({ state: 'running', restarts: 0 });
    expect(after['recorder:CAM_A'].startedAt).toBe(before['recorder:CAM_A'].startedAt);
    const a = segmentsOf('CAM_A').filter((s) => s.end_ms > changedAt - 2_000 && s.start_ms < aUntil);
    expect(a.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < a.length; i++) expect(Math.abs(a[i]!.start_ms - a[i - 1]!.end_ms)).toBeLessThan(1_000);
    // No gap opened or closed from the change on (a gap before it, at the camera's own start, is not the reload's).
    const gaps = index
      .prepare('SELECT COUNT(*) AS n FROM recording_gaps WHERE camera = ? AND (end_ms IS NULL OR end_ms > ?)')
      .get('CAM_A', changedAt) as { n: number };
    expect(gaps.n).toBe(0);
  }, 240_000);

  it('never logs or answers the password of a camera added by a reload', async () => {
    await waitFor(
      () => log.lines.some((l) => l.includes('CAM_E') && l.includes('rtsp://admin:***@127.0.0.1:1/stream')),
      "CAM_E's recorder to log its URL",
      60_000,
    );
    const answers = JSON.stringify([
      await get('/api/cameras'),
      await get('/api/cameras/config'),
      await get('/api/actors'),
    ]);
    expect(answers).not.toContain(SECRET);
    expect(answers).toContain('rtsp://admin:***@127.0.0.1:1/stream');
    expect(log.lines.join('\n')).not.toContain(SECRET);
  });

  it('refuses a bad file with the reason, and every camera keeps recording', async () => {
    const before = await actors();
    const last = (await get('/api/cameras/config')).data.lastReload.at;
    writeAsEditor('[{"name": "CAM_A", "fieldId": 50, "url": "testsrc",');
    const bad = await nextReload(last, 'the invalid JSON to be refused');
    expect(bad).toMatchObject({ trigger: 'file', result: 'refused', started: [], stopped: [], restarted: [] });
    expect(bad.problems).toEqual([expect.stringMatching(/^CAMERAS_FILE is not valid JSON/)]);

    writeAsEditor(JSON.stringify([cam('CAM_A', 50), cam('CAM_A', 51)]));
    const dup = await nextReload(bad.at, 'the duplicate name to be refused');
    expect(dup).toMatchObject({ result: 'refused', problems: ['CAMERAS_FILE[1].name CAM_A is used twice'] });
    expect(log.lines.some((l) => l.includes('🎥 CAMERAS: new camera list refused') && l.includes('used twice'))).toBe(
      true,
    );

    // Nothing was stopped or restarted: the same workers, and each camera's index grows on.
    const after = await actors();
    for (const id of ['recorder:CAM_A', 'recorder:CAM_C', 'recorder:CAM_D'])
      expect([id, after[id].startedAt, after[id].state]).toEqual([id, before[id].startedAt, 'running']);
    const t = Date.now();
    for (const name of ['CAM_A', 'CAM_C', 'CAM_D'])
      await waitFor(() => segmentsOf(name).some((s) => s.end_ms > t), `${name} to record on`, 60_000);
    expect(((await get('/api/cameras')).data as any[]).map((c) => c.name)).toEqual([
      'CAM_A',
      'CAM_C',
      'CAM_D',
      'CAM_E',
    ]);
  }, 180_000);

  it('disables a camera (its recorder stops, the camera stays listed) and the file missing for a moment is no change', async () => {
    const last = (await get('/api/cameras/config')).data.lastReload.at;
    fs.rmSync(file);
    writeAsEditor(
      JSON.stringify([
        cam('CAM_A', 50),
        cam('CAM_C', 52, clipUrl),
        cam('CAM_D', 53, 'testsrc', false),
        cam('CAM_E', 54, `rtsp://admin:${SECRET}@127.0.0.1:1/stream`),
      ]),
    );
    const r = await nextReload(last, 'the disable to be applied');
    expect(r).toMatchObject({ result: 'applied', started: [], stopped: ['CAM_D'], restarted: [] });
    expect((await actors())['recorder:CAM_D']).toBeUndefined();
    const d = ((await get('/api/cameras')).data as any[]).find((c) => c.name === 'CAM_D');
    expect(d).toMatchObject({ enabled: false, state: 'disabled' });
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toContain('venue_recorder_camera_state{camera="CAM_D",state="disabled"} 1');
    // A removed camera's state and age are gone (its counters keep their history).
    expect(metrics).not.toMatch(/venue_recorder_camera_(state|recording|last_segment_age_seconds)\{camera="CAM_B"/);
    expect(metrics).not.toContain('venue_recorder_actor_up{actor="recorder:CAM_B"}');
    expect(metrics).not.toContain('venue_recorder_actor_up{actor="recorder:CAM_D"}');
    expect(metrics).toContain('venue_recorder_actor_up{actor="recorder:CAM_A"} 1');
  }, 120_000);
});
