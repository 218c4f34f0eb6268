// The recording disks on the main thread: the monitor (probes every disk, saves what it saw for the recorders),
// the storage report over the index, the metrics they feed, and the readiness rule: the service is not ready only
// when no recording disk is up (one disk down while another records is shown, not a failure).

import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { createSegmentsRepo, type DiskRow } from '../db/index.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/registry.js';
import { createDiskMonitor, type FreeSpaceReader } from './disks.js';
import { createStorageReport } from './storage-report.js';

/** Dependencies of {@link startRecordingDisks}. */
export interface RecordingDisksDeps {
  config: Pick<Config, 'recording' | 'venueTimezone'>;
  /** `$DATA_DIR/media/recordings`: the index's paths are relative to it. */
  recordingsDir: string;
  db: Db;
  metrics: Metrics;
  logger: Logger;
  /** The configured cameras' names (the live list). */
  cameras: readonly string[];
  intervalMs?: number;
  space?: FreeSpaceReader;
}

/** Probes the disks once now (before any recorder starts), then every 10 s; feeds the metrics at each check. */
export function startRecordingDisks(deps: RecordingDisksDeps) {
  const segments = createSegmentsRepo(deps.db);
  const m = deps.metrics;
  const report = createStorageReport({
    segments,
    timeZone: deps.config.venueTimezone,
    retentionHours: deps.config.recording.retentionHours,
    minFreeDiskMb: deps.config.recording.minFreeDiskMb,
    cameras: () => deps.cameras,
  });
  let checks = 0;
  const feed = (disks: readonly DiskRow[]) => {
    m.recordingDiskUp.reset();
    m.recordingDiskFree.reset();
    for (const d of disks) {
      m.recordingDiskUp.set({ dir: d.dir }, d.up);
      m.recordingDiskFree.set({ dir: d.dir }, d.up ? (d.free_bytes ?? 0) : 0);
    }
    // The per-camera figures move slowly: read every sixth check (a minute), not at every one.
    if (checks++ % 6 !== 0) return;
    const r = report.get();
    m.recordingBytes.reset();
    m.recordingDaysKept.reset();
    for (const c of r.cameras) {
      m.recordingBytes.set({ camera: c.camera }, c.bytes);
      m.recordingDaysKept.set({ camera: c.camera }, c.daysKept);
    }
  };
  const monitor = createDiskMonitor({
    dirs: deps.config.recording.dirs,
    recordingsDir: deps.recordingsDir,
    segments,
    minFreeDiskMb: deps.config.recording.minFreeDiskMb,
    logger: deps.logger,
    intervalMs: deps.intervalMs,
    space: deps.space,
    onCheck: (disks) => {
      try {
        feed(disks);
      } catch (e) {
        deps.logger.warn(`💽 DISK: the storage metrics could not be read: ${describeError(e)}`);
      }
    },
  });
  monitor.start();
  return {
    report,
    monitor,
    /** Why the service is not ready as far as recording disks go: none is up. */
    notReadyReason: () => monitor.notReadyReason(),
    stop: () => monitor.stop(),
  };
}
