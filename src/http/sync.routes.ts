// GET /api/sync: the record of the latest booking sync run.

import { defineEventHandler, type Router } from 'h3';
import type { SyncRunsRepo } from '../db/index.js';
import { readQuery } from './query.js';

/** Registers GET /api/sync. */
export function registerSyncRoutes(router: Router, deps: { syncRuns: SyncRunsRepo }): void {
  router.get(
    '/api/sync',
    defineEventHandler((event) => {
      readQuery(event, []);
      const latest = deps.syncRuns.latest() ?? null;
      const lastSuccessful = deps.syncRuns.latestSuccessful() ?? null;
      return { status: 'success', data: latest, lastSuccessfulAt: lastSuccessful?.finishedAt ?? null };
    }),
  );
}
