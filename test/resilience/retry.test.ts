/**
 * The `retry` option against real servers on 127.0.0.1: statuses with Retry-After in both forms,
 * rate-limit reset headers, dropped connections, slow answers, bodies that cannot be replayed, aborts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, HTTPError, NetworkError, Session, type RetryContext } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number, body: string) => void;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

interface Recorded {
  server: TestServer<import('node:http').Server>;
  hits: { method: string; url: string; body: string }[];
}

/** A server whose handler sees the 1-based number of the request and its body. */
async function serve(handler: Handler): Promise<Recorded> {
  const hits: Recorded['hits'] = [];
  const server = await startHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      hits.push({ method: req.method!, url: req.url!, body });
      handler(req, res, hits.length, body);
    });
  });
  cleanups.push(() => server.close());
  return { server, hits };
}

function session(init: ConstructorParameters<typeof Session>[0] = {}): Session {
  const s = new Session({ trustEnv: false, ...init });
  cleanups.push(() => s.close());
  return s;
}

const fast = { base: 1, max: 5 };

/** Answers `status` (with extra headers) for the first `failures` requests, then 200 "ok". */
function failing(failures: number, status: number, headers: Record<string, string> = {}): Handler {
  return (_req, res, n) => {
    if (n <= failures) {
      res.writeHead(status, headers);
      res.end(`failure ${n}`);
    } else {
      res.end('ok');
    }
  };
}

