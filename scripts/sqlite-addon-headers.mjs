// better-sqlite3 12 on Node 24.19 and later (nodejs/node#65446, WiseLibs/better-sqlite3#1515).
//
// Node 24.19's `node_object_wrap.h` gives every `node::ObjectWrap` an environment cleanup hook, added in its
// constructor and removed in its destructor through `v8::Isolate::GetCurrent()`. better-sqlite3 12's Statement is an
// ObjectWrap that V8's garbage collector destroys; in a worker thread there is no current environment then, and the
// process aborts (`Assertion failed: (env) != nullptr`). Every actor of this service holds statements in a worker.
// better-sqlite3 13 (Node-API) fixes it but needs Node 22, and the service still runs on Node 20.
//
// The header is inline (nothing of it is in the node binary), so an addon compiled against a copy of the headers
// whose ObjectWrap neither adds nor removes the hook is the addon Node 24.18 built, and it runs on 24.19+ (the
// node-versions test checks it in CI). This script makes that copy, next to nothing: every header is a symbolic link
// to the real one, except `node_object_wrap.h`, written without the two calls. Nothing is downloaded.
//
//   node scripts/sqlite-addon-headers.mjs            npm's postinstall: on an affected Node, rebuild better-sqlite3
//                                                    against the patched copy and check that it no longer aborts
//   node scripts/sqlite-addon-headers.mjs DIR        print the node-gyp `nodedir` to build with for the headers in DIR
//                                                    (DIR itself, or the patched copy when DIR is affected): .ci uses it
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HEADER = 'node_object_wrap.h';
const CALLS = [/^\s*AddCleanupHook\(\);\s*$/m, /^\s*RemoveCleanupHook\(\);\s*$/m];

const say = (/** @type {string} */ line) => process.stderr.write(`venue-recorder: ${line}\n`);

/** The Node version a header folder declares, e.g. `24.22.3`, or null when it is not one. @param {string} nodedir */
function headersVersion(nodedir) {
  try {
    const h = fs.readFileSync(path.join(nodedir, 'include/node/node_version.h'), 'utf8');
    const part = (name) => /** @type {RegExpMatchArray} */ (h.match(new RegExp(`#define ${name} (\\d+)`)))[1];
    return `${part('NODE_MAJOR_VERSION')}.${part('NODE_MINOR_VERSION')}.${part('NODE_PATCH_VERSION')}`;
  } catch {
    return null;
  }
}

/** Whether the ObjectWrap in these headers registers the cleanup hook. @param {string} nodedir */
function affected(nodedir) {
  const text = fs.readFileSync(path.join(nodedir, 'include/node', HEADER), 'utf8');
  return CALLS.some((call) => call.test(text));
}

/** The patched copy of `nodedir`'s headers (made once per Node version), as a node-gyp nodedir. @param {string} nodedir */
function patchedCopy(nodedir) {
  const version = headersVersion(nodedir) ?? 'unknown';
  const out = path.join(ROOT, 'node_modules/.cache/venue-recorder-node-headers', version);
  const from = path.join(path.resolve(nodedir), 'include/node');
  const to = path.join(out, 'include/node');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from)) {
    if (entry !== HEADER) fs.symlinkSync(path.join(from, entry), path.join(to, entry));
  }
  let text = fs.readFileSync(path.join(from, HEADER), 'utf8');
  for (const call of CALLS)
    text = text.replace(call, '    // (cleanup hook call removed: scripts/sqlite-addon-headers.mjs)');
  fs.writeFileSync(path.join(to, HEADER), text);
  if (affected(out)) throw new Error(`could not remove the cleanup hook calls from ${path.join(from, HEADER)}`);
  return out;
}

/** Where node-gyp finds the running Node's headers: its configured nodedir, its download cache, the install prefix. */
function runningHeaders() {
  const version = process.versions.node;
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const candidates = [
    process.env.npm_package_config_node_gyp_nodedir,
    process.env.npm_config_nodedir,
    path.join(cache, 'node-gyp', version),
    path.resolve(path.dirname(fs.realpathSync(process.execPath)), '..'),
  ].filter(Boolean);
  return candidates.find((dir) => headersVersion(dir) === version) ?? null;
}

/** Five workers each let thousands of statements be collected: the abort this script prevents, or nothing. */
function survivesWorkerGc() {
  const addon = JSON.stringify(path.join(ROOT, 'node_modules/better-sqlite3'));
  const worker = `const D = require(${addon}); const db = new D(':memory:');
    for (let i = 0; i < 5000; i++) db.prepare('select ' + i).get(); globalThis.gc(); db.close();`;
  const main = `const { Worker } = require('node:worker_threads'); let n = 0;
    const next = (c) => { if (c) process.exit(3); if (n++ === 5) return; new Worker(${JSON.stringify(worker)}, { eval: true }).on('exit', next); };
    next(0);`;
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', main], { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0 && r.signal === null;
}

function postinstall() {
  if (!fs.existsSync(path.join(ROOT, 'node_modules/better-sqlite3/package.json'))) return;
  const headers = runningHeaders();
  if (!headers) {
    // Not knowing is not a reason to fail the install; a build that aborts would be, so test the one installed.
    if (!survivesWorkerGc()) {
      say(`Node ${process.version}: better-sqlite3 aborts when a worker collects a statement (nodejs/node#65446),`);
      say('and the headers it was built with were not found to patch. See README, "Supported Node versions".');
      process.exitCode = 1;
    }
    return;
  }
  if (!affected(headers)) return;
  const nodedir = patchedCopy(headers);
  say(`Node ${process.version}: rebuilding better-sqlite3 against ${nodedir} (ObjectWrap without the cleanup hook)`);
  const r = spawnSync('npm', ['rebuild', 'better-sqlite3', '--foreground-scripts'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_package_config_node_gyp_nodedir: nodedir },
  });
  if (r.status !== 0) {
    say('rebuilding better-sqlite3 failed (see above)');
    process.exitCode = 1;
  } else if (!survivesWorkerGc()) {
    say('the rebuilt better-sqlite3 still aborts when a worker collects a statement');
    process.exitCode = 1;
  } else {
    say('better-sqlite3 rebuilt; statements collected in worker threads no longer abort');
  }
}

const dir = process.argv[2];
if (dir) {
  if (!headersVersion(dir)) {
    say(`${dir} holds no Node headers (include/node/node_version.h)`);
    process.exit(2);
  }
  process.stdout.write(`${affected(dir) ? patchedCopy(dir) : path.resolve(dir)}\n`);
} else {
  postinstall();
}
