// Every environment variable the service reads, once: the loader parses them, README's configuration table is
// rendered from them, and the secret ones feed the log scrubber. Add a variable here and nowhere else.

import os from 'node:os';
import { secretsOfUrl, type CameraConfig } from '../recording/cameras.js';
import {
  baudRate,
  bool,
  bucketName,
  camerasFile,
  camerasJson,
  devicePath,
  directory,
  duration,
  durations,
  host,
  httpUrl,
  keyPrefix,
  noSpaces,
  oneOf,
  secretText,
  text,
  timeZone,
  wholeNumber,
} from './parsers.js';
import { hostList } from './host-list.js';
import { directories } from './disk-parsers.js';
import { megabits } from './upload-parsers.js';
import { fraction, heights, watermarkSource } from './video-parsers.js';
import type { VideoEncoderName, WatermarkPosition } from './video-settings-env.js';
import { variable as v, type ComputedDefault, type Variable } from './variable.js';
import type { LogFormat, LogLevel } from '../log.js';

const cameraPasswords = (cameras: CameraConfig[]) => cameras.flatMap((c) => secretsOfUrl(c.url));

// Cuts are CPU-bound, so by default as many run as the machine has cores.
const CORES: ComputedDefault = { doc: 'cores', compute: () => String(Math.max(1, os.availableParallelism())) };

