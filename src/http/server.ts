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

/** Listens on `host:port` (port 0 picks a free one). */
export function startHttpServer(app: App, opts: { port: number; host: string }): Promise<RunningServer> {
  const server = createServer(toNodeListener(app));
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
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
