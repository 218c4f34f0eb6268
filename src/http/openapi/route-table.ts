// The routes an app registers, recorded as they are added, so that a test can compare them with the document
// (h3's router keeps its table private).

import type { App, Router } from 'h3';

/** A registered route: its method (lower case; `all` for any) and its h3 path (`/api/videos/:unique_id`). */
export interface RegisteredRoute {
  method: string;
  path: string;
}

const METHODS = new Set(['add', 'use', 'connect', 'delete', 'get', 'head', 'options', 'post', 'put', 'trace', 'patch']);
const tables = new WeakMap<App, RegisteredRoute[]>();
/** Every app's routes, for a test that starts the service in-process and cannot reach its app. */
const everyApp: RegisteredRoute[][] = [];

/** Wraps `router` so that every route added through it is recorded as a route of `app`. */
export function trackRoutes(app: App, router: Router): Router {
  const routes: RegisteredRoute[] = [];
  tables.set(app, routes);
  everyApp.push(routes);
  return new Proxy(router, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !METHODS.has(prop) || typeof value !== 'function') return value;
      return (path: string, handler: unknown, method?: string | string[]) => {
        const named = prop === 'add' || prop === 'use' ? (method ?? 'all') : prop;
        for (const m of [named].flat()) routes.push({ method: m, path });
        (value as (...args: unknown[]) => unknown).call(target, path, handler, method);
        return receiver as Router;
      };
    },
  });
}

/**
 * The routes registered on `app` through a router wrapped by {@link trackRoutes}, in order; without `app`, those of
 * every app made in this process (each route once).
 */
export function registeredRoutes(app?: App): readonly RegisteredRoute[] {
  if (app) return tables.get(app) ?? [];
  const seen = new Map(everyApp.flat().map((r) => [`${r.method} ${r.path}`, r]));
  return [...seen.values()];
}
