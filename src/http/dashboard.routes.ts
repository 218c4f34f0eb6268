// The web dashboard at / (HTML, script and stylesheet built into the service: it works offline, no CDN).

import { defineEventHandler, setResponseHeader, setResponseStatus, type Router } from 'h3';
import { DASHBOARD_HTML } from './dashboard/page.js';
import { DASHBOARD_JS } from './dashboard/script.js';
import { DASHBOARD_CSS } from './dashboard/style.js';

/** Registers GET /, /dashboard.js and /dashboard.css (no API key: they hold no data; the script asks for it). */
export function registerDashboardRoutes(router: Router): void {
  const serve = (body: string, type: string) =>
    defineEventHandler((event) => {
      setResponseHeader(event, 'content-type', type);
      setResponseHeader(event, 'cache-control', 'no-cache');
      return body;
    });
  router.get('/', serve(DASHBOARD_HTML, 'text/html; charset=utf-8'));
  router.get('/dashboard.js', serve(DASHBOARD_JS, 'text/javascript; charset=utf-8'));
  router.get('/dashboard.css', serve(DASHBOARD_CSS, 'text/css; charset=utf-8'));
  router.get(
    '/favicon.ico',
    defineEventHandler((event) => {
      setResponseStatus(event, 204);
      return '';
    }),
  );
}
