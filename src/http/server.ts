// Starts the h3 app on node:http. A fixed port is kept or start-up fails: a service that Prometheus and AYO
// reach must not silently move to another port (which listhen's port fallback would do).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeListener, type App } from 'h3';

/** A listening server. */
export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  /** Stops accepting, lets running requests finish within `graceMs`, then drops what is left. */
  close(graceMs?: number): Promise<void>;
}

/** How long a client may take, and how many may be connected at once. */
export interface HttpLimits {
  /** Time to send the request line and headers (a client trickling them byte by byte is cut off here). */
  headersTimeoutMs: number;
  /** Time to send the whole request, body included. */
  requestTimeoutMs: number;
  /** Time an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Connections at once; past it new ones are closed at once (the service's own clients are a handful). */
  maxConnections: number;
}

/** The limits the service runs with. */
const HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 256,
};

/** Listens on `host:port` (port 0 picks a free one); `limits` replaces some of {@link HTTP_LIMITS} (tests). */
export function startHttpServer(
  app: App,
  opts: { port: number; host: string; limits?: Partial<HttpLimits> },
): Promise<RunningServer> {
  const limits = { ...HTTP_LIMITS, ...opts.limits };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default), which let a slow client hold its
      // socket that long past them.
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    toNodeListener(app),
  );
  server.maxConnections = limits.maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      resolve({
        server,
        port,
        url: `http://${host}:${port}`,
        close: (graceMs = 5_000) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
