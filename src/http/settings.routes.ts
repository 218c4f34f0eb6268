// GET /api/settings: the venue video settings in force and where each comes from (env, AYO, default).

import { defineEventHandler, type Router } from 'h3';
import type { SettingsDto } from '../settings/index.js';
import { readQuery } from './query.js';

/** Registers GET /api/settings; `settings` builds the answer (src/settings's settingsDto). */
export function registerSettingsRoutes(router: Router, settings: () => SettingsDto): void {
  router.get(
    '/api/settings',
    defineEventHandler((event) => {
      readQuery(event, []);
      return { status: 'success', data: settings() };
    }),
  );
}
