// Watches one file through its directory: editors that write a temporary file and rename it over the original
// replace the inode that a watch on the file itself would follow, and a file missing for a moment is not an error.
// Events are debounced: a save is several events (write, rename, chmod), and only the settled file matters.

import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';
import { describeError } from '../errors.js';

/** A running watch. */
export interface FileWatch {
  close(): void;
}

/** Calls `onChange` once the events about `file` have been quiet for `debounceMs`. */
export function watchFile(
  file: string,
  onChange: () => void,
  opts: { logger: Logger; debounceMs?: number; rewatchMs?: number },
): FileWatch {
  const dir = path.dirname(file);
  const name = path.basename(file);
  const debounceMs = opts.debounceMs ?? 300;
  let timer: NodeJS.Timeout | undefined;
  let rewatch: NodeJS.Timeout | undefined;
  let watcher: fs.FSWatcher | undefined;
  let closed = false;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => !closed && onChange(), debounceMs);
  };
  const start = () => {
    if (closed) return;
    try {
      watcher = fs.watch(dir, { persistent: false }, (_event, filename) => {
        // Some platforms do not name the file: any event in the directory may be it.
        if (filename === null || filename.toString() === name) changed();
      });
      watcher.on('error', (e) => {
        opts.logger.warn(`🎥 CAMERAS: watching ${dir} failed (${describeError(e)}); watching it again shortly`);
        watcher?.close();
        rewatch = setTimeout(start, opts.rewatchMs ?? 5_000);
        // What changed while nobody watched is looked at once the directory is back.
        changed();
      });
    } catch (e) {
      opts.logger.warn(`🎥 CAMERAS: cannot watch ${dir} (${describeError(e)}); trying again shortly`);
      rewatch = setTimeout(start, opts.rewatchMs ?? 5_000);
    }
  };
  start();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      clearTimeout(rewatch);
      watcher?.close();
    },
  };
}
