import type http from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retry, Session, ConnectError, type PreparedRequest, type Response } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

let server: TestServer<http.Server>;
let hits: { method: string; url: string; auth: string | undefined; body: string; trace: string | undefined }[] = [];

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body: Buffer.concat(chunks).toString(), trace: req.headers['x-trace'] as string | undefined });
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/target' });
        res.end();
      } else if (req.url === '/protected' && req.headers.authorization !== 'Bearer fresh') {
        res.writeHead(401);
        res.end('expired');
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`ok ${req.url}`);
      }
    });
  });
});

afterAll(() => server.close());

describe('hooks', () => {
  it('run session hooks before request hooks, in order', async () => {
    hits = [];
    const order: string[] = [];
    await using s = new Session({
      baseUrl: server.url,
      hooks: {
        beforeRequest: [(req) => { order.push('s1'); req.headers['x-trace'] = 's'; }, () => { order.push('s2'); }],
        afterResponse: () => { order.push('sa'); },
      },
    });
    const r = await s.get('/a', {
      hooks: {
        beforeRequest: (req) => { order.push('r1'); req.headers['x-trace'] += '+r'; },
        afterResponse: () => { order.push('ra'); },
      },
    });
    expect(r.status).toBe(200);
    expect(order).toEqual(['s1', 's2', 'r1', 'sa', 'ra']);
    expect(hits[0]!.trace).toBe('s+r');
  });

  it('beforeRequest may answer without sending, afterResponse may replace the response', async () => {
    hits = [];
    await using s = new Session({ baseUrl: server.url });
    const cached = await s.get('/x', { hooks: { beforeRequest: async () => (await s.get('/cache-source')) } });
    expect(await cached.text()).toBe('ok /cache-source');
    expect(hits.map((h) => h.url)).toEqual(['/cache-source']);
    const replaced = await s.get('/y', { hooks: { afterResponse: [async (res: Response) => (res.status === 200 ? s.get('/replacement') : undefined), (res) => void expect(res.url).toMatch(/replacement$/)] } });
    expect(await replaced.text()).toBe('ok /replacement');
  });

  it('afterResponse can ask for a retry from scratch (token refresh): body re-sent, beforeRetry told', async () => {
    hits = [];
    let token = 'stale';
    const retries: [string, number | string, number][] = [];
    await using s = new Session({
      baseUrl: server.url,
      hooks: {
        beforeRequest: (req) => { req.headers.authorization = `Bearer ${token}`; },
        afterResponse: (res, _req, { attempt }) => {
          if (res.status === 401 && attempt === 0) {
            token = 'fresh';
            return retry();
          }
          return undefined;
        },
        beforeRetry: (req, reason, attempt) => { retries.push([req.url.pathname, (reason as Response).status, attempt]); },
      },
    });
    const r = await s.post('/protected', { json: { n: 1 } });
    expect(r.status).toBe(200);
    expect(hits.map((h) => [h.auth, h.body])).toEqual([['Bearer stale', '{"n":1}'], ['Bearer fresh', '{"n":1}']]);
    expect(retries).toEqual([['/protected', 401, 1]]);
  });

  it('beforeRetry also runs for retries of the retry option', async () => {
    hits = [];
    const retries: [string, number | string, number][] = [];
    await using s = new Session({ baseUrl: server.url, retry: { limit: 1, statusCodes: [401], backoff: { base: 1 } } });
    const r = await s.get('/protected', { hooks: { beforeRetry: (req, reason, attempt) => { retries.push([req.url.pathname, (reason as Response).status, attempt]); } } });
    expect(r.status).toBe(401);
    expect(hits).toHaveLength(2);
    expect(retries).toEqual([['/protected', 401, 1]]);
  });

  it('bounds hook retries by retryLimit and keeps the last response', async () => {
    hits = [];
    await using s = new Session({ baseUrl: server.url, hooks: { retryLimit: 3, afterResponse: () => ({ retry: true }) } });
    const r = await s.get('/always');
    expect(r.status).toBe(200);
    expect(hits).toHaveLength(4);
  });

  it('never retries a request whose body was a stream', async () => {
    hits = [];
    await using s = new Session({ baseUrl: server.url, hooks: { afterResponse: () => retry() } });
    const r = await s.post('/once', { body: Readable.from([Buffer.from('stream')]) });
    expect(r.status).toBe(200);
    expect(hits).toHaveLength(1);
  });

  it('a hook retry starts again from the original URL, not the redirect target', async () => {
    hits = [];
    let n = 0;
    await using s = new Session({ baseUrl: server.url, hooks: { afterResponse: () => (n++ === 0 ? retry({ delay: 1 }) : undefined) } });
    await s.get('/redirect');
    expect(hits.map((h) => h.url)).toEqual(['/redirect', '/target', '/redirect', '/target']);
  });

  it('beforeRedirect sees each hop and may change it', async () => {
    hits = [];
    const seen: string[] = [];
    await using s = new Session({ baseUrl: server.url });
    await s.get('/redirect', {
      hooks: {
        beforeRedirect: (next: PreparedRequest, res: Response) => {
          seen.push(`${res.status} -> ${next.url.pathname}`);
          next.headers['x-trace'] = 'hop';
        },
      },
    });
    expect(seen).toEqual(['302 -> /target']);
    expect(hits.map((h) => h.trace)).toEqual([undefined, 'hop']);
  });

  it('onError may replace the error or recover with a response', async () => {
    const closed = await startHttpServer(() => undefined);
    const deadUrl = closed.url;
    await closed.close();
    await using s = new Session();
    const seen: string[] = [];
    await expect(s.get(`${deadUrl}/x`, {
      hooks: { onError: [(err) => { seen.push(err.name); }, (err) => new Error(`wrapped: ${err.name}`)] },
    })).rejects.toThrow('wrapped: ConnectError');
    expect(seen).toEqual(['ConnectError']);
    const recovered = await s.get(`${deadUrl}/x`, { hooks: { onError: (err) => (err instanceof ConnectError ? s.get(`${server.url}/fallback`) : undefined) } });
    expect(await recovered.text()).toBe('ok /fallback');
  });
});
