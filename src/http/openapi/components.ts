// The shared components of the OpenAPI document: the error shape, the API key scheme, and the shapes several areas
// answer (booking, video, sync run, actor, camera, job). Enums come from the constants and unions the code uses.

import {
  BOOKING_STATUSES,
  VIDEO_STATUSES,
  type JobStatus,
  type FailureClass,
  type WaitingFor,
} from '../../db/index.js';
import { JOB_KINDS } from '../../pipeline/index.js';
import type { CameraDto } from '../runtime.routes.js';
import type { ChildState, DomainState, RestartType } from '../../supervisor/index.js';
import { allOf, array, boolean, instant, integer, nullable, object, ref, string, type Schema } from './schema.js';

/** Job statuses, job wait reasons and failure classes as the queue stores them. */
export const JOB_STATUSES = allOf<JobStatus>()('pending', 'running', 'done', 'dead', 'cancelled');
const WAITING_FOR = allOf<WaitingFor>()('due-time', 'dependency-offline', 'circuit-open', 'gate', 'turn');
const FAILURE_CLASSES = allOf<FailureClass>()('server-error', 'timeout', 'unreachable', 'rejected', 'other');
/** Actor and failure-domain states. */
export const CHILD_STATES = allOf<ChildState>()('starting', 'running', 'stopping', 'stopped', 'crashed', 'restarting');
export const DOMAIN_STATES = allOf<DomainState>()('running', 'failed', 'retrying');
const RESTART_TYPES = allOf<RestartType>()('permanent', 'transient', 'temporary');
const CAMERA_STATES = allOf<CameraDto['state']>()('recording', 'reconnecting', 'offline', 'disabled');

