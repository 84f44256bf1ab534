/**
 * Issue 12, bug 1: undici's ProxyAgent writes `host` into the headers object it is given. sessio hands
 * undici a copy on every dispatch, so a hop that went through a real tinyproxy leaves no `Host` behind
 * for the next hop (sent directly, to a NO_PROXY host) or for the hop's own record.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/index.js';
import { startTinyproxy, type RunningProxy } from '../helpers/proxies.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

describe('headers handed to a ProxyAgent', () => {
  let proxy: RunningProxy;
  let server: TestServer<import('node:http').Server>;
  const hosts: { path: string; host: string | undefined; via: boolean }[] = [];

  beforeAll(async () => {
    proxy = await startTinyproxy({ auth: false });
    server = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
      hosts.push({ path: req.url!.split('?')[0]!, host: req.headers.host, via: req.headers.via !== undefined });
      const to = new URL(req.url!, 'http://x').searchParams.get('to');
      if (to) return void res.writeHead(307, { location: to }).end();
      res.end('ok');
    });
  });
  afterAll(async () => {
    await Promise.all([proxy?.stop(), server?.close()]);
  });

  it('a proxied hop followed by a direct one to another host sends each hop its own Host', async () => {
    hosts.length = 0;
    const direct = server.url.replace('127.0.0.1', 'localhost');
    const s = new Session({ trustEnv: false, proxy: { url: proxy.url, noProxy: 'localhost' } });
    try {
      const res = await s.post(`${server.url}/start?to=${encodeURIComponent(`${direct}/landed`)}`, { body: 'x' });
      expect(res.status).toBe(200);
      expect(hosts).toEqual([
        { path: '/start', host: `127.0.0.1:${server.port}`, via: true },
        { path: '/landed', host: `localhost:${server.port}`, via: false },
      ]);
    } finally {
      await s.close();
    }
  });

  it('the hop record and the request sessio built are unchanged by the dispatch through a proxy', async () => {
    const s = new Session({ trustEnv: false, proxy: proxy.url });
    try {
      const res = await s.get(`${server.url}/plain`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.request.headers)).not.toContain('host');
    } finally {
      await s.close();
    }
  });
});
