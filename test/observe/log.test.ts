import diagnostics from 'node:diagnostics_channel';
import type http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { retry, Session, type LoggerLike } from '../../src/index.js';
import { createLog, log, parseDebug, sessioEnabled } from '../../src/core/log/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

const SECRETS = {
  password: 'pw-Secret-1',
  urlPassword: 'url-pw-2',
  bearer: 'bearer-tok-3',
  proxy: 'proxy-cred-4',
  cookie: 'cookie-val-5',
  setCookie: 'setcookie-val-6',
  csrf: 'csrf-tok-7',
  htmlCsrf: 'html-csrf-8',
  jsonToken: 'json-token-9',
  tenant: 'tenant-key-10',
  query: 'query-tok-11',
};

let server: TestServer<http.Server>;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/go') {
        res.writeHead(302, { location: `/page?access_token=${SECRETS.query}` });
        res.end();
      } else if (path === '/page') {
        res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': `SESSION=${SECRETS.setCookie}; Path=/; HttpOnly` });
        res.end(`<form><input type="hidden" name="_csrf" value="${SECRETS.htmlCsrf}"><input name="q" value="visible"></form>`);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: SECRETS.jsonToken, user: 'alice' }));
      }
    });
  });
});

afterAll(() => server.close());

const savedDebug = process.env.DEBUG;
afterEach(() => {
  if (savedDebug === undefined) delete process.env.DEBUG;
  else process.env.DEBUG = savedDebug;
  vi.restoreAllMocks();
});

function consoleLike(): { logger: LoggerLike; lines: string[] } {
  const lines: string[] = [];
  const push = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  return { logger: { debug: push, warn: push, log: push }, lines };
}

/** Runs requests that carry every kind of secret through the session. */
async function secretTraffic(s: Session): Promise<void> {
  const origin = new URL(server.url);
  await s.get(`http://alice:${SECRETS.urlPassword}@${origin.host}/go`, {
    headers: { 'proxy-authorization': `Basic ${SECRETS.proxy}`, 'x-csrf-token': SECRETS.csrf, 'x-tenant': SECRETS.tenant },
    cookies: { JSESSIONID: SECRETS.cookie },
  });
  await s.post('/login', { form: { username: 'alice', password: SECRETS.password, _csrf: SECRETS.csrf }, headers: { authorization: `Bearer ${SECRETS.bearer}` } });
  await s.post('/api', { json: { password: SECRETS.password, refresh_token: SECRETS.jsonToken } });
}

function expectNoSecret(text: string): void {
  for (const [kind, secret] of Object.entries(SECRETS)) expect(text, kind).not.toContain(secret);
  expect(text).not.toContain(Buffer.from(`alice:${SECRETS.urlPassword}`).toString('base64'));
}

describe('DEBUG parsing', () => {
  const on = (debug: string, ns: string) => sessioEnabled(parseDebug(debug), ns);

  it('follows the debug package conventions', () => {
    expect(on('sessio', 'sessio:request')).toBe(true);
    expect(on('sessio', 'sessio:wire')).toBe(false);
    expect(on('sessio*', 'sessio:wire')).toBe(true);
    expect(on('sessio:*', 'sessio:login')).toBe(true);
    expect(on('*', 'sessio:wire')).toBe(true);
    expect(on('sessio*,-sessio:wire', 'sessio:wire')).toBe(false);
    expect(on('sessio*,-sessio:wire', 'sessio:response')).toBe(true);
    expect(on('sessio,-sessio:redirect', 'sessio:redirect')).toBe(false);
    expect(on('express:* sessio:retry', 'sessio:retry')).toBe(true);
    expect(on('sessio:retry', 'sessio:request')).toBe(false);
    expect(on('other', 'sessio:request')).toBe(false);
    expect(on('', 'sessio:request')).toBe(false);
  });

  it('the wire level turns request and response lines on; nothing is on without DEBUG', () => {
    const wire = createLog(undefined, 'sessio:wire');
    expect([wire.wire, wire.request, wire.response, wire.retry]).toEqual([true, true, true, false]);
    expect(createLog(undefined, '').active).toBe(false);
    expect(createLog(undefined, undefined).active).toBe(false);
    const csrfOnly = createLog(undefined, 'sessio:csrf');
    expect([csrfOnly.section('csrf'), csrfOnly.section('other'), csrfOnly.active]).toEqual([true, false, false]);
    expect(createLog(undefined, 'sessio').section('anything')).toBe(true);
  });
});

