/**
 * The `rateLimit` option against real servers on 127.0.0.1: concurrency caps, token bucket, FIFO order,
 * the shared pause after a 429 with Retry-After, queue stats, and queued requests that are aborted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, RequestError, Session, TimeoutError } from '../../src/index.js';
import { startHttpServer } from '../helpers/tls.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

interface Arrival {
  url: string;
  at: number;
}

/** A server that records arrivals and how many requests it held at once; `handler` answers. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void) {
  const arrivals: Arrival[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = await startHttpServer((req, res) => {
    arrivals.push({ url: req.url!, at: performance.now() });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    handler(req, res, arrivals.length);
  });
  cleanups.push(() => server.close());
  return { server, arrivals, maxInFlight: () => maxInFlight };
}

function session(init: ConstructorParameters<typeof Session>[0] = {}): Session {
  const s = new Session({ trustEnv: false, ...init });
  cleanups.push(() => s.close());
  return s;
}

/** Answers after `ms`. */
const slow = (ms: number) => (_req: IncomingMessage, res: ServerResponse) => void setTimeout(() => res.end('ok'), ms);

/** A server that holds every response until `release(n)`. */
async function holding() {
  const held = new Map<number, ServerResponse>();
  const s = await serve((_req, res, n) => void held.set(n, res));
  return { ...s, held, release: (n: number, body = 'ok') => held.get(n)!.end(body) };
}

describe('concurrency and order', () => {
  it('keeps at most `concurrency` requests in flight per origin, in FIFO order', async () => {
    const { server, arrivals, maxInFlight } = await serve(slow(30));
    const s = session({ rateLimit: { concurrency: 1 } });
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => s.get(`${server.url}/${i}`).then((r) => r.status)));
    expect(results).toEqual([200, 200, 200, 200, 200]);
    expect(maxInFlight()).toBe(1);
    expect(arrivals.map((a) => a.url)).toEqual(['/0', '/1', '/2', '/3', '/4']);
    expect(s.stats()[server.url]).toMatchObject({ queued: 0, active: 0, waits: 4 });
  });

  it('applies limits to each origin separately, with per-origin overrides', async () => {
    const a = await serve(slow(30));
    const b = await serve(slow(30));
    const s = session({ rateLimit: { concurrency: 1, origins: { [b.server.url]: { concurrency: 3 } } } });
    await Promise.all([0, 1, 2].flatMap((i) => [s.get(`${a.server.url}/${i}`), s.get(`${b.server.url}/${i}`)]));
    expect(a.maxInFlight()).toBe(1);
    expect(b.maxInFlight()).toBeLessThanOrEqual(3);
    expect(s.stats()[a.server.url]?.waits).toBe(2);
    expect(s.stats()[b.server.url]?.waits).toBe(0);
  });

  it('spaces requests by the token bucket: a burst of `requests`, then one per interval/requests', async () => {
    const { server, arrivals } = await serve((_req, res) => res.end('ok'));
    const s = session({ rateLimit: { requests: 2, interval: 400 } });
    await Promise.all([0, 1, 2, 3].map((i) => s.get(`${server.url}/${i}`)));
    expect(arrivals.map((a) => a.url)).toEqual(['/0', '/1', '/2', '/3']);
    expect(s.stats()[server.url]).toMatchObject({ waits: 2, queued: 0, active: 0 });
    // Two tokens refill at one per 200 ms: the fourth request cannot start before ~400 ms.
    expect(arrivals[3]!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(300);
  });

  it('holds the slot of a streaming response until its body is consumed', async () => {
    const { server, arrivals } = await serve((_req, res) => res.end('body'));
    const s = session({ rateLimit: { concurrency: 1 } });
    const first = await s.get(`${server.url}/1`, { stream: true });
    const second = s.get(`${server.url}/2`);
    await expect.poll(() => s.stats()[server.url]?.queued).toBe(1);
    expect(arrivals).toHaveLength(1);
    expect(await first.text()).toBe('body');
    expect((await second).status).toBe(200);
    expect(arrivals.map((a) => a.url)).toEqual(['/1', '/2']);
  });
});

describe('queue stats', () => {
  it('shows queued and active requests per origin while they wait, and the waits afterwards', async () => {
    const { server, held, release } = await holding();
    const s = session({ rateLimit: { concurrency: 1 } });
    const pending = [1, 2, 3].map((i) => s.get(`${server.url}/${i}`));
    await expect.poll(() => held.size).toBe(1);
    expect(s.stats()[server.url]).toMatchObject({ queued: 2, active: 1, waits: 2, requests: 1 });
    release(1);
    await expect.poll(() => held.size).toBe(2);
    release(2);
    await expect.poll(() => held.size).toBe(3);
    release(3);
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual([200, 200, 200]);
    const stats = s.stats()[server.url]!;
    expect(stats).toMatchObject({ queued: 0, active: 0, waits: 2, requests: 3, pauses: 0 });
    expect(stats.waitedMs).toBeGreaterThanOrEqual(0);
  });

  it('adds no queue fields without the option', async () => {
    const { server } = await serve((_req, res) => res.end('ok'));
    const s = session();
    await s.get(server.url);
    expect(s.stats()[server.url]).not.toHaveProperty('queued');
  });
});

