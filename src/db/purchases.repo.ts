// The purchases table: one row per AYO purchase request (`video_request_id` of GET video-requests), its state and
// its history. src/purchase/ decides and moves the states; this module only reads and writes rows.

import type { Db } from './connection.js';
import { whereEquals } from './filters.js';

/**
 * The states of a purchase.
 * - waiting: its video is still being made; looked at again at each poll.
 * - queued: accepted; its `purchase` job (renditions, then their upload) is due or backing off.
 * - rendering: the renditions are being made.
 * - uploading: the renditions are made and going to the object store.
 * - saving: every object is verified in the store; its `save-video` job is due or backing off.
 * - delivered: AYO accepted save-video.
 * - invalid: unknown unique_id or a cancelled video (reported with video-request-invalid).
 * - incompleted: the footage is gone or covers too little of the booking (video-request-incompleted).
 * - failed: out of attempts or refused for good (a 4xx); an operator sees why.
 */
export const PURCHASE_STATES = [
  'waiting',
  'queued',
  'rendering',
  'uploading',
  'saving',
  'delivered',
  'invalid',
  'incompleted',
  'failed',
] as const;

/** A state of a purchase. */
export type PurchaseState = (typeof PURCHASE_STATES)[number];

/** A row of `purchases`; `video` is the JSON of save-video's `video` array once the renditions are in the store. */
export interface PurchaseRow {
  video_request_id: string;
  unique_id: string;
  booking_id: string | null;
  user_id: string | null;
  state: PurchaseState;
  reason: string | null;
  raw_json: string;
  video: string | null;
  seen_at_ms: number;
  delivered_at_ms: number | null;
  created_at: string;
  updated_at: string;
}

/** One step of a purchase's history. */
export interface PurchaseEventRow {
  at: string;
  state: string;
  reason: string | null;
}

/** A new request as AYO listed it. */
export interface PurchaseInput {
  videoRequestId: string;
  uniqueId: string;
  bookingId: string | null;
  userId: string | null;
  raw: unknown;
}

/** Filters of {@link PurchasesRepo.list}; values already validated. */
export interface PurchaseFilter {
  state?: string;
  uniqueId?: string;
  bookingId?: string;
  limit: number;
}

/** The repository over `purchases`. */
export type PurchasesRepo = ReturnType<typeof createPurchasesRepo>;

/** Creates the repository with its statements prepared once. */
export function createPurchasesRepo(db: Db) {
  const byId = db.prepare<[string], PurchaseRow>('SELECT * FROM purchases WHERE video_request_id = ?');
  const insert =
    db.prepare(`INSERT INTO purchases (video_request_id, unique_id, booking_id, user_id, state, reason, raw_json,
      seen_at_ms, created_at, updated_at) VALUES (@id, @uid, @booking, @user, @state, @reason, @raw, @seen, @now, @now)
      ON CONFLICT (video_request_id) DO NOTHING`);
  const event = db.prepare('INSERT INTO purchase_events (video_request_id, at, state, reason) VALUES (?, ?, ?, ?)');
  const update = db.prepare(`UPDATE purchases SET state = @state, reason = @reason, updated_at = @now,
      video = COALESCE(@video, video), delivered_at_ms = COALESCE(@delivered, delivered_at_ms)
      WHERE video_request_id = @id AND state IN (SELECT value FROM json_each(@from))`);
  const history = db.prepare<[string], PurchaseEventRow>(
    'SELECT at, state, reason FROM purchase_events WHERE video_request_id = ? ORDER BY id',
  );
  const ofState = db.prepare<[string], PurchaseRow>('SELECT * FROM purchases WHERE state = ? ORDER BY seen_at_ms');
  const counts = db.prepare<[], { state: string; n: number }>(
    'SELECT state, COUNT(*) AS n FROM purchases GROUP BY state',
  );

  return {
    get: (id: string): PurchaseRow | undefined => byId.get(id),
    /** Adds a request in `state` with its first history line; false when it was already known. */
    add(p: PurchaseInput, state: PurchaseState, reason: string | null, nowMs: number): boolean {
      const now = new Date(nowMs).toISOString();
      const r = insert.run({
        id: p.videoRequestId,
        uid: p.uniqueId,
        booking: p.bookingId,
        user: p.userId,
        state,
        reason,
        raw: JSON.stringify(p.raw),
        seen: nowMs,
        now,
      });
      if (r.changes === 0) return false;
      event.run(p.videoRequestId, now, state, reason);
      return true;
    },
    /**
     * Moves a purchase from one of `from` to `state` and writes its history; false (nothing written) when it was in
     * none of them. `video` (save-video's array) and `deliveredAtMs` are kept once set.
     */
    move(
      id: string,
      from: readonly PurchaseState[],
      state: PurchaseState,
      reason: string | null,
      nowMs: number,
      extra: { video?: unknown; deliveredAtMs?: number } = {},
    ): boolean {
      const now = new Date(nowMs).toISOString();
      const r = update.run({
        id,
        from: JSON.stringify(from),
        state,
        reason,
        now,
        video: extra.video === undefined ? null : JSON.stringify(extra.video),
        delivered: extra.deliveredAtMs ?? null,
      });
      if (r.changes === 0) return false;
      event.run(id, now, state, reason);
      return true;
    },
    history: (id: string): PurchaseEventRow[] => history.all(id),
    inState: (state: PurchaseState): PurchaseRow[] => ofState.all(state),
    /** Purchases per state (every state, 0 included). */
    counts(): Record<PurchaseState, number> {
      const out = Object.fromEntries(PURCHASE_STATES.map((s) => [s, 0])) as Record<PurchaseState, number>;
      for (const { state, n } of counts.all()) if (state in out) out[state as PurchaseState] = n;
      return out;
    },
    /** The newest purchases first. */
    list(f: PurchaseFilter): PurchaseRow[] {
      const { where, params } = whereEquals({ state: f.state, unique_id: f.uniqueId, booking_id: f.bookingId });
      return db
        .prepare<Record<string, string | number>, PurchaseRow>(
          `SELECT * FROM purchases ${where} ORDER BY seen_at_ms DESC, video_request_id LIMIT @limit`,
        )
        .all({ ...params, limit: f.limit });
    },
  };
}
