// Opens the SQLite database: WAL, a short busy timeout, migrations applied. One connection per thread.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { guardNativeCalls } from './native-guard.js';
import { hasTerminationGate } from '../util/termination-gate.js';

/** A better-sqlite3 connection. */
export type Db = Database.Database;

/**
 * How long one statement waits for a lock another connection holds before it fails with SQLITE_BUSY. Short on
 * purpose: the wait blocks the thread (no heartbeats, no other work), and a worker terminated while blocked in it
 * would abort the whole process (better-sqlite3 throws into a terminating isolate: WiseLibs/better-sqlite3#842; an
 * actor's owner now waits for such a call to return before it terminates, see native-guard.ts). Longer waits happen in
 * JavaScript with backoff (`retryWhileBusy`), where the thread stays responsive.
 */
const BUSY_TIMEOUT_MS = 1_000;

/** Opens (creating if needed) the database at `file` and brings its schema up to date. */
export function openDatabase(file: string, options: { busyTimeoutMs?: number } = {}): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    // An actor's thread: its owner must not terminate it inside a call that may throw (see native-guard.ts).
    if (hasTerminationGate()) guardNativeCalls(db);
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? BUSY_TIMEOUT_MS}`);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
