// The OpenAPI document, as the service serves it, is a valid OpenAPI 3.1 document (swagger-parser's validate:
// the 3.1 schema, then every $ref resolved), and the structural rules it relies on hold.

import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/db/index.js';
import { createHttpApp } from '../src/http/app.js';
import { startHttpServer, type RunningServer } from '../src/http/server.js';
import { captureLogger, tempDir } from './fixtures/helpers.js';

let tmp: ReturnType<typeof tempDir>;
let db: Db;
let server: RunningServer;
let served: { status: number; type: string | null; cache: string | null; doc: any };

beforeAll(async () => {
  tmp = tempDir();
  db = openDatabase(path.join(tmp.dir, 'db.sqlite'));
  // With a key: the document must still be served without one.
  server = await startHttpServer(createHttpApp({ db, apiKey: 'lint-key-0123456789', logger: captureLogger().logger }), {
    port: 0,
    host: '127.0.0.1',
  });
  const res = await fetch(`${server.url}/openapi.json`);
  served = {
    status: res.status,
    type: res.headers.get('content-type'),
    cache: res.headers.get('cache-control'),
    doc: await res.json(),
  };
});
afterAll(async () => {
  await server?.close(100);
  db?.close();
  tmp?.cleanup();
});

describe('GET /openapi.json', () => {
  it('is served as JSON without the API key, cacheable', () => {
    expect(served.status).toBe(200);
    expect(served.type).toMatch(/^application\/json/);
    expect(served.cache).toMatch(/max-age=\d+/);
    expect(served.doc.openapi).toBe('3.1.0');
  });

  it('passes swagger-parser validation (OpenAPI 3.1 schema, every $ref resolves)', async () => {
    // validate() dereferences in place: give it a copy, and let any error fail the test with its message.
    await expect(SwaggerParser.validate(structuredClone(served.doc))).resolves.toBeTruthy();
  });

  it('fails validation when the document is broken (the lint can fail)', async () => {
    const broken = structuredClone(served.doc);
    broken.paths['/api/bookings'].get.responses['200'].content['application/json'].schema = {
      $ref: '#/components/schemas/NoSuchSchema',
    };
    await expect(SwaggerParser.validate(broken)).rejects.toThrow(/NoSuchSchema/);
    // A parameter in a place OpenAPI does not know: the 3.1 schema itself refuses it.
    const badParameter = structuredClone(served.doc);
    badParameter.paths['/api/queue'].get.parameters[0].in = 'body';
    await expect(SwaggerParser.validate(badParameter)).rejects.toThrow();
  });

  it('gives every operation a unique operationId, a tag, and a JSON error shape for each error status', () => {
    const ids = new Set<string>();
    for (const [p, item] of Object.entries<any>(served.doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        expect(ids.has(op.operationId), `${method} ${p}: duplicate operationId`).toBe(false);
        ids.add(op.operationId);
        expect(op.tags?.length, `${method} ${p}: tag`).toBe(1);
        for (const [status, response] of Object.entries<any>(op.responses)) {
          if (Number(status) >= 400)
            expect(response.$ref, `${method} ${p} ${status}`).toBe(`#/components/responses/Error${status}`);
        }
        // Every /api route takes the key (when API_KEY is set) and can answer 401; nothing else needs one.
        if (p.startsWith('/api/')) {
          expect(op.security).toEqual([{ apiKey: [] }, {}]);
          expect(op.responses['401']).toBeDefined();
        } else expect(op.security).toEqual([]);
      }
    }
  });
});
