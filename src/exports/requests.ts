// Creating an export: its row and its job in one transaction, so that a crash never leaves one without the other.

import { createExportsRepo, createJobsRepo, type Db, type ExportRow } from '../db/index.js';
import { attemptsOf, jobKey } from '../pipeline/index.js';
import { EXPORT_DELAYS_MS, exportJobName } from './names.js';

/** A validated export request. */
export interface ExportRequest {
  camera: string;
  fromMs: number;
  toMs: number;
}

/** Queues the export of a window; it expires `retentionHours` after the window's end, as its footage does. */
export function queueExport(db: Db, req: ExportRequest, retentionHours: number, nowMs: number): ExportRow {
  const exportsRepo = createExportsRepo(db);
  const jobs = createJobsRepo(db);
  return db
    .transaction(() => {
      const row = exportsRepo.create({ ...req, expiresAtMs: req.toMs + retentionHours * 3_600_000 }, nowMs);
      const name = exportJobName(row.id);
      jobs.enqueue(
        {
          kind: 'export',
          payload: { uniqueId: name },
          dedupeKey: jobKey('export', name),
          groupKey: req.camera,
          maxAttempts: attemptsOf(EXPORT_DELAYS_MS),
          runAtMs: nowMs,
        },
        new Date(nowMs).toISOString(),
      );
      return row;
    })
    .immediate();
}
