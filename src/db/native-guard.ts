// Every better-sqlite3 call that can block in SQLite or throw a SQLite error runs as a guarded call of this thread's
// termination gate (util/termination-gate.ts), so an actor's owner never terminates the thread inside one. Patched once
// per thread on the prototypes, which are per thread (each worker loads its own copy of the module): statements'
// run/get/all/iterate and their iterators' next, and the connection's prepare/exec. On a thread without a gate (the
// main thread) a guarded call is one counter increment.

import Database from 'better-sqlite3';
import { guarded } from '../util/termination-gate.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

const patched = new WeakSet<object>();

function guardMethods(proto: object, names: readonly string[]): void {
  if (patched.has(proto)) return;
  patched.add(proto);
  for (const name of names) {
    const original = (proto as Record<string, unknown>)[name];
    if (typeof original !== 'function') continue;
    const native = original as Method;
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value: function guardedMethod(this: unknown, ...args: unknown[]) {
        return guarded(() => native.apply(this, args));
      },
    });
  }
}

/** Guards this thread's better-sqlite3 calls (idempotent). `db` gives the native prototypes of its statements. */
export function guardNativeCalls(db: Database.Database): void {
  guardMethods(Database.prototype, ['prepare', 'exec']);
  const probe = db.prepare('SELECT 1 WHERE 0');
  guardMethods(Object.getPrototypeOf(probe) as object, ['run', 'get', 'all', 'iterate']);
  const rows = probe.iterate();
  guardMethods(Object.getPrototypeOf(rows) as object, ['next', 'return']);
  rows.return?.();
}
