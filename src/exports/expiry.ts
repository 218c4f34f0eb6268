// Exports follow the recording retention: once their window is older than RECORDING_RETENTION_HOURS (the footage
// they were cut from is gone too), their file goes and they say `expired`. Run beside the video file sweep.

import fs from 'node:fs';
import { createExportsRepo, createJobsRepo, type Db } from '../db/index.js';
import type { Logger } from '../log.js';
import { jobKey } from '../pipeline/index.js';
import { exportJobName } from './names.js';

/** Expires every export past its time: the row first (committed), then its file. Returns how many expired. */
export function expireExports(db: Db, logger: Logger, nowMs = Date.now()): number {
  const exportsRepo = createExportsRepo(db);
  const jobs = createJobsRepo(db);
  let n = 0;
  for (const e of exportsRepo.expiredBy(nowMs)) {
    const expired = db
      .transaction(() => {
        jobs.cancelByKey(jobKey('export', exportJobName(e.id)), new Date(nowMs).toISOString());
        return exportsRepo.expire(e.id, nowMs);
      })
      .immediate();
    if (!expired) continue;
    if (e.file) fs.rmSync(e.file, { force: true });
    n++;
  }
  if (n > 0) logger.info(`🧹 RETENTION: ${n} export(s) past the recording retention expired, their files deleted`);
  return n;
}
