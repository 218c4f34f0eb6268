// Local files follow the lifecycle: each terminal status has a rule, and files no video claims are swept, so nothing
// made for a video stays on disk forever.
//   ready       kept for VIDEO_RETENTION_DAYS, else AYO's `auto_delete` days, else the recording retention, after the window
//               ends, and while its full upload (FULL_VIDEO_UPLOAD=always) still waits, then deleted; the object store
//               keeps its copies. Once its footage is gone too and its full video is not in the bucket, the video becomes
//               `unavailable` (`retention:unavailable`) and AYO hears it through `video-unavailable`
//   cancelled   deleted at once by the transition; this sweep catches any a crash left behind
//   failed      while a job of the video still waits, kept; once every job is dead, kept for the retention (an
//               operator may retry), then deleted
//   on disk but claimed by no video (an interrupted cut, a dropped result): deleted after a grace period

import fs from 'node:fs';
import path from 'node:path';
import { createJobsRepo, createVideosRepo, type Db, type VideoRow } from '../db/index.js';
import type { Logger } from '../log.js';
import type { VideoLifecycle } from './apply.js';
import { jobKey, type JobKind } from './job-kinds.js';
import { VIDEO_JOB_KINDS } from './video-lifecycle.js';

/** What a sweep needs. */
export interface FileSweepOptions {
  db: Db;
  lifecycle: VideoLifecycle;
  logger: Logger;
  /** `$DATA_DIR/media/videos`: the only place cuts write to. */
  videosDir: string;
  /** How long after its window a delivered or dead video keeps its files. */
  retentionMs: number;
  /** How long after its window a delivered video keeps them when AYO's `auto_delete` says (default `retentionMs`). */
  deliveredRetentionMs?: number;
  nowMs: number;
  /** The video a file in `videosDir` belongs to, from its name; undefined for a file no cut makes. */
  videoOfFile(name: string): string | undefined;
  /** How old an unclaimed file must be before it goes (a cut may be writing it now). Default 1 h. */
  orphanGraceMs?: number;
}

/**
 * Runs every rule once; returns how many videos lost their files, how many became unavailable and how many unclaimed
 * files went.
 */
export function sweepVideoFiles(o: FileSweepOptions): { videos: number; unavailable: number; orphans: number } {
  const videos = createVideosRepo(o.db);
  const jobs = createJobsRepo(o.db);
  const before = o.nowMs - o.retentionMs;
  // A video's waiting or running job needs its files: a failed video's stages, a ready one's full upload (its
  // stages are over: a stage job a crash left pending is not the ready video's to wait for).
  const waits = (v: VideoRow, kinds: readonly JobKind[]) =>
    kinds.some((k) => {
      const s = jobs.byKey(jobKey(k, v.unique_id))?.status;
      return s === 'pending' || s === 'running';
    });
  const live = (v: VideoRow) => waits(v, [...VIDEO_JOB_KINDS, 'upload-full']);
  let delivered = 0;
  for (const v of videos.withFiles('ready', o.nowMs - (o.deliveredRetentionMs ?? o.retentionMs)))
    if (!waits(v, ['upload-full']) && o.lifecycle.dropFiles(v)) delivered++;
  if (delivered > 0)
    o.logger.info(
      `🧹 RETENTION: removed the local files of ${delivered} delivered videos (the object store keeps them)`,
    );
  let gone = 0;
  for (const v of videos.goneFromBox(o.nowMs)) if (o.lifecycle.apply(v, 'retention:unavailable').moved) gone++;
  if (gone > 0)
    o.logger.warn(
      `🧹 RETENTION: ${gone} delivered video(s) are unavailable now (files and footage gone, no full video in the bucket); AYO will hear it (video-unavailable)`,
    );
  let settled = 0;
  for (const v of videos.withFiles('cancelled', Number.MAX_SAFE_INTEGER)) if (o.lifecycle.dropFiles(v)) settled++;
  for (const v of videos.withFiles('failed', before)) if (!live(v) && o.lifecycle.dropFiles(v)) settled++;
  if (settled > 0) o.logger.info(`🧹 RETENTION: removed the local files of ${settled} cancelled or failed videos`);
  const orphans = sweepOrphans(o, videos);
  if (orphans > 0)
    o.logger.info(`🧹 RETENTION: removed ${orphans} video file(s) no video claims (left by an interrupted cut)`);
  return { videos: delivered + settled, unavailable: gone, orphans };
}

function sweepOrphans(o: FileSweepOptions, videos: ReturnType<typeof createVideosRepo>): number {
  if (!fs.existsSync(o.videosDir)) return 0;
  const cutoff = o.nowMs - (o.orphanGraceMs ?? 3_600_000);
  let n = 0;
  for (const day of fs.readdirSync(o.videosDir, { withFileTypes: true })) {
    if (!day.isDirectory()) continue;
    const dir = path.join(o.videosDir, day.name);
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      const uid = o.videoOfFile(name);
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (!uid || !st?.isFile() || st.mtimeMs > cutoff) continue;
      const v = videos.get(uid);
      const claimed = !!v && (v.status === 'processing' || [v.file, v.preview_file, v.thumbnail_file].includes(file));
      if (claimed) continue;
      fs.rmSync(file, { force: true });
      n++;
    }
    // An empty day folder goes too, unless a cut may have just made it.
    if (fs.readdirSync(dir).length === 0 && fs.statSync(dir).mtimeMs <= cutoff)
      fs.rmSync(dir, { recursive: true, force: true });
  }
  return n;
}