describe('retry decisions', () => {
  it('makes no retry without the option (only the stale keep-alive retry exists by default)', async () => {
    const { server, hits } = await serve(failing(5, 503));
    const res = await session().get(server.url);
    expect(res.status).toBe(503);
    expect(hits).toHaveLength(1);
  });

  it('retries 503 up to the limit, then returns the last response', async () => {
    const { server, hits } = await serve(failing(5, 503));
    const res = await session({ retry: { limit: 2, backoff: fast } }).get(server.url);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('failure 3');
    expect(hits).toHaveLength(3);
  });

  it('succeeds once the server recovers; a number is the limit', async () => {
    const { server, hits } = await serve(failing(2, 502));
    const res = await session({ retry: 3 }).get(server.url, { retry: { backoff: fast } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(hits).toHaveLength(3);
  });

  it('retries each default status: 408, 429, 500, 502, 503, 504, but not 501 or 404', async () => {
    for (const status of [408, 429, 500, 502, 503, 504]) {
      const { server, hits } = await serve(failing(1, status));
      expect((await session({ retry: { limit: 1, backoff: fast } }).get(server.url)).status).toBe(200);
      expect(hits).toHaveLength(2);
    }
    for (const status of [501, 404]) {
      const { server, hits } = await serve(failing(1, status));
      expect((await session({ retry: { limit: 1, backoff: fast } }).get(server.url)).status).toBe(status);
      expect(hits).toHaveLength(1);
    }
  });

  it('does not retry POST by default, and retries it with its body when methods allow it', async () => {
    const a = await serve(failing(1, 503));
    expect((await session({ retry: { limit: 2, backoff: fast } }).post(a.server.url, { json: { n: 1 } })).status).toBe(503);
    expect(a.hits).toHaveLength(1);

    const b = await serve(failing(1, 503));
    const res = await session({ retry: { limit: 2, backoff: fast, methods: ['post'] } }).post(b.server.url, { json: { n: 1 } });
    expect(res.status).toBe(200);
    expect(b.hits.map((h) => h.body)).toEqual(['{"n":1}', '{"n":1}']);
  });

  it('never retries a body that cannot be replayed (a stream), even for PUT', async () => {
    const { server, hits } = await serve(failing(1, 503));
    const res = await session({ retry: { limit: 3, backoff: fast } }).put(server.url, { body: Readable.from(['a', 'b']) });
    expect(res.status).toBe(503);
    expect(hits).toEqual([{ method: 'PUT', url: '/', body: 'ab' }]);
  });

  it('turns retries off per request with retry: null', async () => {
    const { server, hits } = await serve(failing(1, 503));
    expect((await session({ retry: { limit: 2, backoff: fast } }).get(server.url, { retry: null })).status).toBe(503);
    expect(hits).toHaveLength(1);
  });

  it('throws HTTPError with throwHttpErrors once the retries are spent', async () => {
    const { server, hits } = await serve(failing(5, 500));
    const err = await session({ retry: { limit: 1, backoff: fast }, throwHttpErrors: true }).get(server.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPError);
    expect((err as HTTPError).status).toBe(500);
    expect(hits).toHaveLength(2);
  });

  it('lets shouldRetry decide and tells onRetry about each attempt', async () => {
    const { server, hits } = await serve(failing(2, 404));
    const seen: [number, number | undefined][] = [];
    const s = session({
      retry: {
        limit: 5,
        backoff: fast,
        shouldRetry: ({ response }) => response?.status === 404,
        onRetry: ({ attempt, response }) => void seen.push([attempt, response?.status]),
      },
    });
    expect((await s.get(server.url)).status).toBe(200);
    expect(seen).toEqual([[1, 404], [2, 404]]);
    expect(hits).toHaveLength(3);
  });

  it('runs the beforeRetry hooks for each retry, with the response that caused it', async () => {
    const { server, hits } = await serve(failing(2, 503));
    const seen: [number, number][] = [];
    const s = session({
      retry: { limit: 2, backoff: fast },
      hooks: { beforeRetry: (req, reason, attempt) => void seen.push([attempt, (reason as { status: number }).status]) },
    });
    expect((await s.get(server.url)).status).toBe(200);
    expect(seen).toEqual([[1, 503], [2, 503]]);
    expect(hits).toHaveLength(3);
  });

  it('retries a hop inside a redirect chain on its own, keeping the history', async () => {
    const { server, hits } = await serve((req, res, n) => {
      if (req.url === '/a') return void res.writeHead(302, { location: '/b' }).end();
      if (n === 2) return void res.writeHead(503).end();
      res.end('b');
    });
    const res = await session({ retry: { limit: 2, backoff: fast } }).get(`${server.url}/a`);
    expect(await res.text()).toBe('b');
    expect(res.history.map((h) => h.status)).toEqual([302]);
    expect(hits.map((h) => h.url)).toEqual(['/a', '/b', '/b']);
  });

  it('releases a streaming response it gives up on, so a one-connection pool is not exhausted', async () => {
    const { server, hits } = await serve(failing(2, 503));
    const s = session({ retry: { limit: 2, backoff: fast }, pool: { connections: 1 } });
    const res = await s.get(server.url, { stream: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(hits).toHaveLength(3);
  });
});

describe('waits asked by the server', () => {
  it('honours Retry-After in delta-seconds', async () => {
    const { server, hits } = await serve(failing(1, 429, { 'retry-after': '1' }));
    const delays: number[] = [];
    const started = performance.now();
    const res = await session({ retry: { limit: 1, onRetry: (c) => void delays.push(c.delay) } }).get(server.url);
    expect(res.status).toBe(200);
    expect(delays).toEqual([1000]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect(hits).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP-date', async () => {
    const at = new Date(Date.now() + 2_000).toUTCString();
    const { server } = await serve(failing(1, 503, { 'retry-after': at }));
    const delays: number[] = [];
    const res = await session({ retry: { limit: 1, onRetry: (c) => void delays.push(c.delay) } }).get(server.url);
    expect(res.status).toBe(200);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(0);
    expect(delays[0]).toBeLessThanOrEqual(2_000);
  });

  it('honours RateLimit-Reset and X-RateLimit-Reset (delta and Unix time)', async () => {
    const cases: [() => Record<string, string>, (d: number) => boolean][] = [
      [() => ({ 'ratelimit-reset': '1' }), (d) => d === 1000],
      [() => ({ ratelimit: '"default";r=0;t=1' }), (d) => d === 1000],
      [() => ({ 'x-ratelimit-reset': '1' }), (d) => d === 1000],
      [() => ({ 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 2) }), (d) => d > 0 && d <= 2000],
    ];
    for (const [makeHeaders, ok] of cases) {
      const headers = makeHeaders();
      const { server, hits } = await serve(failing(1, 429, headers));
      const delays: number[] = [];
      const res = await session({ retry: { limit: 1, onRetry: (c) => void delays.push(c.delay) } }).get(server.url);
      expect(res.status).toBe(200);
      expect(delays.map(ok), JSON.stringify({ headers, delays })).toEqual([true]);
      expect(hits).toHaveLength(2);
    }
  });

  it('returns the response at once when Retry-After exceeds maxRetryAfter', async () => {
    const { server, hits } = await serve(failing(1, 429, { 'retry-after': '3600' }));
    const res = await session({ retry: { limit: 3, maxRetryAfter: 5_000 } }).get(server.url);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3600');
    expect(hits).toHaveLength(1);
  });

  it('returns the response rather than waiting past the total timeout', async () => {
    const { server, hits } = await serve(failing(1, 503, { 'retry-after': '20' }));
    const res = await session({ retry: 2 }).get(server.url, { timeout: 5_000 });
    expect(res.status).toBe(503);
    expect(hits).toHaveLength(1);
  });
});

describe('network failures', () => {
  /** Destroys the connection without an answer for the first `drops` requests. */
  const dropping = (drops: number): Handler => (req, res, n) => {
    if (n <= drops) req.socket.destroy();
    else res.end('ok');
  };

  it('retries dropped connections of GET', async () => {
    // The transport already resends once on a dead socket, so two drops need the retry option.
    const a = await serve(dropping(2));
    await expect(session().get(a.server.url)).rejects.toBeInstanceOf(NetworkError);
    expect(a.hits).toHaveLength(2);

    const b = await serve(dropping(2));
    const res = await session({ retry: { limit: 1, backoff: fast } }).get(b.server.url);
    expect(await res.text()).toBe('ok');
    expect(b.hits).toHaveLength(3);
  });

  it('does not retry a dropped POST', async () => {
    const { server, hits } = await serve(dropping(1));
    await expect(session({ retry: { limit: 3, backoff: fast } }).post(server.url, { form: { a: '1' } })).rejects.toBeInstanceOf(NetworkError);
    expect(hits).toHaveLength(1);
  });

  it('retries a connection refused (the server is gone)', async () => {
    const { server } = await serve(() => undefined);
    const url = server.url;
    await server.close();
    const errors: string[] = [];
    const err = await session({ retry: { limit: 2, backoff: fast, onRetry: (c) => void errors.push(c.error!.code) } }).get(url).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('ERR_CONNECT');
    expect(errors).toEqual(['ERR_CONNECT', 'ERR_CONNECT']);
  });

  it('retries an answer slower than the response timeout', async () => {
    const { server, hits } = await serve((_req, res, n) => {
      if (n === 1) setTimeout(() => res.end('late'), 3_000).unref();
      else res.end('ok');
    });
    const res = await session({ retry: { limit: 1, backoff: fast }, timeout: { response: 300 } }).get(server.url);
    expect(await res.text()).toBe('ok');
    expect(hits).toHaveLength(2);
  });
});

describe('aborts', () => {
  it('stops waiting for a retry when the signal aborts', async () => {
    const { server, hits } = await serve(failing(5, 503));
    const ac = new AbortController();
    const seen: RetryContext[] = [];
    // A ten-minute backoff: only the abort can end this test before its timeout.
    const s = session({ retry: { limit: 3, backoff: () => 600_000, onRetry: (c) => void seen.push(c) } });
    const pending = s.get(server.url, { signal: ac.signal });
    await expect.poll(() => seen.length).toBe(1);
    ac.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(hits).toHaveLength(1);
  });

  it('does not retry after the user aborted a request in flight', async () => {
    const { server, hits } = await serve(() => undefined); // never answers
    const ac = new AbortController();
    const pending = session({ retry: { limit: 3, backoff: fast, errorCodes: ['ERR_ABORTED', 'UND_ERR_ABORTED'] } }).get(server.url, { signal: ac.signal });
    await expect.poll(() => hits.length).toBe(1);
    ac.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(hits).toHaveLength(1);
  });
});
