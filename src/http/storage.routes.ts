// GET /api/storage: what the recordings take, per recording disk and per camera and venue day, and how many days
// the box really keeps beside the retention setting (src/recording/storage-report.ts).

import { defineEventHandler, type Router } from 'h3';
import type { StorageReporter } from '../recording/storage-report.js';
import { readQuery } from './query.js';

/** Registers GET /api/storage. */
export function registerStorageRoute(router: Router, report: StorageReporter): void {
  router.get(
    '/api/storage',
    defineEventHandler((event) => {
      readQuery(event, []);
      return { status: 'success', data: report.get() };
    }),
  );
}
