// Operators' exports: any window of one camera, cut by the `export` job kind into one MP4. Not videos: they have no
// booking, no lifecycle and are never announced to AYO; they expire with the recording retention.

import type { Db } from './connection.js';

/**
 * The states of an export.
 * - queued: waiting for its cut (its footage not recorded yet, a retry after a failed attempt, a restart).
 * - cutting: its cut runs now (a crash leaves it here until its job runs again).
 * - done: the MP4 is on disk (`file`), with its coverage.
 * - failed: no footage in the window, or out of attempts (`error`).
 * - expired: past the recording retention; its file is gone.
 */
export const EXPORT_STATES = ['queued', 'cutting', 'done', 'failed', 'expired'] as const;

/** A state of an export. */
export type ExportState = (typeof EXPORT_STATES)[number];

/** A missing stretch of an export's window and why it is missing. */
export interface MissingStretch {
  startMs: number;
  endMs: number;
  reason: string;
}

/** An export as stored; `covered` and `missing` are JSON (`[[startMs, endMs]]` and {@link MissingStretch}[]). */
export interface ExportRow {
  id: number;
  camera: string;
  from_ms: number;
  to_ms: number;
  state: ExportState;
  coverage: number | null;
  covered: string | null;
  missing: string | null;
  file: string | null;
  size_bytes: number | null;
  duration_sec: number | null;
  error: string | null;
  expires_at_ms: number;
  created_at: string;
  updated_at: string;
}

/** What a finished cut wrote. */
export interface ExportResult {
  coverage: number;
  covered: readonly (readonly [number, number])[];
  missing: readonly MissingStretch[];
  file: string;
  sizeBytes: number;
  durationSec: number;
}

/** The repository over `exports`. */
export type ExportsRepo = ReturnType<typeof createExportsRepo>;

/** Creates the repository with its statements prepared once. */
export function createExportsRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO exports (camera, from_ms, to_ms, state, expires_at_ms, created_at, updated_at)
    VALUES (@camera, @from_ms, @to_ms, 'queued', @expires_at_ms, @now, @now)`);
  const byId = db.prepare<[number], ExportRow>('SELECT * FROM exports WHERE id = ?');
  const recent = db.prepare<[number], ExportRow>('SELECT * FROM exports ORDER BY id DESC LIMIT ?');
  const setState = db.prepare(`UPDATE exports SET state = @state, error = @error, updated_at = @now
    WHERE id = @id AND state NOT IN ('done', 'expired')`);
  const setDone = db.prepare(`UPDATE exports SET state = 'done', error = NULL, coverage = @coverage, covered = @covered,
    missing = @missing, file = @file, size_bytes = @size_bytes, duration_sec = @duration_sec, updated_at = @now
    WHERE id = @id AND state NOT IN ('done', 'expired')`);
  const setFailed = db.prepare(`UPDATE exports SET state = 'failed', error = @error, coverage = @coverage,
    missing = @missing, updated_at = @now WHERE id = @id AND state NOT IN ('done', 'expired')`);
  const due = db.prepare<[number], ExportRow>(
    "SELECT * FROM exports WHERE state != 'expired' AND expires_at_ms <= ? ORDER BY id",
  );
  const expire = db.prepare("UPDATE exports SET state = 'expired', updated_at = ? WHERE id = ? AND state != 'expired'");
  const iso = (ms: number) => new Date(ms).toISOString();

  return {
    /** Adds a queued export; returns it. */
    create(e: { camera: string; fromMs: number; toMs: number; expiresAtMs: number }, nowMs: number): ExportRow {
      const id = Number(
        insert.run({
          camera: e.camera,
          from_ms: e.fromMs,
          to_ms: e.toMs,
          expires_at_ms: e.expiresAtMs,
          now: iso(nowMs),
        }).lastInsertRowid,
      );
      return byId.get(id)!;
    },
    get(id: number): ExportRow | undefined {
      return byId.get(id);
    },
    /** The newest `limit` exports, newest first. */
    recent(limit: number): ExportRow[] {
      return recent.all(limit);
    },
    /** Moves an unfinished export to `queued` or `cutting` (with the last attempt's error, if any); false if finished. */
    mark(id: number, state: 'queued' | 'cutting', error: string | null, nowMs: number): boolean {
      return setState.run({ id, state, error, now: iso(nowMs) }).changes > 0;
    },
    /** Records the finished cut; false when the export was finished meanwhile (expired). */
    done(id: number, r: ExportResult, nowMs: number): boolean {
      return (
        setDone.run({
          id,
          coverage: r.coverage,
          covered: JSON.stringify(r.covered),
          missing: JSON.stringify(r.missing),
          file: r.file,
          size_bytes: r.sizeBytes,
          duration_sec: r.durationSec,
          now: iso(nowMs),
        }).changes > 0
      );
    },
    /** The export will not be cut: why, and what of the window is missing (all of it for "no footage"). */
    failed(id: number, error: string, missing: readonly MissingStretch[] | null, nowMs: number): boolean {
      return (
        setFailed.run({
          id,
          error,
          coverage: missing ? 0 : null,
          missing: missing ? JSON.stringify(missing) : null,
          now: iso(nowMs),
        }).changes > 0
      );
    },
    /** Exports past their expiry (any state but expired). */
    expiredBy(nowMs: number): ExportRow[] {
      return due.all(nowMs);
    },
    /** Marks an export expired (its file is deleted by the caller once this is committed). */
    expire(id: number, nowMs: number): boolean {
      return expire.run(iso(nowMs), id).changes > 0;
    },
  };
}
