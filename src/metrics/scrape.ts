// Metrics read at scrape time from the database and the file system (their truth lives there, not in events).

import { BOOKING_STATUSES, VIDEO_STATUSES, type Db } from '../db/index.js';
import { freeDiskBytes } from '../recording/retention.js';
import type { Metrics } from './registry.js';
import { KNOWN_LABELS } from './zero.js';

const JOB_KINDS = ['cut', 'upload', 'notify'];
const JOB_STATUSES = ['pending', 'running', 'done', 'dead', 'cancelled'];
const KNOWN_STATUSES: ReadonlySet<string> = new Set(BOOKING_STATUSES);

/** A booking's status as a metric label: AYO may send any text, and each distinct one would be a series of its own. */
function bookingStatusLabel(status: string | null): string {
  return status !== null && KNOWN_STATUSES.has(status) ? status : 'other';
}

/** Returns the function the /metrics handler calls before rendering. */
export function createScrapeCollector(db: Db, m: Metrics, opts: { cameras: readonly string[]; dataDir: string }) {
  const bookings = db.prepare<[], { status: string; n: number }>(
    'SELECT status, COUNT(*) AS n FROM bookings GROUP BY status',
  );
  const videos = db.prepare<[], { status: string; type: string; n: number }>(
    'SELECT status, type, COUNT(*) AS n FROM videos GROUP BY status, type',
  );
  const jobs = db.prepare<[], { kind: string; status: string; n: number }>(
    'SELECT kind, status, COUNT(*) AS n FROM jobs GROUP BY kind, status',
  );
  const oldest = db.prepare<[], { kind: string; created: string }>(
    "SELECT kind, MIN(created_at) AS created FROM jobs WHERE status IN ('pending', 'running') GROUP BY kind",
  );
  const lastEnd = db.prepare<[string], { end_ms: number | null }>(
    'SELECT MAX(end_ms) AS end_ms FROM segments WHERE camera = ?',
  );

  return (): void => {
    const now = Date.now();
    m.bookings.reset();
    // Every known status starts at 0 (a fresh box shows 0, not "No data"); the counts below overwrite them.
    for (const status of KNOWN_LABELS.bookingStatuses) m.bookings.set({ status }, 0);
    const byLabel = new Map<string, number>();
    for (const r of bookings.all()) {
      const label = bookingStatusLabel(r.status);
      byLabel.set(label, (byLabel.get(label) ?? 0) + r.n);
    }
    for (const [status, n] of byLabel) m.bookings.set({ status }, n);
    m.videos.reset();
    for (const status of VIDEO_STATUSES) for (const type of KNOWN_LABELS.videoTypes) m.videos.set({ status, type }, 0);
    for (const r of videos.all()) m.videos.set({ status: r.status, type: r.type }, r.n);
    m.queueJobs.reset();
    for (const kind of JOB_KINDS) for (const status of JOB_STATUSES) m.queueJobs.set({ kind, status }, 0);
    const jobCounts = jobs.all();
    for (const r of jobCounts) m.queueJobs.set({ kind: r.kind, status: r.status }, r.n);
    const old = new Map(oldest.all().map((r) => [r.kind, r.created]));
    for (const kind of JOB_KINDS) {
      const created = old.get(kind);
      m.queueOldest.set({ kind }, created ? Math.max(0, (now - Date.parse(created)) / 1000) : 0);
      m.deadLetters.set({ kind }, jobCounts.find((r) => r.kind === kind && r.status === 'dead')?.n ?? 0);
    }
    for (const camera of opts.cameras) {
      const end = lastEnd.get(camera)?.end_ms;
      // A camera that never recorded counts from the start of the process.
      m.segmentAge.set({ camera }, end ? Math.max(0, (now - end) / 1000) : process.uptime());
    }
    try {
      m.diskFree.set(freeDiskBytes(opts.dataDir));
    } catch {
      // The data directory vanished: leave the last value rather than fail the scrape.
    }
  };
}
