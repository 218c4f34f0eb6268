// The kinds of durable work, their payloads, their dedupe keys and how many attempts each gets. One registry:
// the lifecycle enqueues by kind, the job runner claims by kind, the queue's views read the key.

/** Payload of each job kind (stored as JSON in `jobs.payload`). */
export interface JobPayloads {
  /** Cut, preview and thumbnail of one video. */
  cut: { uniqueId: string };
  /** The video's three objects to the object store. */
  upload: { uniqueId: string };
  /** save-video-available to AYO. */
  notify: { uniqueId: string };
  /** Cut of an operator's export (any window of one camera; never a video, never announced to AYO): `export-<id>`. */
  export: { uniqueId: string };
  /** FULL_VIDEO_UPLOAD=always: a video's full MP4 to the object store after its announcement, at low priority. */
  'upload-full': { uniqueId: string };
  /** One batch (1 to 10 ids) of an id list reported to AYO (src/delivery/id-reports.ts), never a video: `ids-<batch>`. */
  'id-report': { uniqueId: string };
  /** A purchase's renditions made and uploaded, verified (UploadActor's thread, under the rate cap). */
  purchase: { uniqueId: string; videoRequestId: string };
  /** AYO's save-video for a purchase whose objects are all verified in the store. */
  'save-video': { uniqueId: string; videoRequestId: string };
  /** Every object of a video (purchase renditions too) deleted from the store: a cancelled booking, BUCKET_RETENTION_DAYS. */
  'bucket-delete': { uniqueId: string };
}

/** A kind of durable job. */
export type JobKind = keyof JobPayloads;

/** Every job kind (the queue's views list them all). */
export const JOB_KINDS: readonly JobKind[] = [
  'cut',
  'upload',
  'notify',
  'export',
  'upload-full',
  'id-report',
  'purchase',
  'save-video',
  'bucket-delete',
];

/** Kinds whose delays come from configuration; any other kind declares its own in its spec. */
type ConfiguredKind = 'cut' | 'upload' | 'notify';

/** The durable retry delays of each kind (the first run is not delayed). */
export type JobDelays = Record<ConfiguredKind, readonly number[]> & {
  [K in Exclude<JobKind, ConfiguredKind>]?: readonly number[];
};

/** The dedupe key of a video's job of `kind`: one job per kind and video, whatever runs it how often. */
export function jobKey(kind: JobKind, uniqueId: string): string {
  return `${kind}:${uniqueId}`;
}

/** Attempts a job gets: its first run and one retry per delay. */
export function attemptsOf(delaysMs: readonly number[] = []): number {
  return delaysMs.length + 1;
}

/** The video a job works on, or null for a payload that names none (or is not JSON). */
export function videoOfJob(payload: string): string | null {
  try {
    const id = (JSON.parse(payload) as { uniqueId?: unknown }).uniqueId;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** Whether `kind` names a known job kind. */
export function isJobKind(kind: string): kind is JobKind {
  return (JOB_KINDS as readonly string[]).includes(kind);
}
