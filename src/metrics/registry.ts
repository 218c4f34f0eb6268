// Every Prometheus metric of the service, on the main thread (actors report events, not metric objects).
// Names are prefixed venue_recorder_; labels are of low cardinality (camera, actor, kind, status, dependency).

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const P = 'venue_recorder_';

/** The `kind`s of upload_bytes_total, each shown (at 0) from the start. */
const UPLOADED_KINDS = ['preview', 'thumbnail', 'full', 'hls'] as const;

/** `c` with every `kind` label present at 0, so a rate over it exists before the first upload. */
function zeroed<T extends Counter<'kind'>>(c: T, kinds: readonly string[]): T {
  for (const kind of kinds) c.inc({ kind }, 0);
  return c;
}

/** Creates the registry and its metrics. Example: `const m = createMetrics(); m.syncRuns.inc({ outcome: 'success' })`. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: P });
  // promtool flags gauges named *_total: drop those three defaults (nodejs_active_resources by type stays).
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(`${P}${name}`);
  }
  const r = [registry];
  return {
    registry,
    syncRuns: new Counter({
      name: `${P}sync_runs_total`,
      help: 'Booking sync runs by outcome (success, partial: some dates failed, failed: all failed).',
      labelNames: ['outcome'],
      registers: r,
    }),
    syncBookings: new Counter({
      name: `${P}sync_bookings_total`,
      help: 'Bookings seen by the sync, by result.',
      labelNames: ['result'],
      registers: r,
    }),
    syncLastSuccess: new Gauge({
      name: `${P}sync_last_success_timestamp_seconds`,
      help: 'Unix time of the last sync run that fetched every date.',
      registers: r,
    }),
    syncDuration: new Histogram({
      name: `${P}sync_duration_seconds`,
      help: 'Duration of booking sync runs.',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: r,
    }),
    bookings: new Gauge({
      name: `${P}bookings`,
      help: 'Bookings in the local store by status (success, cancelled, pending, expired, other: any status AYO sends besides).',
      labelNames: ['status'],
      registers: r,
    }),
    videos: new Gauge({
      name: `${P}videos`,
      help: 'Videos by status and type.',
      labelNames: ['status', 'type'],
      registers: r,
    }),
    clipSeconds: new Histogram({
      name: `${P}clip_processing_seconds`,
      help: 'Time to cut a clip and make its preview and thumbnail.',
      labelNames: ['camera'],
      buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600],
      registers: r,
    }),
    clipCoverage: new Histogram({
      name: `${P}clip_coverage_ratio`,
      help: 'Share of the booking window covered by footage, per clip.',
      labelNames: ['camera'],
      buckets: [0.5, 0.8, 0.9, 0.95, 0.99, 1],
      registers: r,
    }),
    cameraRecording: new Gauge({
      name: `${P}camera_recording`,
      help: '1 while the camera is recording (segments are closing), else 0.',
      labelNames: ['camera'],
      registers: r,
    }),
    cameraState: new Gauge({
      name: `${P}camera_state`,
      help: "1 for the camera's current state (recording, reconnecting, offline, disabled).",
      labelNames: ['camera', 'state'],
      registers: r,
    }),
    segmentAge: new Gauge({
      name: `${P}camera_last_segment_age_seconds`,
      help: "Seconds since the camera's last segment closed.",
      labelNames: ['camera'],
      registers: r,
    }),
    segments: new Counter({
      name: `${P}segments_written_total`,
      help: 'Recorded segments closed and indexed.',
      labelNames: ['camera'],
      registers: r,
    }),
    ffmpegRestarts: new Counter({
      name: `${P}ffmpeg_restarts_total`,
      help: "Restarts of a camera's ffmpeg by reason (exit, stall, missing).",
      labelNames: ['camera', 'reason'],
      registers: r,
    }),
    gapSeconds: new Counter({
      name: `${P}recording_gap_seconds_total`,
      help: 'Seconds without recording, counted when the gap closes.',
      labelNames: ['camera'],
      registers: r,
    }),
    diskFree: new Gauge({
      name: `${P}disk_free_bytes`,
      help: 'Free bytes on the file system of the data directory.',
      registers: r,
    }),
    recordingDiskUp: new Gauge({
      name: `${P}recording_disk_up`,
      help: 'Whether a recording disk (RECORDING_DIRS) is there and takes a write (1) or is down (0).',
      labelNames: ['dir'],
      registers: r,
    }),
    recordingDiskFree: new Gauge({
      name: `${P}recording_disk_free_bytes`,
      help: 'Free bytes on a recording disk at its last check (0 while it is down).',
      labelNames: ['dir'],
      registers: r,
    }),
    recordingBytes: new Gauge({
      name: `${P}recording_bytes`,
      help: "Bytes of a camera's indexed recordings, on every disk.",
      labelNames: ['camera'],
      registers: r,
    }),
    recordingDaysKept: new Gauge({
      name: `${P}recording_days_kept`,
      help: "Days from a camera's oldest footage to now (compare with RECORDING_RETENTION_HOURS / 24).",
      labelNames: ['camera'],
      registers: r,
    }),
    queueJobs: new Gauge({
      name: `${P}queue_jobs`,
      help: 'Jobs in the durable queue by kind and status.',
      labelNames: ['kind', 'status'],
      registers: r,
    }),
    queueOldest: new Gauge({
      name: `${P}queue_oldest_pending_age_seconds`,
      help: 'Age of the oldest waiting job, by kind (0 when none waits).',
      labelNames: ['kind'],
      registers: r,
    }),
    deadLetters: new Gauge({
      name: `${P}queue_dead_letters`,
      help: 'Jobs out of attempts, waiting for an operator.',
      labelNames: ['kind'],
      registers: r,
    }),
    uploads: new Counter({
      name: `${P}uploads_total`,
      help: 'Video uploads by outcome (success, retry, failed).',
      labelNames: ['outcome'],
      registers: r,
    }),
    uploadBytes: zeroed(
      new Counter({
        name: `${P}upload_bytes_total`,
        help: 'Bytes uploaded to the object store, by kind (preview, thumbnail, full: the MP4, hls).',
        labelNames: ['kind'],
        registers: r,
      }),
      UPLOADED_KINDS,
    ),
    uploadSeconds: new Histogram({
      name: `${P}upload_duration_seconds`,
      help: "Duration of a video's upload before its announcement (preview and thumbnail).",
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900],
      registers: r,
    }),
    purchases: new Counter({
      name: `${P}purchases_total`,
      help: 'Purchase requests (AYO video-requests) by outcome (delivered, invalid, incompleted, failed).',
      labelNames: ['outcome'],
      registers: r,
    }),
    purchaseSeconds: new Histogram({
      name: `${P}purchase_seconds`,
      help: "Time from a purchase request's first sight to AYO's acceptance of its save-video.",
      buckets: [30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600],
      registers: r,
    }),
    notifications: new Counter({
      name: `${P}notifications_total`,
      help: 'AYO notifications by outcome (success, retry, failed).',
      labelNames: ['outcome'],
      registers: r,
    }),
    circuit: new Gauge({
      name: `${P}circuit_state`,
      help: 'Circuit breaker per dependency: 0 closed, 1 half-open, 2 open.',
      labelNames: ['dependency'],
      registers: r,
    }),
    connectivity: new Gauge({
      name: `${P}connectivity_up`,
      help: '1 when the dependency is reachable, 0 when not.',
      labelNames: ['dependency'],
      registers: r,
    }),
    actorUp: new Gauge({
      name: `${P}actor_up`,
      help: '1 while the actor runs, else 0.',
      labelNames: ['actor'],
      registers: r,
    }),
    domainFailed: new Gauge({
      name: `${P}domain_failed`,
      help: '1 while a failure domain (recording, connectivity, sync, delivery) is failed past its restart intensity and waits for its retry, else 0.',
      labelNames: ['domain'],
      registers: r,
    }),
    actorRestarts: new Counter({
      name: `${P}actor_restarts_total`,
      help: 'Restarts of an actor by the supervisor.',
      labelNames: ['actor'],
      registers: r,
    }),
    ayoCalls: new Counter({
      name: `${P}ayo_calls_total`,
      help: 'Periodic AYO partner calls (health-check, update-camera-status) by outcome.',
      labelNames: ['endpoint', 'outcome'],
      registers: r,
    }),
    buttonPortUp: new Gauge({
      name: `${P}button_port_up`,
      help: "1 while the highlight buttons' serial line (BUTTON_SERIAL_PORT) is open, else 0.",
      registers: r,
    }),
    buttonPresses: new Counter({
      name: `${P}button_presses_total`,
      help: 'Highlight button presses by button and outcome (clip, limited, no-booking, camera-disabled, failed; unknown-button for a number no camera has, as button="unknown").',
      labelNames: ['button', 'outcome'],
      registers: r,
    }),
    httpRequests: new Counter({
      name: `${P}http_requests_total`,
      help: 'HTTP requests by route, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers: r,
    }),
    httpSeconds: new Histogram({
      name: `${P}http_request_duration_seconds`,
      help: 'HTTP request latency by route and method.',
      labelNames: ['route', 'method'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: r,
    }),
  };
}

/** The service's metrics. */
export type Metrics = ReturnType<typeof createMetrics>;
