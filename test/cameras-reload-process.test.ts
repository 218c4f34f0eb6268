// SIGHUP on the real process (forked): CAMERAS_FILE is read again and only what changed is touched; a bad file is
// refused with the reason and the process records on; without CAMERAS_FILE, SIGHUP says why it cannot reload and the
// process neither exits nor stops recording.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from './fixtures/helpers.js';
import { spawnService, type ServiceProcess } from './fixtures/service-process.js';

const tmp = tempDir();
const running: ServiceProcess[] = [];
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  tmp.cleanup();
});

const cam = (name: string, fieldId: number, enabled = true) => ({ name, fieldId, url: 'testsrc', enabled });
const json = async (url: string) => (await (await fetch(url)).json()) as any;
const recorders = async (base: string) =>
  ((await json(`${base}/api/actors`)).data as any[]).filter((a) => a.id.startsWith('recorder:'));

describe('SIGHUP reloads the cameras of the running process', () => {
  it(
    'applies a changed CAMERAS_FILE, refuses a bad one with the reason, and exits 0 on SIGTERM',
    {
      timeout: 240_000,
    },
    async () => {
      const file = path.join(tmp.dir, 'cameras.json');
      fs.writeFileSync(file, JSON.stringify([cam('CAM_A', 50), cam('CAM_B', 51)]));
      const p = spawnService({
        DATA_DIR: path.join(tmp.dir, 'a'),
        PORT: '0',
        SEGMENT_SECONDS: '1',
        MIN_FREE_DISK_MB: '0',
        CAMERAS_FILE: file,
      });
      running.push(p);
      const base = await p.url();
      await waitFor(
        async () => (await recorders(base)).filter((a) => a.state === 'running').length === 2,
        'two recorders',
        120_000,
        200,
      );
      const a = (await recorders(base)).find((r) => r.id === 'recorder:CAM_A');

      // The file is changed in place (same inode: a plain write), then SIGHUP.
      fs.writeFileSync(file, JSON.stringify([cam('CAM_A', 50), cam('CAM_B', 51, false), cam('CAM_C', 52)]));
      p.child.kill('SIGHUP');
      // The watcher may hear the write before the signal: either way one reload applies exactly this change (logged),
      // and the signal is answered (by that reload, or by one that finds the new list already running).
      const applied = await waitFor(
        () => p.out.find((l) => l.includes('🎥 CAMERAS: reloaded (') && l.includes('started CAM_C; stopped CAM_B')),
        'the reload to be applied',
        60_000,
        200,
      );
      expect(applied).toMatch(/reloaded \((SIGHUP|file changed)\): 3 camera\(s\); started CAM_C; stopped CAM_B$/);
      await waitFor(
        () => p.out.some((l) => l.includes('🎥 CAMERAS: reloaded (SIGHUP)')),
        'SIGHUP to be answered',
        30_000,
      );
      await waitFor(
        async () => {
          const ids = (await recorders(base)).filter((r) => r.state === 'running').map((r) => r.id);
          return ids.join() === 'recorder:CAM_A,recorder:CAM_C';
        },
        'CAM_C running, CAM_B stopped',
        60_000,
        200,
      );
      expect((await recorders(base)).find((r) => r.id === 'recorder:CAM_A')).toMatchObject({
        startedAt: a.startedAt,
        restarts: 0,
      });

      // A bad file: SIGHUP refuses it with the reason, the cameras record on.
      fs.writeFileSync(file, '{"not": "a list"}');
      p.child.kill('SIGHUP');
      await waitFor(
        () =>
          p.out.some((l) =>
            /🎥 CAMERAS: new camera list refused \((SIGHUP|file changed)\): CAMERAS_FILE must be a JSON array of cameras; the running cameras keep running/.test(
              l,
            ),
          ),
        'the refusal to be logged',
        60_000,
        200,
      );
      const refused = (await json(`${base}/api/cameras/config`)).data.lastReload;
      expect(refused).toMatchObject({ result: 'refused', problems: ['CAMERAS_FILE must be a JSON array of cameras'] });
      const t = Date.now();
      await waitFor(
        async () =>
          ((await json(`${base}/api/cameras`)).data as any[]).filter(
            (c) => c.lastSegmentEndAt && Date.parse(c.lastSegmentEndAt) > t,
          ).length === 2,
        'CAM_A and CAM_C to record on',
        60_000,
        200,
      );
      expect(p.child.exitCode).toBeNull();
      p.child.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
    },
  );

  it('says why it cannot reload without CAMERAS_FILE, and records on', { timeout: 120_000 }, async () => {
    const p = spawnService({
      DATA_DIR: path.join(tmp.dir, 'b'),
      PORT: '0',
      SEGMENT_SECONDS: '1',
      MIN_FREE_DISK_MB: '0',
      CAMERAS: JSON.stringify([cam('ENV_CAM', 50)]),
    });
    running.push(p);
    const base = await p.url();
    await waitFor(async () => (await recorders(base))[0]?.state === 'running', 'the recorder', 60_000, 200);
    p.child.kill('SIGHUP');
    await waitFor(
      () =>
        p.out.some((l) =>
          l.includes(
            '🎥 CAMERAS: SIGHUP, but cannot reload the cameras: the cameras come from the CAMERAS variable: set CAMERAS_FILE instead',
          ),
        ),
      'the reason to be logged',
      30_000,
      200,
    );
    const t = Date.now();
    await waitFor(
      async () => Date.parse((await json(`${base}/api/cameras`)).data[0].lastSegmentEndAt ?? '0') > t,
      'ENV_CAM to record on',
      60_000,
      200,
    );
    expect(p.child.exitCode).toBeNull();
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });
});
