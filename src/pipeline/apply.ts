// The one function that moves a video: it checks the lifecycle table, writes the status, the history row, what the
// stage produced and the job changes in one transaction, then drops the files a terminal status no longer needs.

import fs from 'node:fs';
import { queueIdReport } from '../delivery/id-reports.js';
import { createJobsRepo, createVideosRepo, type Db, type VideoResult, type VideoRow } from '../db/index.js';
import { attemptsOf, jobKey, type JobDelays, type JobKind } from './job-kinds.js';
import { VIDEO_TRANSITIONS, type Transition, type VideoLifecycleEvent, type VideoStatus } from './video-lifecycle.js';

/** A status change, reported after its transaction committed (metrics and logs subscribe to it). */
export interface VideoStatusChange {
  type: 'video:status';
  uniqueId: string;
  bookingId: string;
  camera: string;
  videoType: 'full' | 'clip';
  status: VideoStatus;
  reason: string | null;
}

/** What a lifecycle needs. */
export interface LifecycleDeps {
  db: Db;
  /** Durable retry delays per job kind: a job created here gets `delays + 1` attempts. */
  jobDelays: JobDelays;
  now?: () => number;
  /** After every committed status change. */
  onStatus?: (change: VideoStatusChange) => void;
  /** After a transition stopped or restarted jobs of a video: a runner in this thread aborts their running attempt. */
  onJobsStopped?: (uniqueId: string, kinds: readonly JobKind[]) => void;
}

/** What an event carries besides its name. */
export interface ApplyOptions {
  /** The history's reason (else the row's default, else none). */
  reason?: string | null;
  /** `window:changed` and `booking:eligible`: the window to cut. */
  window?: { startMs: number; endMs: number };
  /** `cut:done`: what the cut produced. */
  result?: VideoResult;
  /** `upload:done`: the public URLs of the objects (`mp4` null while the full video is not in the store). */
  urls?: { mp4: string | null; preview: string; thumbnail: string };
}

/** The outcome: `moved` false means the table refused it (the video was elsewhere, or is gone). */
export type ApplyResult = { moved: true; video: VideoRow } | { moved: false; video: VideoRow | undefined };

/** The new video of a booking × camera (or a manual clip). */
export type NewVideo = Pick<
  VideoRow,
  'unique_id' | 'booking_id' | 'camera' | 'field_id' | 'type' | 'window_start_ms' | 'window_end_ms'
>;

/** The group a job of `kind` belongs to: one cut per camera at a time, since cuts of one camera read one disk. */
function jobGroupOf(kind: JobKind, video: Pick<VideoRow, 'camera'>): string | undefined {
  return kind === 'cut' ? video.camera : undefined;
}

/** The lifecycle of videos over one database connection. */
export type VideoLifecycle = ReturnType<typeof createVideoLifecycle>;

/** Creates the lifecycle; every status change of a video goes through `apply` (or `create`). */
export function createVideoLifecycle(deps: LifecycleDeps) {
  const videos = createVideosRepo(deps.db);
  const jobs = createJobsRepo(deps.db);
  const now = deps.now ?? Date.now;

  const enqueue = (kind: JobKind, v: VideoRow, iso: string) =>
    jobs.enqueue(
      {
        kind,
        payload: { uniqueId: v.unique_id },
        dedupeKey: jobKey(kind, v.unique_id),
        groupKey: jobGroupOf(kind, v),
        maxAttempts: attemptsOf(deps.jobDelays[kind]),
        runAtMs: Date.parse(iso),
      },
      iso,
    );

  const changeJobs = (t: Transition, v: VideoRow, iso: string) => {
    for (const kind of t.cancel ?? []) jobs.cancelByKey(jobKey(kind, v.unique_id), iso);
    for (const kind of t.enqueue ?? []) enqueue(kind, v, iso);
    // New work under the old dedupe key: all its attempts again, even if the old job had died.
    for (const kind of t.restart ?? []) jobs.restart(enqueue(kind, v, iso).id, Date.parse(iso), Date.parse(iso));
  };

  const report = (v: VideoRow) => {
    try {
      deps.onStatus?.({
        type: 'video:status',
        uniqueId: v.unique_id,
        bookingId: v.booking_id,
        camera: v.camera,
        videoType: v.type,
        status: v.status,
        reason: v.reason,
      });
    } catch {
      /* a listener cannot break the lifecycle */
    }
  };

  const self = {
    /** Creates a `pending` video with its cut job in one transaction; an existing one is returned as it is. */
    create(input: NewVideo): { video: VideoRow; created: boolean } {
      const iso = new Date(now()).toISOString();
      const out = deps.db
        .transaction(() => {
          const made = videos.create(input, iso);
          if (made.created) enqueue('cut', made.video, iso);
          return made;
        })
        .immediate();
      if (out.created) report(out.video);
      return out;
    },

    /**
     * Applies `event` to a video: refused (moved false) unless the table allows it from the video's status at the
     * moment of writing, so a cancel and a finishing stage racing on two threads cannot both win.
     */
    apply(target: VideoRow | string, event: VideoLifecycleEvent, opts: ApplyOptions = {}): ApplyResult {
      const t: Transition = VIDEO_TRANSITIONS[event];
      const uid = typeof target === 'string' ? target : target.unique_id;
      const iso = new Date(now()).toISOString();
      const reason = opts.reason !== undefined ? opts.reason : (t.reason ?? null);
      let before: VideoRow | undefined;
      const moved = deps.db
        .transaction(() => {
          before = videos.get(uid);
          if (!before) return false;
          const ok = opts.window
            ? videos.reopen(before.id, t.from, t.to, opts.window.startMs, opts.window.endMs, reason, iso)
            : videos.setStatusIf(before.id, t.from, t.to, reason, iso);
          if (!ok) return false;
          if (opts.result) videos.setResult(before.id, opts.result, iso);
          if (opts.urls) videos.setUrls(before.id, opts.urls, iso);
          changeJobs(t, before, iso);
          if (t.report) queueIdReport(deps.db, t.report, [uid], Date.parse(iso));
          return true;
        })
        .immediate();
      if (!moved || !before) return { moved: false, video: videos.get(uid) };
      const stopped = [...(t.cancel ?? []), ...(t.restart ?? [])];
      if (stopped.length > 0) deps.onJobsStopped?.(uid, stopped);
      if (t.dropFiles) self.dropFiles(before);
      const after = videos.get(uid)!;
      report(after);
      return { moved: true, video: after };
    },

    /** Deletes a video's local files and forgets them (a crash in between leaves them for the next sweep). */
    dropFiles(v: Pick<VideoRow, 'id' | 'file' | 'preview_file' | 'thumbnail_file'>): boolean {
      const files = [v.file, v.preview_file, v.thumbnail_file].filter((f): f is string => !!f);
      if (files.length === 0) return false;
      for (const f of files) fs.rmSync(f, { force: true });
      videos.clearFiles(v.id, new Date(now()).toISOString());
      return true;
    },
  };
  return self;
}
