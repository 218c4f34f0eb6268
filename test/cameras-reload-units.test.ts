// The parts of a camera reload on their own: the diff (what a new list touches), the stored secrets an edit keeps,
// the atomic write and the watch (an editor's rename, a file gone for a moment), and the supervisor's run-time
// children (added, replaced and removed while the others run on) with fixture actors.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  diffCameras,
  readCamerasFile,
  watchFile,
  withStoredSecrets,
  writeCamerasFileAtomically,
} from '../src/cameras/index.js';
import { RuntimeSupervisor, type ChildSpec } from '../src/supervisor/index.js';
import { captureLogger, tempDir, waitFor } from './fixtures/helpers.js';

const cam = (name: string, url = 'testsrc', fieldId = 1, enabled = true) => ({ name, fieldId, url, enabled });
const names = (d: ReturnType<typeof diffCameras>) => ({
  start: d.start.map((c) => c.name),
  stop: d.stop.map((c) => c.name),
  restart: d.restart.map((c) => c.name),
  changed: d.changed,
});

describe('what a new camera list touches', () => {
  it('starts added and enabled cameras, stops removed and disabled ones, restarts a changed URL or field only', () => {
    const prev = [cam('A'), cam('B'), cam('C'), cam('D', 'testsrc', 1, false), cam('E'), cam('F')];
    const next = [
      cam('A'),
      cam('C', 'rtsp://10.0.0.3/s'),
      cam('D', 'testsrc', 1, true),
      cam('E', 'testsrc', 2),
      cam('F', 'testsrc', 1, false),
      cam('G'),
    ];
    expect(names(diffCameras(prev, next))).toEqual({
      start: ['D', 'G'],
      stop: ['B', 'F'],
      restart: ['C', 'E'],
      changed: true,
    });
  });

  it('touches no recorder for a disabled camera’s URL or a button number, yet reports the list changed', () => {
    const prev = [cam('A'), cam('D', 'testsrc', 1, false)];
    const next = [{ ...cam('A'), buttonNo: 3 }, cam('D', 'rtsp://10.0.0.4/s', 1, false)];
    expect(names(diffCameras(prev, next))).toEqual({ start: [], stop: [], restart: [], changed: true });
    expect(diffCameras(prev, structuredClone(prev)).changed).toBe(false);
  });
});

describe('an edit keeps the stored secrets it shows as ***', () => {
  const stored = 'rtsp://admin:old%40pw@10.0.0.5/live?token=tok-123&channel=1';
  it('keeps them when the URL shows *** or the password field is blank or ***', () => {
    expect(withStoredSecrets('rtsp://admin:***@10.0.0.5/live?token=***&channel=1', stored, undefined)).toBe(stored);
    expect(withStoredSecrets('rtsp://admin@10.0.0.5/live?token=***&channel=1', stored, '')).toBe(stored);
    expect(withStoredSecrets('rtsp://admin:***@10.0.0.5/live?token=***&channel=1', stored, '***')).toBe(stored);
  });
  it('replaces the password with one typed, and leaves a URL without one alone', () => {
    expect(withStoredSecrets('rtsp://admin:***@10.0.0.5/live?token=***&channel=1', stored, 'n3w pw')).toBe(
      'rtsp://admin:n3w%20pw@10.0.0.5/live?token=tok-123&channel=1',
    );
    expect(withStoredSecrets('rtsp://10.0.0.6/live', stored, undefined)).toBe('rtsp://10.0.0.6/live');
    expect(withStoredSecrets('testsrc', stored, 'x')).toBe('testsrc');
  });
  it('refuses *** where nothing is stored to keep, without quoting a secret', () => {
    expect(() => withStoredSecrets('rtsp://admin:***@10.0.0.5/live', undefined, undefined)).toThrow(
      /rtsp:\/\/admin:\*\*\*@10\.0\.0\.5\/live: no the camera's stored password to keep|no .*stored/,
    );
    expect(() => withStoredSecrets('rtsp://10.0.0.5/live?pwd=***', 'rtsp://10.0.0.5/live', undefined)).toThrow(
      /no stored pwd to keep/,
    );
  });
});