describe('pause after 429', () => {
  it('pauses the origin for every queued request when a 429 carries Retry-After', async () => {
    const { server, arrivals } = await serve((_req, res, n) => {
      if (n === 1) res.writeHead(429, { 'retry-after': '1' }).end('slow down');
      else res.end('ok');
    });
    const s = session({ rateLimit: { concurrency: 1 } });
    const results = await Promise.all([1, 2, 3].map((i) => s.get(`${server.url}/${i}`).then((r) => r.status)));
    expect(results).toEqual([429, 200, 200]);
    expect(arrivals.map((a) => a.url)).toEqual(['/1', '/2', '/3']);
    // Nothing reached the server during the second it asked for (lower bound with slack only).
    expect(arrivals[1]!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(800);
    expect(s.stats()[server.url]).toMatchObject({ pauses: 1, waits: 2, queued: 0, active: 0 });
  });

  it('pauses requests that arrive after the 429 too, and a retried request waits with them', async () => {
    const { server, arrivals } = await serve((_req, res, n) => {
      if (n === 1) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.end('ok');
    });
    const s = session({ rateLimit: {}, retry: { limit: 1 } });
    const first = s.get(`${server.url}/a`);
    await expect.poll(() => s.stats()[server.url]?.pauses).toBe(1);
    const later = s.get(`${server.url}/b`);
    expect(((await first).status)).toBe(200);
    expect((await later).status).toBe(200);
    expect(arrivals.map((a) => a.url).sort()).toEqual(['/a', '/a', '/b']);
    expect(Math.min(arrivals[1]!.at, arrivals[2]!.at) - arrivals[0]!.at).toBeGreaterThanOrEqual(800);
  });

  it('does not pause when pauseOnRetryAfter is false', async () => {
    const { server } = await serve((_req, res, n) => {
      if (n === 1) res.writeHead(429, { 'retry-after': '3600' }).end();
      else res.end('ok');
    });
    const s = session({ rateLimit: { concurrency: 1, pauseOnRetryAfter: false } });
    expect((await s.get(server.url)).status).toBe(429);
    expect((await s.get(server.url)).status).toBe(200);
    expect(s.stats()[server.url]?.pauses).toBe(0);
  });
});

describe('waiting requests are never stuck', () => {
  it('a queued request honours its abort signal and leaves the queue', async () => {
    const { server, held, release, arrivals } = await holding();
    const s = session({ rateLimit: { concurrency: 1 } });
    const first = s.get(`${server.url}/1`);
    await expect.poll(() => held.size).toBe(1);
    const ac = new AbortController();
    const second = s.get(`${server.url}/2`, { signal: ac.signal });
    await expect.poll(() => s.stats()[server.url]?.queued).toBe(1);
    ac.abort();
    await expect(second).rejects.toBeInstanceOf(AbortError);
    expect(s.stats()[server.url]?.queued).toBe(0);
    release(1);
    expect((await first).status).toBe(200);
    const third = s.get(`${server.url}/3`);
    await expect.poll(() => held.size).toBe(2);
    release(2);
    expect((await third).status).toBe(200);
    expect(arrivals.map((a) => a.url)).toEqual(['/1', '/3']);
  });

  it('a queued request fails with its total timeout instead of waiting forever', async () => {
    const { server, held, release } = await holding();
    const s = session({ rateLimit: { concurrency: 1 } });
    const first = s.get(`${server.url}/1`);
    await expect.poll(() => held.size).toBe(1);
    const err = await s.get(`${server.url}/2`, { timeout: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).phase).toBe('total');
    release(1);
    expect((await first).status).toBe(200);
    expect(s.stats()[server.url]).toMatchObject({ queued: 0, active: 0 });
  });

  it('a request paused by a long Retry-After can be aborted', async () => {
    const { server, arrivals } = await serve((_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
    const s = session({ rateLimit: {} });
    expect((await s.get(server.url)).status).toBe(429);
    const ac = new AbortController();
    const paused = s.get(server.url, { signal: ac.signal });
    await expect.poll(() => s.stats()[server.url]?.queued).toBe(1);
    ac.abort();
    await expect(paused).rejects.toBeInstanceOf(AbortError);
    expect(arrivals).toHaveLength(1);
  });

  it('closing the session fails the requests still queued at once', async () => {
    const { server, arrivals } = await serve((_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
    const s = new Session({ trustEnv: false, rateLimit: {} });
    expect((await s.get(server.url)).status).toBe(429);
    const queued = s.get(server.url).catch((e: unknown) => e);
    await expect.poll(() => s.stats()[server.url]?.queued).toBe(1);
    await s.close();
    expect(await queued).toMatchObject({ code: 'ERR_SESSION_CLOSED' });
    await expect(s.get(server.url)).rejects.toMatchObject({ code: 'ERR_SESSION_CLOSED' });
    expect(arrivals).toHaveLength(1);
  });

  it('refuses nonsense limits when the session is made', () => {
    expect(() => new Session({ rateLimit: { requests: 0 } })).toThrow(RequestError);
    expect(() => new Session({ rateLimit: { concurrency: -1 } })).toThrow(RequestError);
  });
});
