// An object store on the local disk, for the demo: the same ObjectStore interface as R2, with public URLs that
// the service itself serves (GET /objects/...). Keys are kept inside the store's directory.

import fs from 'node:fs';
import path from 'node:path';
import type { ObjectStore } from './object-store.js';

/** Where the local store keeps objects and where the service serves them. */
export interface LocalStoreConfig {
  dir: string;
  publicBaseUrl: string;
}

/** The file of `key` inside `dir`; refuses keys that would leave it. */
export function localObjectPath(dir: string, key: string): string {
  const full = path.resolve(dir, key);
  if (!full.startsWith(path.resolve(dir) + path.sep))
    throw new Error(`object key ${JSON.stringify(key)} leaves the store`);
  return full;
}

/** Creates the store. */
export function createLocalStore(cfg: LocalStoreConfig): ObjectStore {
  return {
    async put(key, file) {
      const dest = localObjectPath(cfg.dir, key);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      // Copy to a temporary name, then rename: a reader never sees half an object.
      fs.copyFileSync(file, `${dest}.part`);
      fs.renameSync(`${dest}.part`, dest);
      return { size: fs.statSync(dest).size, verified: false };
    },
    async size(key) {
      try {
        return fs.statSync(localObjectPath(cfg.dir, key)).size;
      } catch {
        return undefined;
      }
    },
    async remove(key) {
      fs.rmSync(localObjectPath(cfg.dir, key), { force: true });
    },
    async download(key, file) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.copyFileSync(localObjectPath(cfg.dir, key), `${file}.part`);
      fs.renameSync(`${file}.part`, file);
    },
    async list(prefix) {
      if (!fs.existsSync(cfg.dir)) return [];
      return (fs.readdirSync(cfg.dir, { recursive: true }) as string[])
        .map((f) => f.split(path.sep).join('/'))
        .filter((k) => k.startsWith(prefix) && !k.endsWith('.part') && fs.statSync(path.join(cfg.dir, k)).isFile())
        .sort();
    },
    publicUrl(key) {
      return `${cfg.publicBaseUrl}/${key.split('/').map(encodeURIComponent).join('/')}`;
    },
  };
}
