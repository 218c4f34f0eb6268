// Opens the SQLite database: WAL, a busy timeout, migrations applied. One connection per thread.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';

/** A better-sqlite3 connection. */
export type Db = Database.Database;

/** Opens (creating if needed) the database at `file` and brings its schema up to date. */
export function openDatabase(file: string, options: { busyTimeoutMs?: number } = {}): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