const ISO_DATE = { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const TIME_OF_DAY = { type: 'string', pattern: '^\\d{2}:\\d{2}:\\d{2}$' } as const;
const interval = object({ start: instant(), end: instant() });
const videoFiles = (what: string) =>
  object({ mp4: nullable(string(what)), preview: nullable(string(what)), thumbnail: nullable(string(what)) });

/** The video fields both the list and the detail answer. */
const VIDEO_FIELDS: Record<string, Schema> = {
  uniqueId: string('`<booking id, / → ->_<camera>_<start>` (a suffix keeps colliding ids apart)'),
  bookingId: string(),
  camera: string(),
  fieldId: nullable(integer()),
  type: { enum: ['full', 'clip'], description: 'full: the whole booking; clip: a manual highlight' },
  status: { enum: [...VIDEO_STATUSES] },
  reason: nullable(string('Why it failed, was cancelled or is unavailable')),
  windowStart: instant(),
  windowEnd: instant(),
  coverage: nullable({ type: 'number', minimum: 0, maximum: 1, description: 'Share of the window recorded' }),
  covered: nullable(array(interval)),
  missing: nullable(array(interval)),
  durationSec: nullable({ type: 'number' }),
  sizeBytes: nullable(integer()),
  files: videoFiles('Relative to DATA_DIR'),
  urls: videoFiles('Public URL in the bucket'),
  bucket: object({
    objects: array({ enum: ['mp4', 'preview', 'thumbnail'] }),
    uploadedAt: nullable(instant()),
    deletedAt: nullable(instant()),
    deletedReason: nullable(string('BUCKET_RETENTION_DAYS, the bucket’s own lifecycle rule, or a cancelled booking')),
  }),
  createdAt: string(),
  updatedAt: string(),
};

/** Shared schemas, referenced as `#/components/schemas/<name>`. */
const schemas: Record<string, Schema> = {
  Error: {
    ...object({ status: { const: 'error' }, message: string('What went wrong, for a person; never a stack trace') }),
    description: 'Every error the service answers',
  },
  Booking: object({
    id: integer(),
    bookingId: string('As AYO wrote it; may contain `/`'),
    orderDetailId: nullable(integer()),
    fieldId: nullable(integer()),
    date: { ...ISO_DATE, description: 'Venue-local date' },
    startTime: { ...TIME_OF_DAY, description: 'Venue-local time' },
    endTime: { ...TIME_OF_DAY, description: 'Venue-local time; at or before startTime runs past midnight' },
    status: { enum: [...BOOKING_STATUSES] },
    fieldName: nullable(string()),
    userName: nullable(string()),
    userPhone: nullable(string()),
    createdAt: instant(),
    updatedAt: instant(),
    rawJson: string('The booking as AYO sent it (JSON text)'),
    lastSyncAt: instant(),
  }),
  BookingList: object({ status: { const: 'success' }, count: integer(), data: array(ref('Booking')) }),
  SyncRun: object({
    id: integer(),
    trigger: string('What started it: `timer`, `api`, `startup`, `reconnect`, ...'),
    startedAt: instant(),
    finishedAt: nullable(instant('Null while it runs')),
    dates: array({ ...ISO_DATE }),
    fetched: integer(),
    created: integer(),
    updated: integer(),
    unchanged: integer(),
    skipped: integer(),
    vanished: integer(),
    failedDates: array(object({ date: { ...ISO_DATE }, error: string() })),
    error: nullable(string()),
  }),
  Video: object(VIDEO_FIELDS),
  VideoDetail: object({
    ...VIDEO_FIELDS,
    history: array(object({ at: string(), status: string(), reason: nullable(string()) })),
  }),
  Actor: object({
    id: string('`sync`, `connectivity`, `recorder:<camera>`, `video`, `upload`, `notify`'),
    state: { enum: CHILD_STATES },
    domain: string(),
    domainState: { enum: DOMAIN_STATES },
    restart: { enum: RESTART_TYPES },
    restarts: integer(),
    lastError: nullable(string()),
    startedAt: nullable(instant()),
    lastHeartbeat: nullable(instant()),
  }),
  Domain: object({
    name: string('`recording`, `connectivity`, `sync`, `delivery`'),
    state: { enum: DOMAIN_STATES },
    critical: boolean(),
    children: array(string()),
    failures: integer(),
    reason: nullable(string()),
    failedAt: nullable(instant()),
    retryAt: nullable(instant()),
  }),
  Camera: object({
    name: string(),
    fieldId: integer(),
    enabled: boolean(),
    url: string('Its password shown as `***`'),
    state: { enum: CAMERA_STATES },
    reason: nullable(string()),
    lastSegmentEndAt: nullable(instant()),
    lastSegmentAgeSeconds: nullable(integer()),
    segmentsLastHour: integer(),
    bytesLastHour: integer(),
  }),
  WaitingJob: object({
    id: integer(),
    kind: { enum: JOB_KINDS },
    uniqueId: nullable(string()),
    waitingFor: {
      enum: WAITING_FOR,
      description:
        'due-time: backing off after a failure (or its first run); dependency-offline; circuit-open; gate (see detail); turn: due, waits for a free slot',
    },
    dependency: nullable(string('`ayo`, `object-store`')),
    failureClass: nullable({ enum: FAILURE_CLASSES }),
    detail: nullable(string('The gate’s word, e.g. footage not recorded yet')),
    dueAt: instant(),
    since: string('Since when it waits for this'),
    attempts: integer(),
    maxAttempts: integer(),
    lastError: nullable(string()),
    broughtForward: { type: 'boolean', description: 'A recovery of its dependency made it due early' },
  }),
  DeadLetter: object({
    id: integer(),
    kind: { enum: JOB_KINDS },
    uniqueId: nullable(string()),
    attempts: integer(),
    lastError: nullable(string()),
    updatedAt: string(),
  }),
};

/** An error answer `{"status":"error","message":...}` for each status the service answers with one. */
const ERROR_RESPONSES: Record<number, string> = {
  400: 'Bad input, named in the message: an unknown or repeated parameter, a value out of range, a malformed body',
  401: 'API_KEY is set and the request did not send it as `Authorization: Bearer <API_KEY>`',
  403: 'A state change from another origin (a browser page that is not the service’s own)',
  404: 'No such thing (the id, name or route is named in the message)',
  409: 'The request conflicts with the state of the thing it names',
  410: 'The thing named is gone for good (e.g. an export expired with the recording retention, its file deleted)',
  413: 'The request body is over 64 kB',
  415: 'A state change not sent as `Content-Type: application/json` (with or without a body)',
  416: 'The `Range` asked for is outside the file; `Content-Range: bytes */size` says its size',
  421: 'The `Host` header does not name this service (a loopback name, HOST or ALLOWED_HOSTS)',
  429: 'Too many requests; `Retry-After` says when to try again',
  500: 'The service failed (logged); the message says no more',
  503: 'Not available right now: shutting down, a part of the service restarting, or the database locked by another connection (`Retry-After`)',
};

/** The name of the shared error response of `status` (`#/components/responses/Error409`). */
export const errorResponseRef = (status: number) => ({ $ref: `#/components/responses/Error${status}` });

/** The document's `components`. */
export const components = {
  schemas,
  responses: Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([status, description]) => [
      `Error${status}`,
      {
        description,
        ...(status === '429' || status === '503'
          ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: integer() } } }
          : {}),
        ...(status === '416'
          ? { headers: { 'Content-Range': { description: '`bytes */<size>`', schema: { type: 'string' } } } }
          : {}),
        content: { 'application/json': { schema: ref('Error') } },
      },
    ]),
  ),
  securitySchemes: {
    apiKey: {
      type: 'http',
      scheme: 'bearer',
      description:
        'When API_KEY is set, every `/api/...` request sends `Authorization: Bearer <API_KEY>` (401 otherwise). Without API_KEY no key is needed.',
    },
  },
};
