// GET /metrics in the Prometheus text format (no API key: it carries no personal data), and the HTTP metrics.

import { defineEventHandler, setResponseHeader, type H3Event, type Router } from 'h3';
import type { Metrics } from '../metrics/registry.js';

/** Registers GET /metrics; `collect` refreshes the scrape-time gauges first. */
export function registerMetricsRoute(router: Router, metrics: Metrics, collect: () => void): void {
  router.get(
    '/metrics',
    defineEventHandler(async (event) => {
      collect();
      setResponseHeader(event, 'content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    }),
  );
}

/** An onRequest hook that counts every request by its route pattern (never the raw path: ids stay out). */
export function httpMetricsHook(metrics: Metrics): (event: H3Event) => void {
  return (event) => {
    const started = process.hrtime.bigint();
    event.node.res.once('finish', () => {
      const route = (event.context.matchedRoute as { path?: string } | undefined)?.path ?? 'unmatched';
      const method = event.method;
      metrics.httpRequests.inc({ route, method, status: String(event.node.res.statusCode) });
      metrics.httpSeconds.observe({ route, method }, Number(process.hrtime.bigint() - started) / 1e9);
    });
  };
}