describe('logging', () => {
  it('writes nothing when DEBUG is unset and no logger is given', async () => {
    delete process.env.DEBUG;
    const write = vi.spyOn(process.stderr, 'write');
    await using s = new Session({ baseUrl: server.url });
    await s.get('/go');
    expect(write.mock.calls.filter(([chunk]) => String(chunk).includes('sessio:'))).toEqual([]);
  });

  it('DEBUG=sessio writes one line per request, response and redirect to stderr, with timings', async () => {
    process.env.DEBUG = 'sessio';
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    await using s = new Session({ baseUrl: server.url });
    await s.get('/go');
    vi.restoreAllMocks();
    const ours = lines.filter((l) => l.includes(' sessio:'));
    expect(ours).toHaveLength(5);
    expect(ours[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z sessio:request → GET http:\/\/127\.0\.0\.1:\d+\/go\n$/);
    expect(ours[1]).toMatch(/sessio:response ← 302 Found GET \S+\/go \([\d.]+ ms\)/);
    expect(ours[2]).toMatch(/sessio:redirect ↪ 302 \S+\/go → GET \S+\/page\?access_token=\[REDACTED\]/);
    expect(ours[4]).toMatch(/sessio:response ← 200 OK GET/);
  });

  it('an injected console-like logger gets every line, redacted, and the wire level with DEBUG=sessio:wire', async () => {
    process.env.DEBUG = 'sessio:wire';
    const { logger, lines } = consoleLike();
    await using s = new Session({ baseUrl: server.url, logger, sensitiveHeaders: ['X-Tenant'] });
    await secretTraffic(s);
    const text = lines.join('\n');
    expectNoSecret(text);
    expect(text).toContain('sessio:wire > authorization: Basic [REDACTED]');
    expect(text).toContain('sessio:wire > proxy-authorization: Basic [REDACTED]');
    expect(text).toContain('sessio:wire > cookie: JSESSIONID=[REDACTED]');
    expect(text).toContain('sessio:wire < set-cookie: SESSION=[REDACTED]; Path=/; HttpOnly');
    expect(text).toContain('x-tenant: [REDACTED]');
    expect(text).toContain('name=\\"_csrf\\" value=\\"[REDACTED]\\"');
    expect(text).toContain('value=\\"visible\\"');
    expect(text).toContain('username=alice&password=[REDACTED]&_csrf=[REDACTED]');
    expect(text).toContain('{\\"access_token\\":\\"[REDACTED]\\",\\"user\\":\\"alice\\"}');
  });

  it('a pino-like logger gets structured fields, the wire level at trace', async () => {
    delete process.env.DEBUG;
    const records: [string, Record<string, unknown>, string][] = [];
    const at = (level: string) => (fields: unknown, msg: unknown) => void records.push([level, fields as Record<string, unknown>, String(msg)]);
    const pino = { level: 'trace', child() { return this; }, isLevelEnabled: () => true, debug: at('debug'), trace: at('trace'), warn: at('warn'), info: at('info') };
    await using s = new Session({ baseUrl: server.url, logger: pino, sensitiveHeaders: ['x-tenant'] });
    await secretTraffic(s);
    expectNoSecret(JSON.stringify(records));
    const response = records.find(([, f]) => f.ns === 'sessio:response')!;
    expect(response[0]).toBe('debug');
    expect(response[1]).toMatchObject({ method: 'GET', status: 302 });
    expect(typeof response[1].ms).toBe('number');
    const wire = records.filter(([, f]) => f.ns === 'sessio:wire');
    expect(wire.length).toBeGreaterThan(0);
    expect(wire.every(([level]) => level === 'trace')).toBe(true);
    expect(wire[0]![1].headers).toEqual(expect.arrayContaining(['proxy-authorization: Basic [REDACTED]']));
  });

  it('pino at info level: request lines off (filtered once), errors still on', () => {
    const pino = { level: 'info', child() { return this; }, isLevelEnabled: (l: string) => ['info', 'warn', 'error'].includes(l), debug() {}, warn() {} };
    const l = createLog(pino, undefined);
    expect([l.request, l.response, l.wire, l.error]).toEqual([false, false, false, true]);
  });

  it('errors and retries are logged; log.login and log.debug write redacted lines', async () => {
    process.env.DEBUG = 'sessio,sessio:csrf';
    const { logger, lines } = consoleLike();
    await using s = new Session({ baseUrl: server.url, logger, hooks: { afterResponse: (_r, _q, { attempt }) => (attempt === 0 ? retry({ delay: 1 }) : undefined) } });
    await s.get('/json');
    await expect(s.get('http://127.0.0.1:1/closed')).rejects.toThrow();
    const owner = { log: createLog(logger) };
    log.login(owner, { url: `${server.url}/login?password=${SECRETS.password}`, ok: false, ms: 12.5, scheme: 'form', status: 200, reason: `bad password=${SECRETS.password}` });
    log.debug('csrf', `token from meta: _csrf=${SECRETS.csrf}`, owner);
    log.debug('other', 'shown too: an injected logger gets every section', owner);
    const text = lines.join('\n');
    expectNoSecret(text);
    expect(text).toMatch(/sessio:retry ↻ retry 1 of GET \S+\/json in 1\.0 ms after 200/);
    expect(text).toMatch(/sessio:error ✕ GET http:\/\/127\.0\.0\.1:1\/closed ConnectError ERR_CONNECT: .* \([\d.]+ ms\)/);
    expect(text).toContain('sessio:login login form failed 200 ');
    expect(text).toContain('sessio:csrf token from meta: _csrf=[REDACTED]');
    expect(text).toContain('sessio:other shown too');
  });
});

describe('diagnostics_channel', () => {
  it('publishes request, response, redirect, retry, error and login events', async () => {
    delete process.env.DEBUG;
    const got: string[] = [];
    const names = ['sessio:request', 'sessio:response', 'sessio:redirect', 'sessio:retry', 'sessio:error', 'sessio:login'];
    const subs = names.map((name) => {
      const fn = (msg: unknown) => {
        const m = msg as { response?: { status: number }; request?: { method: string }; attempt?: number; ok?: boolean };
        got.push(`${name} ${m.response?.status ?? m.attempt ?? m.request?.method ?? m.ok}`);
      };
      diagnostics.subscribe(name, fn);
      return () => diagnostics.unsubscribe(name, fn);
    });
    try {
      await using s = new Session({ baseUrl: server.url, hooks: { afterResponse: (r, _q, { attempt }) => (r.status === 200 && attempt === 0 ? retry() : undefined) } });
      await s.get('/go');
      await expect(s.get('http://127.0.0.1:1/')).rejects.toThrow();
      log.login({ log: createLog(undefined) }, { url: server.url, ok: true, ms: 1 });
    } finally {
      for (const unsub of subs) unsub();
    }
    expect(got).toEqual([
      'sessio:request GET', 'sessio:response 302', 'sessio:redirect 302', 'sessio:request GET', 'sessio:response 200',
      'sessio:retry 1',
      'sessio:request GET', 'sessio:response 302', 'sessio:redirect 302', 'sessio:request GET', 'sessio:response 200',
      'sessio:request GET', 'sessio:error GET',
      'sessio:login true',
    ]);
  });
});
