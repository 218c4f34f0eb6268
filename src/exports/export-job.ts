// The `export` job kind: waits until the camera's recording has passed the window's end, then cuts the window into
// one MP4 on the clip pool (the booking clip's cut: same start on a keyframe, same coverage), and records what is
// missing and why. Not a video: no lifecycle, no preview, no upload, never announced to AYO.

import { createExportsRepo, createSegmentsRepo, type Db, type ExportRow } from '../db/index.js';
import { describeError, hasCode, PermanentError, RemoteError } from '../errors.js';
import type { Logger } from '../log.js';
import { createJobRunner, type JobKindSpec } from '../pipeline/index.js';
import type { CameraConfig } from '../recording/cameras.js';
import { footageOf, type CutResult } from '../video/clip.js';
import type { CutTaskInput, CutTaskResult } from '../video/clip.task.js';
import { explainMissing } from './timeline.js';
import { EXPORT_DELAYS_MS, exportFile, exportOfJob } from './names.js';

/** What the export kind needs. */
export interface ExportJobDeps {
  db: Db;
  /** The camera list as it is now (it may change while the service runs). */
  cameras: () => readonly CameraConfig[];
  recordingsDir: string;
  /** `$DATA_DIR/media/exports`. */
  exportsDir: string;
  segmentSeconds: number;
  ffmpeg: string;
  ffprobe: string;
  /** Runs one cut (on the clip pool in VideoActor). */
  runCut(input: Omit<CutTaskInput, 'cancelPort'>, signal: AbortSignal): Promise<CutTaskResult>;
  logger: Logger;
  now?: () => number;
}

/** The export kind's spec. */
function exportJobSpec(deps: ExportJobDeps): JobKindSpec<'export', CutResult> {
  const exportsRepo = createExportsRepo(deps.db);
  const segments = createSegmentsRepo(deps.db);
  const now = deps.now ?? Date.now;
  const segmentMs = deps.segmentSeconds * 1000;
  const rowOf = (uniqueId: string): ExportRow | undefined => {
    const id = exportOfJob(uniqueId);
    return id === undefined ? undefined : exportsRepo.get(id);
  };

  /** Whether the footage of the window is closed, or will not come (the camera is not recording). */
  function footageReady(e: ExportRow): boolean {
    const last = segments.last(e.camera);
    if (last && last.end_ms >= e.to_ms) return true;
    const cam = deps.cameras().find((c) => c.name === e.camera);
    return !(!!cam?.enabled && !!last && now() - last.end_ms < 3 * segmentMs);
  }

  return {
    kind: 'export',
    delaysMs: EXPORT_DELAYS_MS,
    quickDelaysMs: [],
    policyName: 'export',
    concurrency: 1,
    label: (ctx) => `Export ${ctx.payload.uniqueId}`,
    admit(ctx) {
      const e = rowOf(ctx.payload.uniqueId);
      if (!e || e.state === 'done' || e.state === 'expired') return { skip: 'nothing to cut' };
      if (!footageReady(e)) return { wait: Math.max(500, segmentMs / 2), why: 'footage not recorded yet' };
      exportsRepo.mark(e.id, 'cutting', null, now());
      return { run: true };
    },
    async run(ctx, signal) {
      const e = rowOf(ctx.payload.uniqueId)!;
      const segs = footageOf(segments, deps.recordingsDir, e.camera, e.from_ms, e.to_ms);
      const r = await deps.runCut(
        {
          segments: segs,
          windowStartMs: e.from_ms,
          windowEndMs: e.to_ms,
          out: exportFile(deps.exportsDir, e.id),
          ffmpeg: deps.ffmpeg,
          ffprobe: deps.ffprobe,
        },
        signal,
      );
      if (r.ok) return r.value;
      if (hasCode(r.error, 'no-footage') || hasCode(r.error, 'cancelled') || signal.aborted)
        throw new PermanentError(r.error.message, { code: r.error.code });
      throw new RemoteError({ ...r.error, retryable: true });
    },
    failureReason: (_ctx, e) =>
      hasCode(e, 'no-footage') ? 'no footage in the window' : `export cut failed: ${describeError(e)}`,
    onDone(ctx, out) {
      const e = rowOf(ctx.payload.uniqueId)!;
      const missing = explainMissing(out.missing, segments.gaps(e.camera, e.from_ms, e.to_ms), now());
      exportsRepo.done(
        e.id,
        {
          coverage: out.coverage,
          covered: out.covered,
          missing,
          file: out.file,
          sizeBytes: out.sizeBytes,
          durationSec: out.durationSec,
        },
        now(),
      );
      deps.logger.info(
        `📦 EXPORT: ${e.id} (${e.camera}) cut: ${out.durationSec.toFixed(1)}s, coverage ${(out.coverage * 100).toFixed(1)}%`,
      );
    },
    onFailed(ctx, reason, final, err) {
      const e = rowOf(ctx.payload.uniqueId);
      if (!e) return;
      if (!final) return void exportsRepo.mark(e.id, 'queued', reason, now());
      const whole = hasCode(err, 'no-footage')
        ? explainMissing([[e.from_ms, e.to_ms]], segments.gaps(e.camera, e.from_ms, e.to_ms), now())
        : null;
      exportsRepo.failed(e.id, reason, whole, now());
      deps.logger.warn(`📦 EXPORT: ${e.id} (${e.camera}) failed: ${reason}`);
    },
    onInterrupted(ctx) {
      const e = rowOf(ctx.payload.uniqueId);
      if (e) exportsRepo.mark(e.id, 'queued', null, now());
    },
  };
}

/** The runner of exports; `owner` names its leases (`video:<pid>`: it lives in VideoActor beside the cuts). */
export function createExportRunner(deps: ExportJobDeps, owner: string) {
  return createJobRunner(exportJobSpec(deps), { db: deps.db, owner, logger: deps.logger, now: deps.now });
}
