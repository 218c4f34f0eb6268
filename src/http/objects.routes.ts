// GET /objects/...: the demo's local object store, served read-only (the players' public URLs point here).

import fs from 'node:fs';
import path from 'node:path';
import { defineEventHandler, sendStream, setResponseHeader, type Router } from 'h3';
import { localObjectPath } from '../storage/index.js';
import { httpError } from './errors.js';

const TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.jpg': 'image/jpeg',
  '.txt': 'text/plain; charset=utf-8',
};

/** Registers GET /objects/** over `dir`. */
export function registerObjectRoutes(router: Router, dir: string): void {
  router.get(
    '/objects/**',
    defineEventHandler((event) => {
      const raw = (event.node.req.url ?? '').split('?')[0]!.slice('/objects/'.length);
      let key: string;
      let file: string;
      try {
        key = decodeURIComponent(raw);
        file = localObjectPath(dir, key);
      } catch {
        throw httpError(400, 'Invalid object key');
      }
      let size: number;
      try {
        const st = fs.statSync(file);
        if (!st.isFile()) throw new Error('not a file');
        size = st.size;
      } catch {
        throw httpError(404, `Object ${JSON.stringify(key)} not found`);
      }
      setResponseHeader(event, 'content-type', TYPES[path.extname(file)] ?? 'application/octet-stream');
      setResponseHeader(event, 'content-length', size);
      setResponseHeader(event, 'cache-control', 'public, max-age=3600');
      return sendStream(event, fs.createReadStream(file));
    }),
  );
}
