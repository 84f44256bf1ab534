import net from 'node:net';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError, Session } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

/**
 * A raw HTTP/1.1 server that answers the first request of each connection and then, when a second
 * request arrives on the same keep-alive socket, closes it without a byte: exactly what a client sees
 * when the server's idle timeout fired while the request was on its way.
 */
async function startStaleServer(): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let served = 0;
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      if (!buffer.includes('\r\n\r\n')) return;
      const head = buffer.slice(0, buffer.indexOf('\r\n\r\n'));
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < head.length + 4 + length) return;
      buffer = '';
      if (served++ > 0) {
        socket.destroy();
        return;
      }
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nserved');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

let plain: TestServer<http.Server>;
beforeAll(async () => {
  plain = await startHttpServer((_req, res) => res.end('ok'));
});
afterAll(() => plain.close());

describe('connection pool', () => {
  it('reuses keep-alive connections and reports it in stats()', async () => {
    await using s = new Session({ baseUrl: plain.url });
    for (let i = 0; i < 10; i++) await s.get('/');
    const st = s.stats()[plain.url]!;
    expect(st.requests).toBe(10);
    expect(st.connections).toBeLessThanOrEqual(2);
    expect(st.connections).toBeGreaterThanOrEqual(1);
  });

  it('limits sockets per origin with pool.connections', async () => {
    await using s = new Session({ baseUrl: plain.url, pool: { connections: 2 } });
    await Promise.all(Array.from({ length: 20 }, () => s.get('/')));
    expect(s.stats()[plain.url]!.connections).toBeLessThanOrEqual(2);
  });

  it('retries an idempotent request once when the server closed the reused socket', async () => {
    const stale = await startStaleServer();
    try {
      // One socket per origin, so the second request must go on the reused one.
      await using s = new Session({ baseUrl: stale.url, pool: { connections: 1 } });
      expect(await (await s.get('/')).text()).toBe('served');
      const again = await s.get('/');
      expect(await again.text()).toBe('served');
      expect(stale.connections()).toBe(2);
      expect(s.stats()[stale.url]!.requests).toBe(3);
    } finally {
      await stale.close();
    }
  });

  it('does not retry a POST on a closed socket; the error names method and URL', async () => {
    const stale = await startStaleServer();
    try {
      // One socket per origin, so the second request must go on the reused one.
      await using s = new Session({ baseUrl: stale.url, pool: { connections: 1 } });
      await s.get('/');
      const err = await s.post('/orders', { json: { n: 1 } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect(String(err)).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/orders/);
    } finally {
      await stale.close();
    }
  });

  it('close() and Symbol.asyncDispose release the sockets; requests after close fail', async () => {
    const s = new Session({ baseUrl: plain.url });
    await s.get('/');
    await s[Symbol.asyncDispose]();
    await expect(s.get('/')).rejects.toThrow();
  });
});
