// Parser of RECORDING_DIRS: the recording disks, a comma list of directories.

import path from 'node:path';
import { rule, type Parser } from './parser.js';

/** The most recording disks a box takes: a longer list is a mistake, not a box. */
const MAX_DIRS = 16;

/** A comma list of directories, each made absolute, none twice, at most 16. */
export const directories = (): Parser<string[]> =>
  rule(
    `must be a comma-separated list of up to ${MAX_DIRS} different directories, like /mnt/disk1/recordings,/mnt/disk2/recordings`,
    (s) => {
      const dirs = s.split(',').map((d) => d.trim());
      if (dirs.some((d) => d === '') || dirs.length > MAX_DIRS) return undefined;
      const abs = dirs.map((d) => path.resolve(d));
      return new Set(abs).size === abs.length ? abs : undefined;
    },
    (v) =>
      Array.isArray(v) &&
      v.length > 0 &&
      v.length <= MAX_DIRS &&
      v.every((d) => typeof d === 'string' && path.isAbsolute(d)) &&
      new Set(v).size === v.length,
  );
