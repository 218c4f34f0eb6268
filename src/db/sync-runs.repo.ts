// The record of each booking sync run, newest exposed at GET /api/sync.

import type { Db } from './connection.js';

/** One sync run as recorded. `finishedAt` is null while it runs. */
export interface SyncRunRecord {
  id: number;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  dates: string[];
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  vanished: number;
  failedDates: { date: string; error: string }[];
  error: string | null;
}

interface SyncRunRow {
  id: number;
  trigger: string;
  started_at: string;
  finished_at: string | null;
  dates: string;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  vanished: number;
  failed_dates: string;
  error: string | null;
}

function fromRow(r: SyncRunRow): SyncRunRecord {
  return {
    id: r.id,
    trigger: r.trigger,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    dates: JSON.parse(r.dates) as string[],
    fetched: r.fetched,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    skipped: r.skipped,
    vanished: r.vanished,
    failedDates: JSON.parse(r.failed_dates) as SyncRunRecord['failedDates'],
    error: r.error,
  };
}

/** The repository over `sync_runs`. */
export type SyncRunsRepo = ReturnType<typeof createSyncRunsRepo>;

/** Creates the repository with its statements prepared once. */
export function createSyncRunsRepo(db: Db) {
  const insert = db.prepare('INSERT INTO sync_runs (trigger, started_at, dates) VALUES (?, ?, ?)');
  const finish = db.prepare(`UPDATE sync_runs SET finished_at = @finishedAt, fetched = @fetched, created = @created,
    updated = @updated, unchanged = @unchanged, skipped = @skipped, vanished = @vanished,
    failed_dates = @failedDates, error = @error WHERE id = @id`);
  const latest = db.prepare<[], SyncRunRow>('SELECT * FROM sync_runs ORDER BY id DESC LIMIT 1');
  const latestOk = db.prepare<[], SyncRunRow>(
    "SELECT * FROM sync_runs WHERE finished_at IS NOT NULL AND error IS NULL AND failed_dates = '[]' ORDER BY id DESC LIMIT 1",
  );
  const prune = db.prepare('DELETE FROM sync_runs WHERE started_at < ?');

  return {
    /** Records the start of a run and returns its id. */
    start(trigger: string, startedAt: string, dates: string[]): number {
      return Number(insert.run(trigger, startedAt, JSON.stringify(dates)).lastInsertRowid);
    },
    /** Records the outcome of a run. */
    finish(run: SyncRunRecord): void {
      finish.run({ ...run, failedDates: JSON.stringify(run.failedDates) });
    },
    /** The newest run, finished or not. */
    latest(): SyncRunRecord | undefined {
      const r = latest.get();
      return r && fromRow(r);
    },
    /** The newest run that finished with every date fetched. */
    latestSuccessful(): SyncRunRecord | undefined {
      const r = latestOk.get();
      return r && fromRow(r);
    },
    /** Drops run records older than `before` (ISO). */
    pruneBefore(before: string): number {
      return prune.run(before).changes;
    },
  };
}
