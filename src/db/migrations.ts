// Numbered schema migrations. Pending ones are applied in a single transaction, tracked by PRAGMA user_version.

import type { Database } from 'better-sqlite3';

/** One schema step; `version` numbers are consecutive from 1 and never reused. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration of the service, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'bookings table and indexes, as the seed specifies',
    sql: `
      CREATE TABLE bookings (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          booking_id TEXT NOT NULL UNIQUE,
          order_detail_id INTEGER,
          field_id INTEGER,
          date TEXT,
          start_time TEXT,
          end_time TEXT,
          status TEXT,
          field_name TEXT,
          user_name TEXT,
          user_phone TEXT,
          created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
          updated_at DATETIME DEFAULT CURRENT_TIMESTAMP,
          raw_json TEXT,
          last_sync_at DATETIME DEFAULT CURRENT_TIMESTAMP
      );
      CREATE INDEX idx_bookings_booking_id ON bookings (booking_id);
      CREATE INDEX idx_bookings_date ON bookings (date);
      CREATE INDEX idx_bookings_status ON bookings (status);
      CREATE INDEX idx_bookings_field_id ON bookings (field_id);
    `,
  },
  {
    version: 2,
    name: 'booking extras (source, UTC window, vanished flag) and the sync run log',
    sql: `
      ALTER TABLE bookings ADD COLUMN booking_source TEXT;
      ALTER TABLE bookings ADD COLUMN start_at TEXT;
      ALTER TABLE bookings ADD COLUMN end_at TEXT;
      ALTER TABLE bookings ADD COLUMN vanished_at TEXT;
      CREATE INDEX idx_bookings_end_at ON bookings (end_at);
      CREATE TABLE sync_runs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          trigger TEXT NOT NULL,
          started_at TEXT NOT NULL,
          finished_at TEXT,
          dates TEXT NOT NULL,
          fetched INTEGER NOT NULL DEFAULT 0,
          created INTEGER NOT NULL DEFAULT 0,
          updated INTEGER NOT NULL DEFAULT 0,
          unchanged INTEGER NOT NULL DEFAULT 0,
          skipped INTEGER NOT NULL DEFAULT 0,
          vanished INTEGER NOT NULL DEFAULT 0,
          failed_dates TEXT NOT NULL DEFAULT '[]',
          error TEXT
      );
    `,
  },
  {
    version: 3,
    name: 'recording index: segments and gaps',
    sql: `
      CREATE TABLE segments (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          camera TEXT NOT NULL,
          file TEXT NOT NULL UNIQUE,
          start_ms INTEGER NOT NULL,
          end_ms INTEGER NOT NULL,
          duration_ms INTEGER NOT NULL,
          size_bytes INTEGER NOT NULL,
          valid INTEGER NOT NULL DEFAULT 1,
          created_at TEXT NOT NULL
      );
      CREATE INDEX idx_segments_camera_start ON segments (camera, start_ms);
      CREATE INDEX idx_segments_camera_end ON segments (camera, end_ms);
      CREATE TABLE recording_gaps (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          camera TEXT NOT NULL,
          start_ms INTEGER NOT NULL,
          end_ms INTEGER,
          reason TEXT NOT NULL,
          created_at TEXT NOT NULL
      );
      CREATE INDEX idx_recording_gaps_camera ON recording_gaps (camera, start_ms);
    `,
  },
  {
    version: 4,
    name: 'videos, their history, and the durable job queue',
    sql: `
      CREATE TABLE videos (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          unique_id TEXT NOT NULL UNIQUE,
          booking_id TEXT NOT NULL,
          camera TEXT NOT NULL,
          field_id INTEGER,
          type TEXT NOT NULL,
          status TEXT NOT NULL,
          reason TEXT,
          window_start_ms INTEGER NOT NULL,
          window_end_ms INTEGER NOT NULL,
          coverage REAL,
          covered TEXT,
          missing TEXT,
          duration_sec REAL,
          size_bytes INTEGER,
          file TEXT,
          preview_file TEXT,
          thumbnail_file TEXT,
          mp4_url TEXT,
          preview_url TEXT,
          thumbnail_url TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
      );
      CREATE INDEX idx_videos_booking ON videos (booking_id, camera);
      CREATE INDEX idx_videos_status ON videos (status);
      CREATE TABLE video_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
          at TEXT NOT NULL,
          status TEXT NOT NULL,
          reason TEXT
      );
      CREATE INDEX idx_video_events_video ON video_events (video_id);
      CREATE TABLE jobs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          kind TEXT NOT NULL,
          payload TEXT NOT NULL,
          group_key TEXT,
          status TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          max_attempts INTEGER NOT NULL,
          run_at_ms INTEGER NOT NULL,
          lease_until_ms INTEGER,
          lease_owner TEXT,
          dedupe_key TEXT NOT NULL UNIQUE,
          last_error TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
      );
      CREATE INDEX idx_jobs_claim ON jobs (kind, status, run_at_ms);
    `,
  },
  {
    version: 5,
    name: "why a job waits, and after which dependency's failure (the queue lists it; a recovery brings it forward)",
    sql: `
      ALTER TABLE jobs ADD COLUMN wait_reason TEXT;
      ALTER TABLE jobs ADD COLUMN wait_dependency TEXT;
      ALTER TABLE jobs ADD COLUMN failure_class TEXT;
      ALTER TABLE jobs ADD COLUMN waiting_since_ms INTEGER;
      ALTER TABLE jobs ADD COLUMN forwarded_from_ms INTEGER;
      ALTER TABLE jobs ADD COLUMN wait_note TEXT;
    `,
  },
  {
    version: 6,
    name: 'recording disks: the directory of each segment, and the health of each recording disk',
    sql: `
      ALTER TABLE segments ADD COLUMN dir TEXT;
      CREATE INDEX idx_segments_dir ON segments (dir, camera, start_ms);
      CREATE TABLE recording_disks (
          dir TEXT PRIMARY KEY,
          position INTEGER NOT NULL,
          up INTEGER NOT NULL DEFAULT 1,
          reason TEXT,
          free_bytes INTEGER,
          total_bytes INTEGER,
          low INTEGER NOT NULL DEFAULT 0,
          dev TEXT,
          checked_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: "operators' exports of any window of one camera (cut by the export job kind; never announced to AYO)",
    sql: `
      CREATE TABLE exports (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          camera TEXT NOT NULL,
          from_ms INTEGER NOT NULL,
          to_ms INTEGER NOT NULL,
          state TEXT NOT NULL,
          coverage REAL,
          covered TEXT,
          missing TEXT,
          file TEXT,
          size_bytes INTEGER,
          duration_sec REAL,
          error TEXT,
          expires_at_ms INTEGER NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
      );
      CREATE INDEX idx_exports_expiry ON exports (state, expires_at_ms);
    `,
  },
  {
    version: 8,
    name: 'which objects of a video are in the object store (the full MP4 goes up after its announcement, or never)',
    sql: `
      ALTER TABLE videos ADD COLUMN stored_objects TEXT NOT NULL DEFAULT '';
      UPDATE videos SET stored_objects = 'mp4,preview,thumbnail' WHERE mp4_url IS NOT NULL;
    `,
  },
  {
    version: 9,
    name: 'recording usage per camera, disk and quarter hour, kept by triggers (GET /api/storage reads it, not every segment)',
    sql: `
      CREATE TABLE recording_usage (
          camera TEXT NOT NULL,
          dir TEXT NOT NULL,
          bucket INTEGER NOT NULL,
          segments INTEGER NOT NULL,
          bytes INTEGER NOT NULL,
          ms INTEGER NOT NULL,
          PRIMARY KEY (camera, dir, bucket)
      ) WITHOUT ROWID;
      INSERT INTO recording_usage (camera, dir, bucket, segments, bytes, ms)
        SELECT camera, COALESCE(dir, ''), start_ms / 900000, COUNT(*), SUM(size_bytes), SUM(duration_ms)
        FROM segments GROUP BY 1, 2, 3;
      CREATE TRIGGER segments_usage_insert AFTER INSERT ON segments BEGIN
        INSERT INTO recording_usage (camera, dir, bucket, segments, bytes, ms)
          VALUES (NEW.camera, COALESCE(NEW.dir, ''), NEW.start_ms / 900000, 1, NEW.size_bytes, NEW.duration_ms)
          ON CONFLICT (camera, dir, bucket) DO UPDATE SET segments = segments + 1, bytes = bytes + excluded.bytes,
            ms = ms + excluded.ms;
      END;
      CREATE TRIGGER segments_usage_delete AFTER DELETE ON segments BEGIN
        UPDATE recording_usage SET segments = segments - 1, bytes = bytes - OLD.size_bytes, ms = ms - OLD.duration_ms
          WHERE camera = OLD.camera AND dir = COALESCE(OLD.dir, '') AND bucket = OLD.start_ms / 900000;
        DELETE FROM recording_usage
          WHERE camera = OLD.camera AND dir = COALESCE(OLD.dir, '') AND bucket = OLD.start_ms / 900000 AND segments <= 0;
      END;
      CREATE TRIGGER segments_usage_update AFTER UPDATE OF camera, dir, start_ms, size_bytes, duration_ms ON segments BEGIN
        UPDATE recording_usage SET segments = segments - 1, bytes = bytes - OLD.size_bytes, ms = ms - OLD.duration_ms
          WHERE camera = OLD.camera AND dir = COALESCE(OLD.dir, '') AND bucket = OLD.start_ms / 900000;
        DELETE FROM recording_usage
          WHERE camera = OLD.camera AND dir = COALESCE(OLD.dir, '') AND bucket = OLD.start_ms / 900000 AND segments <= 0;
        INSERT INTO recording_usage (camera, dir, bucket, segments, bytes, ms)
          VALUES (NEW.camera, COALESCE(NEW.dir, ''), NEW.start_ms / 900000, 1, NEW.size_bytes, NEW.duration_ms)
          ON CONFLICT (camera, dir, bucket) DO UPDATE SET segments = segments + 1, bytes = bytes + excluded.bytes,
            ms = ms + excluded.ms;
      END;
    `,
  },
  {
    version: 10,
    name: "AYO's purchase requests (video-requests): one row per video_request_id, with its history",
    sql: `
      CREATE TABLE purchases (
          video_request_id TEXT PRIMARY KEY,
          unique_id TEXT NOT NULL,
          booking_id TEXT,
          user_id TEXT,
          state TEXT NOT NULL,
          reason TEXT,
          raw_json TEXT NOT NULL,
          video TEXT,
          seen_at_ms INTEGER NOT NULL,
          delivered_at_ms INTEGER,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
      );
      CREATE INDEX idx_purchases_unique ON purchases (unique_id);
      CREATE INDEX idx_purchases_state ON purchases (state);
      CREATE TABLE purchase_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          video_request_id TEXT NOT NULL REFERENCES purchases (video_request_id) ON DELETE CASCADE,
          at TEXT NOT NULL,
          state TEXT NOT NULL,
          reason TEXT
      );
      CREATE INDEX idx_purchase_events_request ON purchase_events (video_request_id);
    `,
  },
  {
    version: 11,
    name: 'id lists reported to AYO (video-unavailable, video-request-invalid, video-request-incompleted), in batches of at most 10',
    sql: `
      CREATE TABLE id_report_batches (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          endpoint TEXT NOT NULL,
          sealed INTEGER NOT NULL DEFAULT 0,
          reported_at_ms INTEGER,
          created_at_ms INTEGER NOT NULL
      );
      CREATE TABLE id_reports (
          endpoint TEXT NOT NULL,
          id TEXT NOT NULL,
          batch_id INTEGER NOT NULL REFERENCES id_report_batches (id),
          queued_at_ms INTEGER NOT NULL,
          PRIMARY KEY (endpoint, id)
      ) WITHOUT ROWID;
      CREATE INDEX idx_id_reports_batch ON id_reports (batch_id);
      CREATE INDEX idx_id_report_batches_open ON id_report_batches (endpoint, sealed);
    `,
  },
  {
    version: 12,
    name: "the bucket's lifecycle: when a video's objects last went up, and when and why they were deleted",
    sql: `
      ALTER TABLE videos ADD COLUMN bucket_uploaded_at_ms INTEGER;
      ALTER TABLE videos ADD COLUMN bucket_deleted_at_ms INTEGER;
      ALTER TABLE videos ADD COLUMN bucket_deleted_reason TEXT;
      UPDATE videos SET bucket_uploaded_at_ms = CAST(strftime('%s', updated_at) AS INTEGER) * 1000
        WHERE stored_objects != '';
      CREATE INDEX idx_videos_bucket_uploaded ON videos (bucket_uploaded_at_ms) WHERE bucket_uploaded_at_ms IS NOT NULL;
    `,
  },
];

/** Applies every migration newer than the database's version, all in one transaction. Returns the versions applied. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > latest) {
    throw new Error(`database schema version ${current} is newer than this build knows (${latest}); refusing to run`);
  }
  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return [];
  db.transaction(() => {
    for (const m of pending) db.exec(m.sql);
    db.pragma(`user_version = ${pending[pending.length - 1]!.version}`);
  }).immediate();
  return pending.map((m) => m.version);
}
