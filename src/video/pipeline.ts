// The video side of the pipeline in one thread: the lifecycle, the cut runner and the scanner, wired so that a
// transition that stops a video's cut aborts the cut running in this thread.

import { createJobRunner, createVideoLifecycle, sweepVideoFiles } from '../pipeline/index.js';
import { readAutoDeleteDaysInForce } from '../settings/index.js';
import { cutJobSpec } from './cut-job.js';
import { videoOfFile } from './file-names.js';
import { createVideoScanner } from './scanner.js';
import type { VideoPipelineDeps } from './types.js';

/** Builds the pipeline; `owner` names this runner's leases (`video:<pid>`). */
export function createVideoPipeline(deps: VideoPipelineDeps, owner: string) {
  const now = deps.now ?? Date.now;
  let abortCut: (uniqueId: string) => void = () => {};
  const lifecycle = createVideoLifecycle({
    db: deps.db,
    jobDelays: deps.jobDelays,
    now,
    onStatus: (e) => deps.onEvent?.(e),
    onJobsStopped: (uid, kinds) => {
      if (kinds.includes('cut')) abortCut(uid);
    },
  });
  const runner = createJobRunner(cutJobSpec(deps, lifecycle), { db: deps.db, owner, logger: deps.logger, now });
  abortCut = (uid) => runner.abortVideo(uid);
  const scanner = createVideoScanner(deps, lifecycle);
  return {
    lifecycle,
    runner,
    scanner,
    /** Applies the file rules of every terminal status (see pipeline/files.ts). */
    sweepFiles: () => {
      const autoDeleteDays = deps.settingsFile ? readAutoDeleteDaysInForce(deps.settingsFile) : undefined;
      return sweepVideoFiles({
        db: deps.db,
        lifecycle,
        logger: deps.logger,
        videosDir: deps.videosDir,
        videoOfFile,
        retentionMs: deps.retentionHours * 3_600_000,
        deliveredRetentionMs: autoDeleteDays === undefined ? undefined : autoDeleteDays * 86_400_000,
        nowMs: now(),
      });
    },
  };
}
