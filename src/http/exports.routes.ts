// Exports of any window: POST /api/exports, GET /api/exports, GET /api/exports/:id and its file (streamed, with
// Range). The cut is the `export` job kind's, in VideoActor; this module validates, queues and serves.

import fs from 'node:fs';
import {
  defineEventHandler,
  getRequestHeader,
  readBody,
  sendStream,
  setResponseHeader,
  setResponseStatus,
  type H3Event,
  type Router,
} from 'h3';
import type { Db, ExportRow, ExportsRepo, MissingStretch } from '../db/index.js';
import { MAX_EXPORT_MS, queueExport } from '../exports/index.js';
import { httpError, quote } from './errors.js';
import { parseInstant } from './instant-param.js';
import { parseLimit, pathParam, readQuery } from './query.js';

const iso = (ms: number) => new Date(ms).toISOString();
const BODY_HINT =
  'Body must be JSON like {"camera": "CAMERA_1", "from": "2026-03-01T19:00:00+07:00", "to": "2026-03-01T20:00:00+07:00"}';

/** An export as the API answers it; times ISO-8601 UTC. */
function toExportDto(e: ExportRow) {
  const covered = e.covered ? (JSON.parse(e.covered) as [number, number][]) : null;
  const missing = e.missing ? (JSON.parse(e.missing) as MissingStretch[]) : null;
  return {
    id: e.id,
    camera: e.camera,
    from: iso(e.from_ms),
    to: iso(e.to_ms),
    state: e.state,
    coverage: e.coverage,
    covered: covered?.map(([a, b]) => ({ start: iso(a), end: iso(b) })) ?? null,
    missing: missing?.map((m) => ({ start: iso(m.startMs), end: iso(m.endMs), reason: m.reason })) ?? null,
    missingSeconds: missing ? missing.reduce((s, m) => s + (m.endMs - m.startMs), 0) / 1000 : null,
    durationSec: e.duration_sec,
    sizeBytes: e.size_bytes,
    error: e.error,
    file: e.state === 'done' ? `/api/exports/${e.id}/file` : null,
    expiresAt: iso(e.expires_at_ms),
    createdAt: e.created_at,
    updatedAt: e.updated_at,
  };
}

/** A byte range of a file of `size` bytes: the range asked for, `unsatisfiable`, or null for the whole file. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  // Only one range is served; a malformed or multi-range header is ignored (RFC 9110 allows it): the whole file.
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Dependencies of the exports endpoints. */
export interface ExportRoutesDeps {
  db: Db;
  exports: ExportsRepo;
  /** The configured camera names (the live list: a reload changes it). */
  cameras: readonly string[];
  /** RECORDING_RETENTION_HOURS: an export lives as long as its footage would. */
  retentionHours: number;
  /** Tells VideoActor that work was queued (else it finds it within a second). */
  wake?: () => void;
  now?: () => number;
}

function readId(event: H3Event): number {
  const raw = pathParam(event, 'id');
  if (!/^\d{1,15}$/.test(raw)) throw httpError(400, `Invalid export id ${quote(raw)}: must be a whole number`);
  return Number(raw);
}

/** Registers the exports endpoints. */
export function registerExportRoutes(router: Router, deps: ExportRoutesDeps): void {
  const now = deps.now ?? Date.now;
  const find = (event: H3Event) => {
    const id = readId(event);
    const e = deps.exports.get(id);
    if (!e) throw httpError(404, `Export ${id} not found`);
    return e;
  };

  router.post(
    '/api/exports',
    defineEventHandler(async (event) => {
      readQuery(event, []);
      let body: unknown;
      try {
        body = await readBody(event);
      } catch {
        throw httpError(400, BODY_HINT);
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw httpError(400, BODY_HINT);
      const b = body as Record<string, unknown>;
      const unknown = Object.keys(b).filter((k) => !['camera', 'from', 'to'].includes(k));
      if (unknown.length) throw httpError(400, `Unknown field ${quote(unknown[0]!)}: allowed are camera, from, to`);
      if (typeof b.camera !== 'string') throw httpError(400, 'camera must be the name of a configured camera');
      if (!deps.cameras.includes(b.camera))
        throw httpError(400, `Unknown camera ${quote(b.camera)}: configured are ${deps.cameras.join(', ') || 'none'}`);
      const fromMs = parseInstant(b.from, 'from');
      const toMs = parseInstant(b.to, 'to');
      if (fromMs >= toMs) throw httpError(400, `from (${iso(fromMs)}) must be before to (${iso(toMs)})`);
      if (toMs - fromMs > MAX_EXPORT_MS)
        throw httpError(
          400,
          `The window is ${((toMs - fromMs) / 3_600_000).toFixed(2)} h long: an export covers at most 4 h`,
        );
      if (toMs > now())
        throw httpError(400, `The window ends in the future (${iso(toMs)}): export only what has been recorded`);
      const row = queueExport(deps.db, { camera: b.camera, fromMs, toMs }, deps.retentionHours, now());
      deps.wake?.();
      setResponseStatus(event, 202);
      setResponseHeader(event, 'location', `/api/exports/${row.id}`);
      return { status: 'success', data: toExportDto(row) };
    }),
  );

  router.get(
    '/api/exports',
    defineEventHandler((event) => {
      const q = readQuery(event, ['limit']);
      const rows = deps.exports.recent(parseLimit(q.limit, 50, 500));
      return { status: 'success', count: rows.length, data: rows.map(toExportDto) };
    }),
  );

  router.get(
    '/api/exports/:id',
    defineEventHandler((event) => {
      readQuery(event, []);
      return { status: 'success', data: toExportDto(find(event)) };
    }),
  );

  router.get(
    '/api/exports/:id/file',
    defineEventHandler((event) => {
      readQuery(event, []);
      const e = find(event);
      if (e.state === 'expired') throw httpError(410, `Export ${e.id} expired with the recording retention`);
      if (e.state !== 'done' || !e.file) throw httpError(409, `Export ${e.id} is ${e.state}: its file is not ready`);
      let size: number;
      try {
        size = fs.statSync(e.file).size;
      } catch {
        throw httpError(410, `Export ${e.id}: its file is gone`);
      }
      setResponseHeader(event, 'accept-ranges', 'bytes');
      setResponseHeader(event, 'content-type', 'video/mp4');
      const stamp = iso(e.from_ms)
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      setResponseHeader(event, 'content-disposition', `attachment; filename="export-${e.id}-${e.camera}-${stamp}.mp4"`);
      const range = parseRange(getRequestHeader(event, 'range'), size);
      if (range === 'unsatisfiable') {
        setResponseStatus(event, 416);
        setResponseHeader(event, 'content-range', `bytes */${size}`);
        return {
          status: 'error',
          message: `Range ${getRequestHeader(event, 'range')} is outside the file's ${size} bytes`,
        };
      }
      if (!range) {
        setResponseHeader(event, 'content-length', size);
        return sendStream(event, fs.createReadStream(e.file));
      }
      setResponseStatus(event, 206);
      setResponseHeader(event, 'content-range', `bytes ${range.start}-${range.end}/${size}`);
      setResponseHeader(event, 'content-length', range.end - range.start + 1);
      return sendStream(event, fs.createReadStream(e.file, { start: range.start, end: range.end }));
    }),
  );
}
