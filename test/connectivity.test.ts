import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectivityTracker, probe, probeUrlOf } from '../src/connectivity/index.js';

describe('connectivity probes', () => {
  it('probes only the origin of a configured URL, never its path or credentials', () => {
    expect(probeUrlOf('https://user:pw@iot-api.ayo.co.id/api/v1?token=x')).toBe('https://iot-api.ayo.co.id/');
  });

  it('counts any HTTP answer as reachable, and a closed port or a silent server as not', async () => {
    const server = createServer((req, res) => {
      if (req.headers['x-hang']) return;
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    expect(await probe(url, 1_000)).toMatchObject({ ok: true, status: 404 });
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    expect(await probe(silentUrl, 200)).toMatchObject({ ok: false, reason: 'no answer within 200 ms' });
    silent.closeAllConnections();
    silent.close();
    server.close();
    await new Promise((r) => server.once('close', r));
    expect(await probe(url, 1_000)).toMatchObject({ ok: false, reason: 'ECONNREFUSED' });
  });

  it('goes offline after two failures in a row and online after one success', () => {
    const t = new ConnectivityTracker([{ name: 'ayo', label: 'AYO API', url: 'http://x/' }]);
    const ok = { ok: true as const, status: 200, ms: 1 };
    const bad = { ok: false as const, reason: 'ECONNREFUSED', ms: 1 };
    expect(t.record('ayo', ok)).toEqual({ online: true, reason: null });
    expect(t.record('ayo', ok)).toBeUndefined();
    expect(t.record('ayo', bad)).toBeUndefined();
    expect(t.record('ayo', ok)).toBeUndefined();
    expect(t.record('ayo', bad)).toBeUndefined();
    expect(t.record('ayo', bad)).toEqual({ online: false, reason: 'ECONNREFUSED' });
    expect(t.record('ayo', bad)).toBeUndefined();
    expect(t.snapshot().ayo).toMatchObject({ online: false, reason: 'ECONNREFUSED' });
    expect(t.record('ayo', ok)).toEqual({ online: true, reason: null });
    expect(t.record('unknown', ok)).toBeUndefined();
  });
});
