// The object store seam: what the upload stage needs of Cloudflare R2 (or any S3 API, or a local stand-in).

/** Where objects go and how the players reach them. */
export interface ObjectStore {
  /**
   * Uploads a local file to `key` (overwriting: re-uploading after a crash is harmless). `verified` is true when
   * the store's answer already proves the stored bytes equal the file's (an ETag equal to the local MD5); the
   * caller checks the stored size otherwise. `priority` `low` (the full MP4 after its announcement) yields the upload
   * rate cap's bytes to `high` ones (the default: what an announcement waits for).
   */
  put(
    key: string,
    file: string,
    contentType: string,
    signal?: AbortSignal,
    opts?: { priority?: 'high' | 'low' },
  ): Promise<{ size: number; verified: boolean }>;
  /** The stored size of `key`, or undefined when it does not exist. */
  size(key: string, signal?: AbortSignal): Promise<number | undefined>;
  /** Removes `key` (a missing key is not an error). */
  remove(key: string, signal?: AbortSignal): Promise<void>;
  /** Downloads `key` into `file` (written to `<file>.part`, renamed when whole). */
  download(key: string, file: string, signal?: AbortSignal): Promise<void>;
  /** Every key that starts with `prefix` (all pages). */
  list(prefix: string, signal?: AbortSignal): Promise<string[]>;
  /** The public URL of `key`. */
  publicUrl(key: string): string;
  /**
   * The bucket's own expiration rule for BUCKET_RETENTION_DAYS, where the store has lifecycle rules (R2, S3); absent
   * for a store without them (the local one).
   */
  expiry?: {
    /** Sets the rule (objects under `prefix` deleted `days` after upload; 0 removes it), keeping every other rule. */
    set(prefix: string, days: number, signal?: AbortSignal): Promise<void>;
    /** The rule in force, or undefined when the bucket has none of ours. */
    get(signal?: AbortSignal): Promise<{ prefix: string; days: number } | undefined>;
  };
}

/** The three objects of a video: `<prefix>mp4/<unique_id>.mp4`, `..._preview.mp4`, `..._thumbnail.jpg`. */
export function videoObjectKeys(prefix: string, uniqueId: string): { mp4: string; preview: string; thumbnail: string } {
  return {
    mp4: `${prefix}mp4/${uniqueId}.mp4`,
    preview: `${prefix}mp4/${uniqueId}_preview.mp4`,
    thumbnail: `${prefix}mp4/${uniqueId}_thumbnail.jpg`,
  };
}