/** Every variable the service reads, in the README's order; one line each, since it reads as a table. */
// prettier-ignore
export const VARIABLES = [
  v({ env: 'PORT', parse: wholeNumber(0, 65535), default: '8080', doc: 'HTTP port of the REST API (0 picks a free one)' }),
  v({ env: 'HOST', parse: host(), default: '127.0.0.1', doc: "address to bind; a non-loopback address requires `API_KEY` (bookings carry players' names and phones)" }),
  v({ env: 'DATA_DIR', parse: directory(), default: './data', doc: 'data directory; the database is `$DATA_DIR/venue-recorder.db`' }),
  v({ env: 'VENUE_TIMEZONE', parse: timeZone(), default: 'Asia/Jakarta', doc: "IANA time zone of the venue (never the host's)" }),
  v({ env: 'AYO_API_BASE_URL', parse: httpUrl('https://iot-api.ayo.co.id/api/v1'), doc: 'AYO partner API base URL, with or without `/api/v1` and a trailing `/`' }),
  v({ env: 'AYO_API_TOKEN', parse: text(), secret: true, doc: 'AYO API token' }),
  v({ env: 'AYO_VENUE_CODE', parse: noSpaces(), doc: 'AYO venue code' }),
  v({ env: 'AYO_VENUE_SECRET', parse: text(), secret: true, doc: 'AYO venue secret key; signs every request, never sent' }),
  v({ env: 'AYO_MAX_RESPONSE_BYTES', parse: wholeNumber(65_536, 134_217_728), default: '4194304', doc: "largest AYO answer read, in bytes; past it the read is aborted and that call fails (`bad-answer`). A busy venue's day is ~1,100 booking objects (12 courts × 36 half-hour slots, plus cancelled and rebooked ones) of ~270 bytes each, ~300 kB: 10× that, rounded up, is 4 MiB. At most 128 MiB: parsing much more would hold the sync's thread near its heartbeat limit" }),
  v({ env: 'AYO_MAX_BOOKINGS_PER_DATE', parse: wholeNumber(1, 10_000_000), default: '20000', doc: 'most bookings AYO may list for one date (a busy day is ~1,100); a longer list fails its date (`bad-answer`) and changes nothing' }),
  v({ env: 'AYO_API_TIMEOUT', parse: duration(100), default: '30s', doc: 'timeout of one AYO request' }),
  v({ env: 'AYO_RETRY_BASE_DELAY', parse: duration(), default: '1s', doc: 'first retry delay of an AYO call (doubles per attempt, capped at 30 s)' }),
  v({ env: 'AYO_CIRCUIT_BREAK_AFTER', parse: wholeNumber(1, 1000), default: '5', doc: 'consecutive failed AYO calls that open the circuit' }),
  v({ env: 'AYO_CIRCUIT_HALF_OPEN_AFTER', parse: duration(100), default: '30s', doc: 'how long an open AYO circuit refuses calls before trying one' }),
  v({ env: 'AYO_HEALTH_CHECK_INTERVAL', parse: duration(1000), default: '1m', doc: "how often AYO's `health-check` is called" }),
  v({ env: 'CAMERA_STATUS_INTERVAL', parse: duration(1000), default: '5m', doc: "how often each camera's status goes to AYO (`ACTIVE` while it records, else `INACTIVE`)" }),
  v({ env: 'BOOKING_SYNC_INTERVAL', parse: duration(100), default: '5m', demoDefault: '15s', doc: 'time between syncs: `500ms`, `30s`, `2m`, `1h`' }),
  v({ env: 'BOOKING_SYNC_DAYS_BACK', parse: wholeNumber(0, 30), default: '1', doc: 'venue-local days before today fetched by each sync' }),
  v({ env: 'BOOKING_SYNC_DAYS_AHEAD', parse: wholeNumber(0, 30), default: '1', doc: 'venue-local days after today fetched by each sync' }),
  v({ env: 'BOOKING_RETENTION_DAYS', parse: wholeNumber(1, 3650), default: '90', doc: 'bookings whose date is older are deleted daily' }),
  v({ env: 'API_KEY', parse: secretText(16), secret: true, doc: 'when set, every `/api/...` route requires `Authorization: Bearer <key>`; 16+ characters, compared in constant time' }),
  v({ env: 'ALLOWED_HOSTS', parse: hostList(), doc: 'comma-separated host names and IP addresses clients use to reach the API (`venue-box.lan,192.168.1.20`), beside loopback names and `HOST` (unless `0.0.0.0`/`::`); any other `Host` is refused (421), which closes DNS rebinding. With `HOST=0.0.0.0`, list the LAN IP or name the tablets and browsers use' }),
  v({ env: 'CONNECTIVITY_INTERVAL', parse: duration(100), default: '30s', doc: 'how often ConnectivityActor probes the AYO host and the object store' }),
  v({ env: 'CONNECTIVITY_TIMEOUT', parse: duration(50), default: '5s', doc: 'timeout of one probe' }),
  v({ env: 'S3_ENDPOINT', parse: httpUrl(), doc: 'object store endpoint, e.g. `https://<account>.r2.cloudflarestorage.com`' }),
  v({ env: 'S3_REGION', parse: text(), default: 'auto', doc: 'object store region' }),
  v({ env: 'S3_BUCKET', parse: bucketName(), doc: 'the bucket' }),
  v({ env: 'S3_ACCESS_KEY_ID', parse: text(), secret: true, doc: 'object store access key id' }),
  v({ env: 'S3_SECRET_ACCESS_KEY', parse: text(), secret: true, doc: 'object store secret key' }),
  v({ env: 'S3_PUBLIC_BASE_URL', parse: httpUrl(), doc: 'public URL prefix of the bucket (e.g. a custom domain); object URLs are `<base>/<key>`' }),
  v({ env: 'S3_FORCE_PATH_STYLE', parse: bool(), default: 'true', doc: 'path-style requests on the S3 API' }),
  v({ env: 'S3_KEY_PREFIX', parse: keyPrefix(), default: '', doc: 'prefix of every object key' }),
  v({ env: 'UPLOAD_RETRY_DELAYS', parse: durations(), default: '3s,6s,9s,12s,15s', doc: 'delays of the quick upload retries' }),
  v({ env: 'NOTIFY_RETRY_DELAYS', parse: durations(), default: '3s,6s,12s', doc: 'delays of the quick notification retries' }),
  v({ env: 'DELIVERY_JOB_RETRY_DELAYS', parse: durations(), default: '5m,20m,45m,2h,5h', doc: 'delays of the queued retries of uploads and notifications' }),
  v({ env: 'DELIVERY_CIRCUIT_BREAK_AFTER', parse: wholeNumber(1, 1000), default: '5', doc: 'failed uploads (or notifications) in a row that open that circuit' }),
  v({ env: 'DELIVERY_CIRCUIT_HALF_OPEN_AFTER', parse: duration(100), default: '30s', doc: 'how long an open delivery circuit waits before trying again' }),
  v({ env: 'UPLOAD_CONCURRENCY', parse: wholeNumber(1, 32), default: '2', doc: 'videos uploaded at once' }),
  v({ env: 'FULL_VIDEO_UPLOAD', parse: oneOf(['on-purchase', 'always'] as const), default: 'on-purchase', doc: '`on-purchase`: only the preview and thumbnail go up before the announcement; the full video stays local until a purchase needs it. `always`: the full MP4 is also uploaded after the announcement, at low priority (one at a time, yielding the rate cap to announcements)' }),
  v({ env: 'BUCKET_RETENTION_DAYS', parse: wholeNumber(0, 36500), default: '0', doc: "days a video's objects (preview, thumbnail, full MP4, purchase renditions) stay in the bucket after its last upload (0 = forever): by the store's own lifecycle rule (scoped to `S3_KEY_PREFIX`) where it accepts one, otherwise deleted by the service through a durable job; the doctor says which. A cancelled booking's objects are deleted whatever this says" }),
  v({ env: 'UPLOAD_MAX_MBPS', parse: megabits(), default: '0', doc: "cap on the service's total upload rate in Mbit/s, across all uploads (0 = none), so the venue's own internet stays usable; previews and thumbnails go first under it" }),
  v({ env: 'VIDEO_REQUEST_INTERVAL', parse: duration(100), default: '1m', demoDefault: '5s', doc: "how often AYO's `video-requests` (purchases) is polled" }),
  v({ env: 'PURCHASE_CONCURRENCY', parse: wholeNumber(1, 8), default: '1', doc: 'purchases rendered at once (each renders every quality, then uploads it)' }),
  v({ env: 'PURCHASE_MIN_COVERAGE', parse: fraction(), default: '0.9', doc: 'below this share of the booking covered by footage, a purchase request is reported incompleted (`video-request-incompleted`)' }),
  v({ env: 'ACTOR_MAX_RESTARTS', parse: wholeNumber(1, 1000), default: '5', doc: 'restart intensity of each failure domain (recording, connectivity, sync, delivery): restarts allowed within `ACTOR_RESTART_WINDOW`; past it a domain is stopped and retried minutes later, and past the recording domain\'s the service gives up (exit 3)' }),
  v({ env: 'ACTOR_RESTART_WINDOW', parse: duration(1000), default: '60s', doc: 'the window of `ACTOR_MAX_RESTARTS`' }),
  v({ env: 'SHUTDOWN_TIMEOUT', parse: duration(1000), default: '30s', doc: 'overall deadline of a graceful shutdown; past it the process exits 1' }),
  v({ env: 'CAMERAS', parse: camerasJson(), default: '[]', secret: true, secretsIn: cameraPasswords, doc: 'JSON array of cameras: `[{"name","fieldId","url","enabled"}]`; passwords in the URLs are secret' }),
  v({ env: 'CAMERAS_FILE', parse: camerasFile(), secret: true, secretsIn: cameraPasswords, doc: "path to a JSON file with the same array (instead of `CAMERAS`); watched and read again on `SIGHUP`: cameras change without a restart (see *Changing cameras*), and the dashboard's camera editor writes it" }),
  v({ env: 'SEGMENT_SECONDS', parse: wholeNumber(1, 600), default: '10', doc: 'length of one recorded segment' }),
  v({ env: 'RECORDING_RETENTION_HOURS', parse: wholeNumber(1, 24 * 365), default: '72', doc: 'segments older than this are deleted' }),
  v({ env: 'VIDEO_RETENTION_DAYS', parse: wholeNumber(1, 3650), doc: "days a delivered video's local files are kept after its booking ends; set, it overrides AYO's `auto_delete`, which otherwise decides; without either, `RECORDING_RETENTION_HOURS`. A video whose files and footage are gone and whose full video is not in the bucket becomes `unavailable`, and AYO hears it through `video-unavailable`" }),
  v({ env: 'RECORDING_DIRS', parse: directories(), doc: 'recording disks, a comma list of directories (default `$DATA_DIR/media/recordings`): each new recording run goes to the one with the most free space above `MIN_FREE_DISK_MB`; retention and the disk floor work per disk; a disk that disappears is marked down (`/api/status`, `/api/storage`, metrics) and recording moves to another' }),
  v({ env: 'MIN_FREE_DISK_MB', parse: wholeNumber(0, 10_000_000), default: '2048', doc: 'below this free space the oldest segments go first (on each recording disk)' }),
  v({ env: 'FFMPEG_PATH', parse: text(), default: 'ffmpeg', doc: 'the ffmpeg binary (from `PATH` by default)' }),
  v({ env: 'FFPROBE_PATH', parse: text(), default: 'ffprobe', doc: 'the ffprobe binary (from `PATH` by default)' }),
  v({ env: 'LIVE_IDLE_TIMEOUT', parse: duration(1000), default: '30s', doc: "a camera's live view (its second ffmpeg, stream copy into 1 s HLS segments) stops once nobody fetched its playlist for this long; it starts again on the next fetch" }),
  v({ env: 'VIDEO_SCAN_INTERVAL', parse: duration(100), default: '2m', demoDefault: '10s', doc: 'how often finished bookings are turned into videos (also at once on booking changes)' }),
  v({ env: 'CLIP_GRACE', parse: duration(0), default: '30s', demoDefault: '5s', doc: 'time after a booking ends before its video is made' }),
  v({ env: 'CLIP_CONCURRENCY', parse: wholeNumber(1, 64), default: CORES, doc: 'clip tasks at once (one per camera at a time)' }),
  v({ env: 'CLIP_SECONDS', parse: wholeNumber(5, 3600), default: '60', doc: "length of a manual clip, in seconds; set, it overrides AYO's `clip_duration`, which otherwise overrides this default" }),
  v({ env: 'VIDEO_QUALITIES', parse: heights(), doc: "heights of the purchased renditions, e.g. `480,720,1080`; set, it overrides AYO's `video_quality` (see `GET /api/settings`)" }),
  v({ env: 'VIDEO_ENCODER', parse: oneOf<VideoEncoderName>(['libx264', 'h264_vaapi', 'h264_qsv', 'h264_nvenc']), default: 'libx264', doc: '`libx264`, or a hardware encoder (`h264_vaapi`, `h264_qsv`, `h264_nvenc`) used when ffmpeg has it and a one-second test encode works; otherwise libx264, with a warning' }),
  v({ env: 'WATERMARK', parse: watermarkSource(), default: 'ayo', doc: "`ayo`: AYO's watermark images (fetched daily, kept in `$DATA_DIR/watermark`); `off`; or the path of a PNG drawn instead" }),
  v({ env: 'WATERMARK_POSITION', parse: oneOf<WatermarkPosition>(['top-left', 'top-right', 'bottom-left', 'bottom-right']), default: 'top-right', doc: 'corner of the watermark: `top-left`, `top-right`, `bottom-left`, `bottom-right`' }),
  v({ env: 'WATERMARK_MARGIN', parse: wholeNumber(0, 1000), default: '24', doc: "pixels between the watermark and the frame's edges" }),
  v({ env: 'WATERMARK_OPACITY', parse: fraction(), default: '0.8', doc: 'opacity of the watermark, 0 to 1' }),
  v({ env: 'VIDEO_RETRY_DELAYS', parse: durations(), default: '3s,6s,12s', doc: 'delays of the quick processing retries' }),
  v({ env: 'VIDEO_JOB_RETRY_DELAYS', parse: durations(), default: '5m,15m,30m,60m,120m', doc: 'delays of the later retries of a failed video' }),
  v({ env: 'BUTTON_SERIAL_PORT', parse: devicePath(), doc: "serial port of the venue's highlight buttons (an Arduino sending `N;` for button N), e.g. `/dev/ttyUSB0` or a stable `/dev/serial/by-id/...` path; a press makes a manual clip of the camera whose `buttonNo` is N. Unset: no buttons" }),
  v({ env: 'BUTTON_BAUD_RATE', parse: baudRate(), default: '9600', doc: 'speed of the button serial line' }),
  v({ env: 'DEMO', parse: bool(), default: 'false', doc: '`true`: simulated AYO, two synthetic cameras (unless `CAMERAS` is set), local object store at `/objects`' }),
  v({ env: 'DEMO_BOOKING_LENGTH', parse: duration(1000), default: '2m', doc: 'demo: length of each simulated booking' }),
  v({ env: 'DEMO_BOOKING_INTERVAL', parse: duration(1000), default: '3m', doc: 'demo: time between simulated bookings (alternating fields 1 and 2)' }),
  v({ env: 'DEMO_FIRST_BOOKING_AFTER', parse: duration(1000), default: '30s', doc: 'demo: when the first simulated booking starts' }),
  v({ env: 'LOG_LEVEL', parse: oneOf<LogLevel>(['debug', 'info', 'warn', 'error']), default: 'info', doc: '`debug`, `info`, `warn`, `error`' }),
  v({ env: 'LOG_FORMAT', parse: oneOf<LogFormat>(['pretty', 'json']), default: 'pretty', doc: '`pretty` (one human line per event) or `json`' }),
] as const satisfies readonly Variable[];

type Entry = (typeof VARIABLES)[number];

/** The name of a variable the service reads. */
export type VariableName = Entry['env'];

const BY_NAME = new Map<string, Variable>(VARIABLES.map((e) => [e.env, e]));

/** The list's entry for `name` (the name is typed, so it is always there). */
export function variableNamed(name: VariableName): Variable {
  return BY_NAME.get(name)!;
}

/** The parsed type of variable `N`: with `| undefined` when it has no default. */
export type ValueOf<N extends VariableName> =
  Extract<Entry, { env: N }> extends Variable<N, infer T, infer D> ? (D extends undefined ? T | undefined : T) : never;
