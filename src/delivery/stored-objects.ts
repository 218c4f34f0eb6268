// Which objects of a video are in the object store (`videos.stored_objects`): written as each one is verified there,
// whatever became of the video meanwhile (it is a fact about the bucket). A purchase that needs the full video, and
// a storage sweep that asks "is its full video in the bucket", read it here. Each upload (purchase renditions too)
// also stamps `bucket_uploaded_at_ms`, which BUCKET_RETENTION_DAYS counts from, and a deletion from the bucket clears
// the list and says when and why.

import type { Db } from '../db/index.js';

/** A video's object in the store. */
export type StoredObject = 'mp4' | 'preview' | 'thumbnail';

const ORDER: readonly StoredObject[] = ['mp4', 'preview', 'thumbnail'];

/** The column's text as a list (unknown names are dropped). */
function parse(text: string | undefined): StoredObject[] {
  const names = new Set((text ?? '').split(','));
  return ORDER.filter((o) => names.has(o));
}

/** The stored objects of videos over one connection. */
export function createStoredObjects(db: Db) {
  const get = db.prepare<[string], { stored_objects: string }>('SELECT stored_objects FROM videos WHERE unique_id = ?');
  const set = db.prepare<[string, string, string]>(
    'UPDATE videos SET stored_objects = ?, updated_at = ? WHERE unique_id = ?',
  );
  const setMp4 = db.prepare<[string, string, string, string]>(
    'UPDATE videos SET stored_objects = ?, mp4_url = ?, updated_at = ? WHERE unique_id = ?',
  );
  const stamp = db.prepare<[number, string]>(
    `UPDATE videos SET bucket_uploaded_at_ms = ?, bucket_deleted_at_ms = NULL, bucket_deleted_reason = NULL
       WHERE unique_id = ?`,
  );
  const cleared = db.prepare<[number, string, string, string]>(
    `UPDATE videos SET stored_objects = '', bucket_deleted_at_ms = ?, bucket_deleted_reason = ?, updated_at = ?
       WHERE unique_id = ?`,
  );
  return {
    /** The objects of `uniqueId` in the store (empty for an unknown video). */
    of(uniqueId: string): StoredObject[] {
      return parse(get.get(uniqueId)?.stored_objects);
    },
    /** Records that `object` of `uniqueId` is in the store, verified; the MP4 with its public URL. */
    add(uniqueId: string, object: StoredObject, url: string, nowIso = new Date().toISOString()): void {
      db.transaction(() => {
        const row = get.get(uniqueId);
        if (!row) return;
        const list = parse(row.stored_objects);
        const next = ORDER.filter((o) => o === object || list.includes(o)).join(',');
        if (object === 'mp4') setMp4.run(next, url, nowIso, uniqueId);
        else if (next !== row.stored_objects) set.run(next, nowIso, uniqueId);
        stamp.run(Date.parse(nowIso), uniqueId);
      }).immediate();
    },
    /** Records that more objects of `uniqueId` went up (a purchase's renditions): its bucket retention counts anew. */
    uploaded(uniqueId: string, nowMs = Date.now()): void {
      stamp.run(nowMs, uniqueId);
    },
    /** Records that every object of `uniqueId` was deleted from the store, and why. */
    deleted(uniqueId: string, reason: string, nowMs = Date.now()): void {
      cleared.run(nowMs, reason, new Date(nowMs).toISOString(), uniqueId);
    },
  };
}
