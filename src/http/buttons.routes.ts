// GET /api/buttons: the highlight buttons' serial line and each button's presses by outcome.

import { defineEventHandler, type Router } from 'h3';
import type { ButtonsDto } from '../buttons/index.js';
import { readQuery } from './query.js';

/** Registers GET /api/buttons; `status` is the button desk's (src/buttons). */
export function registerButtonRoutes(router: Router, status: () => ButtonsDto): void {
  router.get(
    '/api/buttons',
    defineEventHandler((event) => {
      readQuery(event, []);
      return { status: 'success', data: status() };
    }),
  );
}