describe('CAMERAS_FILE on disk', () => {
  const tmp = tempDir();
  afterEach(() => fs.rmSync(path.join(tmp.dir, 'w'), { recursive: true, force: true }));

  it('is replaced atomically (no temporary file left, the mode kept) and read by the start-up rules', () => {
    const dir = path.join(tmp.dir, 'w');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'cameras.json');
    writeCamerasFileAtomically(file, JSON.stringify([cam('A')]));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.chmodSync(file, 0o640);
    writeCamerasFileAtomically(file, JSON.stringify([cam('A'), cam('B')]));
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir)).toEqual(['cameras.json']);
    expect(readCamerasFile(file)).toEqual({ ok: true, cameras: [cam('A'), cam('B')] });
    fs.writeFileSync(file, JSON.stringify([cam('A'), cam('A')]));
    expect(readCamerasFile(file)).toEqual({
      ok: false,
      missing: false,
      problems: ['CAMERAS_FILE[1].name A is used twice'],
    });
    fs.rmSync(file);
    expect(readCamerasFile(file)).toMatchObject({ ok: false, missing: true, problems: [/cannot be read \(ENOENT/] });
  });

  it('is watched through its directory: a write, an editor’s rename over it, a delete and re-create are heard', async () => {
    const dir = path.join(tmp.dir, 'w');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'cameras.json');
    fs.writeFileSync(file, '[]');
    let calls = 0;
    const w = watchFile(file, () => calls++, { logger: captureLogger().logger, debounceMs: 100 });
    try {
      fs.writeFileSync(file, '[1]');
      await waitFor(() => calls === 1, 'a write to be heard', 10_000);
      fs.writeFileSync(path.join(dir, '.cameras.json.swp'), '[2]');
      fs.renameSync(path.join(dir, '.cameras.json.swp'), file);
      await waitFor(() => calls === 2, 'a rename over it to be heard', 10_000);
      fs.rmSync(file);
      fs.writeFileSync(file, '[3]');
      // One change or two (the events may come further apart than the debounce on a loaded machine): heard either way.
      await waitFor(() => calls >= 3, 'a delete and re-create to be heard', 10_000);
    } finally {
      w.close();
    }
  });
});

describe('children changed while the supervisor runs', () => {
  const FIXTURE = new URL('./fixtures/actors/fixture.actor.ts', import.meta.url);
  const spec = (id: string, domain: string, data: Record<string, unknown> = {}): ChildSpec => ({
    id,
    entry: FIXTURE,
    domain,
    restart: 'permanent',
    shutdownMs: 2_000,
    heartbeatIntervalMs: 100,
    heartbeatTimeoutMs: 5_000,
    startTimeoutMs: 60_000,
    data,
  });
  let sup: RuntimeSupervisor | undefined;
  afterEach(async () => {
    await sup?.stop();
    sup = undefined;
  });

  it('adds, replaces and removes one child; the others keep their worker', { timeout: 180_000 }, async () => {
    sup = new RuntimeSupervisor({
      children: [spec('a', 'rec'), spec('b', 'rec'), spec('z', 'other')],
      logger: captureLogger().logger,
      backoff: { initialMs: 20, maxMs: 200, jitter: 0 },
    });
    await sup.start();
    const started = (id: string) => sup!.status().find((s) => s.id === id)?.startedAt;
    const a0 = started('a');
    await sup.addChild(spec('c', 'rec'));
    // A new child joins its domain after its last child: stop() ends it before the children started before it.
    expect(sup.status().map((s) => [s.id, s.state])).toEqual([
      ['a', 'running'],
      ['b', 'running'],
      ['c', 'running'],
      ['z', 'running'],
    ]);
    expect(sup.domainStatus().find((d) => d.name === 'rec')?.children).toEqual(['a', 'b', 'c']);
    await expect(sup.addChild(spec('c', 'rec'))).rejects.toThrow(/duplicate child id c/);
    expect(await sup.call('c', { type: 'echo', value: 1 })).toBe(1);

    const b0 = started('b');
    await new Promise((r) => setTimeout(r, 5));
    await sup.replaceChild(spec('b', 'rec', { initDelayMs: 10 }));
    expect(started('b')! > b0!).toBe(true);
    expect(sup.status().find((s) => s.id === 'b')).toMatchObject({ state: 'running', restarts: 0 });
    await expect(sup.replaceChild(spec('b', 'other'))).rejects.toThrow(/cannot change its domain/);

    await sup.removeChild('c');
    expect(sup.status().map((s) => s.id)).toEqual(['a', 'b', 'z']);
    await expect(sup.call('c', { type: 'echo', value: 1 })).rejects.toThrow(/no actor c/);
    expect(started('a')).toBe(a0);
    expect(sup.allPermanentRunning()).toBe(true);

    // A child of a new domain gets the domain with its own budget.
    await sup.addChild(spec('n', 'fresh'));
    expect(sup.domainStatus().map((d) => d.name)).toEqual(['rec', 'other', 'fresh']);
    sup.updateChildData('n', (d) => ({ ...(d as object), stopDelayMs: 1 }));
  });

  it('removes a child whose restart is pending: it is not started again', { timeout: 180_000 }, async () => {
    sup = new RuntimeSupervisor({
      children: [spec('a', 'rec'), spec('b', 'rec')],
      logger: captureLogger().logger,
      backoff: { initialMs: 3_000, maxMs: 3_000, jitter: 0 },
    });
    await sup.start();
    sup.kill('b', 'test');
    await waitFor(() => sup!.status().find((s) => s.id === 'b')?.state === 'restarting', 'b to wait for its restart');
    await sup.removeChild('b');
    await new Promise((r) => setTimeout(r, 3_500));
    expect(sup.status().map((s) => [s.id, s.state])).toEqual([['a', 'running']]);
  });

  it('refuses changes once stopping', { timeout: 120_000 }, async () => {
    sup = new RuntimeSupervisor({ children: [spec('a', 'rec')], logger: captureLogger().logger });
    await sup.start();
    const stopping = sup.stop();
    await expect(sup.addChild(spec('x', 'rec'))).rejects.toThrow(/the supervisor is stopping/);
    await stopping;
  });
});
