/**
 * Fault servers, decompression bombs, injection and prototype-pollution inputs (issue 12). Every case
 * must end in the SessioError it names, within a bound, without crashing or hanging the process.
 * Prints crashes and hangs as figures.
 */
import net from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BodyTooLargeError, CookieJar, DecodeError, InvalidHeaderError, NetworkError, RedirectError, Session, SessioError, TimeoutError, TooManyRedirectsError,
} from '../../src/index.js';

type Reply = (socket: net.Socket, request: string) => void;

/** A raw TCP server on 127.0.0.1 that answers each request with `reply`; counts the requests it got. */
async function rawServer(reply: Reply): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let hits = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      hits++;
      const request = buffered.slice(0, end);
      buffered = '';
      reply(socket, request);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const head = (status: string, headers: Record<string, string | number>, body: Buffer | string = '') => {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\n${lines}${lines ? '\r\n' : ''}\r\n`, 'latin1'), Buffer.from(body)]);
};

const zeros = Buffer.alloc(32 * 1024 * 1024);
const GZIP_BOMB = gzipSync(zeros, { level: 9 });
const BROTLI_BOMB = brotliCompressSync(zeros);

interface Case {
  name: string;
  reply: Reply;
  expected: new (...args: never[]) => SessioError;
  path?: string;
  options?: Parameters<Session['get']>[1];
}

const intervals = new Set<NodeJS.Timeout>();
const drip = (socket: net.Socket, text: string, every: number) => {
  let i = 0;
  const t = setInterval(() => {
    if (socket.destroyed || i >= text.length) return void clearInterval(t);
    socket.write(text[i++]!);
  }, every);
  intervals.add(t);
};

const CASES: Case[] = [
  { name: 'reset before any response', reply: (s) => s.resetAndDestroy(), expected: NetworkError },
  { name: 'not HTTP at all', reply: (s) => s.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'), expected: NetworkError },
  { name: 'closed in the middle of the headers', reply: (s) => s.end('HTTP/1.1 200 OK\r\nContent-Le'), expected: NetworkError },
  { name: 'body shorter than Content-Length', reply: (s) => s.end(head('200 OK', { 'content-length': 100 }, 'abc')), expected: NetworkError },
  { name: 'silent after accepting the request', reply: () => {}, expected: TimeoutError, options: { timeout: { response: 300 } } },
  { name: 'slowloris head, a byte every 50 ms', reply: (s) => drip(s, 'HTTP/1.1 200 OK\r\nX-Slow: ' + 'a'.repeat(200) + '\r\n\r\n', 50), expected: TimeoutError, options: { timeout: { response: 400 } } },
  { name: 'body trickling past the total timeout', reply: (s) => { s.write(head('200 OK', { 'content-length': 1000 })); drip(s, 'b'.repeat(1000), 20); }, expected: TimeoutError, options: { timeout: { total: 500 } } },
  { name: 'a 16-hex-digit chunk size, then silence', reply: (s) => s.write(head('200 OK', { 'transfer-encoding': 'chunked' }, 'FFFFFFFFFFFFFFFF\r\nabc')), expected: TimeoutError, options: { timeout: { response: 1000 } } },
  { name: 'corrupt gzip', reply: (s) => s.end(head('200 OK', { 'content-encoding': 'gzip', 'content-length': 9 }, 'notgzip!!')), expected: DecodeError },
  { name: 'gzip bomb (32 MiB of zeros)', reply: (s) => s.end(head('200 OK', { 'content-encoding': 'gzip', 'content-length': GZIP_BOMB.length }, GZIP_BOMB)), expected: BodyTooLargeError, options: { maxDecodedSize: 1024 * 1024 } },
  { name: 'brotli bomb (32 MiB of zeros)', reply: (s) => s.end(head('200 OK', { 'content-encoding': 'br', 'content-length': BROTLI_BOMB.length }, BROTLI_BOMB)), expected: BodyTooLargeError, options: { maxDecodedSize: 1024 * 1024 } },
  { name: 'body over maxDecodedSize, uncompressed', reply: (s) => s.end(head('200 OK', { 'content-length': 2 * 1024 * 1024 }, Buffer.alloc(2 * 1024 * 1024))), expected: BodyTooLargeError, options: { maxDecodedSize: 1024 * 1024 } },
  { name: 'endless redirects', reply: (s) => s.write(head('302 Found', { location: '/again', 'content-length': 0 })), expected: TooManyRedirectsError },
  { name: 'redirect to file:', reply: (s) => s.end(head('302 Found', { location: 'file:///etc/passwd', 'content-length': 0 })), expected: RedirectError },
];

const HANG_BOUND_MS = 10_000;

describe('fault servers and bombs', () => {
  afterAll(() => {
    for (const t of intervals) clearInterval(t);
  });

  it(`${CASES.length} faults: each ends in its SessioError, no crash, no hang`, { timeout: 120_000 }, async () => {
    const wrong: string[] = [];
    let crashes = 0;
    let hangs = 0;
    for (const c of CASES) {
      const server = await rawServer(c.reply);
      const s = new Session({ trustEnv: false, retry: false });
      try {
        const outcome = await Promise.race([
          s.get(`${server.url}${c.path ?? '/'}`, c.options).then(async (r) => ({ value: await r.bytes() }), (error: unknown) => ({ error })),
          new Promise<'hang'>((r) => setTimeout(r, HANG_BOUND_MS, 'hang').unref()),
        ]);
        if (outcome === 'hang') {
          hangs++;
          wrong.push(`${c.name}: hang`);
        } else if (!('error' in outcome) || !(outcome.error instanceof SessioError)) {
          crashes++;
          wrong.push(`${c.name}: ${'error' in outcome ? String(outcome.error) : 'no error'}`);
        } else {
          const error: SessioError = outcome.error;
          const matches: boolean = error instanceof c.expected;
          if (!matches) wrong.push(`${c.name}: ${error.name} (${error.message.slice(0, 120)})`);
        }
      } finally {
        await s.close();
        await server.close();
      }
    }
    console.log(`[adversarial] faults and bombs: ${CASES.length} cases, ${crashes} crashes, ${hangs} hangs, ${wrong.length - crashes - hangs} other errors`);
    expect(wrong).toEqual([]);
  });
});

describe('injection and pollution', () => {
  let server: Awaited<ReturnType<typeof rawServer>>;
  const requests: string[] = [];
  let dir: string;
  beforeAll(async () => {
    server = await rawServer((s, request) => {
      requests.push(request);
      const body = '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}';
      s.write(head('200 OK', { 'content-type': 'application/json', 'content-length': body.length, 'set-cookie': '__proto__=polluted; Path=/' }, body));
    });
    dir = await mkdtemp(path.join(tmpdir(), 'sessio-adv-pollution-'));
  });
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('CR/LF and bad names never reach the wire; nothing pollutes Object.prototype', async () => {
    const failures: string[] = [];
    await using s = new Session({ trustEnv: false });
    const refused = [
      { headers: { 'x-a': 'v\r\nInjected: 1' } },
      { headers: { 'x-a': 'v\nInjected: 1' } },
      { headers: { 'x-a': 'v\0' } },
      { headers: { 'bad name': 'v' } },
      { headers: { 'x-a:b': 'v' } },
    ];
    for (const options of refused) {
      const before = server.hits();
      const err = await s.get(`${server.url}/`, options).catch((e: unknown) => e);
      if (!(err instanceof InvalidHeaderError) || server.hits() !== before) failures.push(`header ${JSON.stringify(options.headers)}`);
    }
    requests.length = 0;
    await (await s.get(`${server.url}/a\r\nInjected: 1`, { params: { 'k\r\nInjected': 'v\r\nInjected: 2', __proto__: 'p' } })).json();
    if (requests.some((r) => /^injected:/im.test(r))) failures.push('CR/LF in URL or params reached the wire as a header');
    const data = await (await s.get(`${server.url}/json`)).json<Record<string, unknown>>();
    if (Object.hasOwn(data, '__proto__') === false) failures.push('the JSON __proto__ member was dropped instead of kept as data');
    await s.post(`${server.url}/form`, { form: { __proto__: 'x', constructor: 'y' } as Record<string, string> });
    s.cookies.setCookie('constructor=x; Path=/', server.url);
    const file = path.join(dir, 'polluted.json');
    await writeFile(file, '{"format":"sessio-session","version":1,"savedAt":"","headers":{"__proto__":{"polluted":"yes"}},"cookies":null,"state":{"__proto__":{"polluted":"yes"}},"__proto__":{"polluted":"yes"}}');
    await Session.load(file).then((l) => l.close(), () => undefined);
    if (({} as Record<string, unknown>).polluted !== undefined) failures.push('Object.prototype was polluted');
    console.log(`[adversarial] injection and pollution: ${refused.length + 5} cases, ${failures.length} failures`);
    expect(failures).toEqual([]);
  });

  it('100,000 fuzzed Set-Cookie strings: the jar never throws and keeps its limits', { timeout: 120_000 }, () => {
    const jar = new CookieJar();
    let thrown = 0;
    const samples = fc.sample(fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), fc.array(fc.constantFrom('; Path=/', '; Domain=127.0.0.1', '; Domain=.com', '; Max-Age=-1', '; Expires=Thu, 01 Jan 1970 00:00:00 GMT', '; Secure', '; HttpOnly', '; SameSite=None', '; Partitioned', '; Path=', '; Domain=', '=;=;'), { maxLength: 5 }))
        .map(([n, v, attrs]) => `${n}=${v}${attrs.join('')}`),
    ), { numRuns: 100_000, seed: 12 });
    for (const text of samples) {
      try {
        jar.acceptSetCookie(text, new URL('http://127.0.0.1/'));
      } catch {
        thrown++;
      }
    }
    const kept = jar.getCookies('http://127.0.0.1/').length;
    console.log(`[adversarial] fuzzed Set-Cookie: ${samples.length} strings, ${thrown} thrown, ${kept} cookies kept`);
    expect(thrown).toBe(0);
    expect(kept).toBeLessThanOrEqual(50);
  });
});
