// What the recordings take: per recording disk (up, free, used by recordings) and per camera and venue day (bytes,
// segments, hours covered), with each camera's oldest footage beside the retention setting. Read from the index
// (grouped in SQL) and the disk monitor's saved statfs, never by walking the files; kept for a few seconds.

import { USAGE_BUCKET_MS, type DiskRow, type SegmentsRepo } from '../db/index.js';
import { localDateOf } from '../util/venue-time.js';

/** One recording disk in the report. */
export interface StorageDisk {
  dir: string;
  up: boolean;
  reason: string | null;
  freeBytes: number | null;
  totalBytes: number | null;
  /** Free space is under MIN_FREE_DISK_MB: new recording runs go to another disk when one has room. */
  low: boolean;
  checkedAt: string;
  recordingBytes: number;
  segments: number;
}

/** A recording disk as the disk monitor last saw it, as the API shows it (`/api/status`, `/api/storage`). */
export function diskDto(d: DiskRow): Omit<StorageDisk, 'recordingBytes' | 'segments'> {
  return {
    dir: d.dir,
    up: d.up === 1,
    reason: d.reason,
    freeBytes: d.free_bytes,
    totalBytes: d.total_bytes,
    low: d.low === 1,
    checkedAt: d.checked_at,
  };
}

/** One camera's recordings on one venue day. */
export interface StorageDay {
  date: string;
  bytes: number;
  segments: number;
  hoursCovered: number;
}

/** One camera's recordings. */
export interface StorageCamera {
  camera: string;
  bytes: number;
  segments: number;
  oldestAt: string | null;
  newestAt: string | null;
  /** Days from the oldest footage to now: what the box really keeps. */
  daysKept: number;
  days: StorageDay[];
}

/** The report. */
export interface StorageReport {
  generatedAt: string;
  retentionHours: number;
  retentionDays: number;
  minFreeDiskMb: number;
  disks: StorageDisk[];
  cameras: StorageCamera[];
  /** Per camera, in words: "keeps 2.9 days, retention says 3". */
  summary: string[];
}

/** Dependencies of {@link createStorageReport}. */
export interface StorageReportDeps {
  segments: SegmentsRepo;
  timeZone: string;
  retentionHours: number;
  minFreeDiskMb: number;
  /** The configured cameras (shown even before their first segment). */
  cameras: () => readonly string[];
  /** How long a report is reused (default 10 s). */
  cacheMs?: number;
  now?: () => number;
}

const DAY_MS = 86_400_000;
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** The storage report, built at most once per `cacheMs`. */
export function createStorageReport(deps: StorageReportDeps) {
  const now = deps.now ?? Date.now;
  let cached: { at: number; report: StorageReport } | undefined;
  // Every time zone's offset is a multiple of a quarter hour: each bucket falls into one venue day, worked out once.
  const dates = new Map<number, string>();
  const dateOf = (bucket: number) => {
    let d = dates.get(bucket);
    if (d === undefined) {
      d = localDateOf(new Date(bucket * USAGE_BUCKET_MS), deps.timeZone);
      dates.set(bucket, d);
    }
    return d;
  };

  function build(): StorageReport {
    const t = now();
    const byDisk = new Map(deps.segments.usageByDisk().map((u) => [u.dir, u]));
    const disks: StorageDisk[] = deps.segments.disks().map((d) => ({
      ...diskDto(d),
      recordingBytes: byDisk.get(d.dir)?.bytes ?? 0,
      segments: byDisk.get(d.dir)?.segments ?? 0,
    }));
    const days = new Map<string, Map<string, StorageDay>>();
    const seen = new Set<number>();
    for (const b of deps.segments.usageByBucket()) {
      seen.add(b.bucket);
      const date = dateOf(b.bucket);
      const perDay = days.get(b.camera) ?? new Map<string, StorageDay>();
      days.set(b.camera, perDay);
      const day = perDay.get(date) ?? { date, bytes: 0, segments: 0, hoursCovered: 0 };
      perDay.set(date, day);
      day.bytes += b.bytes;
      day.segments += b.segments;
      day.hoursCovered += b.ms / 3_600_000;
    }
    for (const b of dates.keys()) if (!seen.has(b)) dates.delete(b); // buckets retention took
    const names = [...new Set([...deps.cameras(), ...days.keys()])].sort();
    const cameras = names.map((camera): StorageCamera => {
      const list = [...(days.get(camera)?.values() ?? [])].sort((a, b) => a.date.localeCompare(b.date));
      const span = deps.segments.spanOf(camera);
      return {
        camera,
        bytes: list.reduce((s, d) => s + d.bytes, 0),
        segments: list.reduce((s, d) => s + d.segments, 0),
        oldestAt: span ? new Date(span.oldest_ms).toISOString() : null,
        newestAt: span ? new Date(span.newest_ms).toISOString() : null,
        daysKept: span ? round2(Math.max(0, t - span.oldest_ms) / DAY_MS) : 0,
        days: list.map((d) => ({ ...d, hoursCovered: round2(d.hoursCovered) })),
      };
    });
    const retentionDays = round2(deps.retentionHours / 24);
    return {
      generatedAt: new Date(t).toISOString(),
      retentionHours: deps.retentionHours,
      retentionDays,
      minFreeDiskMb: deps.minFreeDiskMb,
      disks,
      cameras,
      summary: cameras.map(
        (c) => `${c.camera}: keeps ${round1(c.daysKept)} days, retention says ${round1(retentionDays)}`,
      ),
    };
  }

  return {
    /** The report (the cached one while it is fresh). */
    get(): StorageReport {
      const t = now();
      if (!cached || t - cached.at >= (deps.cacheMs ?? 10_000) || t < cached.at) cached = { at: t, report: build() };
      return cached.report;
    },
  };
}

/** The report's interface. */
export type StorageReporter = ReturnType<typeof createStorageReport>;
