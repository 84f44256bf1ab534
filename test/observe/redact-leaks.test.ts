import type http from 'node:http';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProxyError, RedirectError, Session, type LoggerLike } from '../../src/index.js';
import { REDACT_SCAN_LIMIT } from '../../src/core/redact.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

const FORM_PW = 'form-S3CRET-1';
const CODE = 'code-S3CRET-2';
const KEY = 'key-S3CRET-3';
const SIG = 'sig-S3CRET-4';
const TENANT = 'tenant-S3CRET-5';
const LOC_PW = 'loc-S3CRET-6';
const LOC_TOKEN = 'loc-S3CRET-7';
const PROXY_PW = 'proxy-S3CRET-8';
const ALL = [FORM_PW, CODE, KEY, SIG, TENANT, LOC_PW, LOC_TOKEN, PROXY_PW];

let server: TestServer<http.Server>;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    req.resume();
    req.on('end', () => {
      if (url.pathname === '/bad-location') {
        // Unparsable (an unclosed IPv6 bracket) and carrying userinfo and a token.
        res.writeHead(302, { location: `http://u:${LOC_PW}@[::1/?access_token=${LOC_TOKEN}` });
        res.end();
        return;
      }
      if (url.pathname === '/huge') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`${'x'.repeat(100 * 1024)} password=${FORM_PW}`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', ...(url.pathname === '/tenant' && { 'x-tenant': TENANT }) });
      res.end('{"ok":true}');
    });
  });
});

afterAll(() => server.close());

const savedDebug = process.env.DEBUG;
afterEach(() => {
  if (savedDebug === undefined) delete process.env.DEBUG;
  else process.env.DEBUG = savedDebug;
});

function expectNoSecret(text: string): void {
  for (const secret of ALL) expect(text).not.toContain(secret);
}

describe('secrets that used to leak', () => {
  it('percent-encoded form keys (Rails user[password]) are redacted in the wire log, toCurl() and HAR', async () => {
    process.env.DEBUG = 'sessio:wire';
    const lines: string[] = [];
    const push = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    const logger: LoggerLike = { debug: push, warn: push, log: push };
    await using s = new Session({ baseUrl: server.url, logger, har: true });
    const r = await s.post('/users/sign_in', { form: { 'user[email]': 'a@b.c', 'user[password]': FORM_PW } });
    const wire = lines.join('\n');
    expect(wire).toContain('user%5Bpassword%5D=[REDACTED]');
    expect(wire).toContain('user%5Bemail%5D=a%40b.c');
    expectNoSecret(wire);
    const curl = r.request.toCurl();
    expect(curl).toContain('user%5Bpassword%5D=[REDACTED]');
    expectNoSecret(curl);
    const post = s.har().log.entries[0]!.request.postData!;
    expect(post.text).toBe('user%5Bemail%5D=a%40b.c&user%5Bpassword%5D=[REDACTED]');
    expect(post.params).toContainEqual({ name: 'user[password]', value: '[REDACTED]' });
    // the unredacted export still has the value: redaction happens on output only
    expect(r.request.toCurl({ redact: false })).toContain(FORM_PW);
  });

  it('HAR queryString redacts code, key and sig as request.url does', async () => {
    await using s = new Session({ baseUrl: server.url, har: true });
    await s.get(`/cb?code=${CODE}&key=${KEY}&sig=${SIG}&state=visible`);
    const har = s.har();
    const req = har.log.entries[0]!.request;
    expect(req.queryString).toEqual([
      { name: 'code', value: '[REDACTED]' },
      { name: 'key', value: '[REDACTED]' },
      { name: 'sig', value: '[REDACTED]' },
      { name: 'state', value: 'visible' },
    ]);
    expectNoSecret(JSON.stringify(har));
    expect(s.har({ redact: false }).log.entries[0]!.request.queryString[0]!.value).toBe(CODE);
  });

  it('HAR response headers honour the session sensitiveHeaders', async () => {
    await using s = new Session({ baseUrl: server.url, har: true, sensitiveHeaders: ['X-Tenant'] });
    await s.get('/tenant');
    const headers = s.har().log.entries[0]!.response.headers;
    expect(headers).toContainEqual({ name: 'x-tenant', value: '[REDACTED]' });
    expectNoSecret(JSON.stringify(s.har()));
  });

  it('an invalid Location with userinfo and a token is redacted in the RedirectError', async () => {
    await using s = new Session({ baseUrl: server.url });
    const err = await s.get('/bad-location').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedirectError);
    expect((err as Error).message).toContain('invalid Location');
    expect((err as Error).message).toContain('access_token=[REDACTED]');
    expectNoSecret(inspect(err, { depth: 10 }));
  });

  it('an invalid proxy URL keeps the password out of the error and its cause', async () => {
    for (const proxy of [`http://bob:${PROXY_PW}@[bad`, `bob:${PROXY_PW}@[bad`, `http://bob:pa/${PROXY_PW}@[bad`]) {
      let err: unknown;
      try {
        await using s = new Session({ proxy });
        await s.get(server.url);
      } catch (e) {
        err = e;
      }
      expect(err, proxy).toBeInstanceOf(ProxyError);
      expect((err as Error).message).toContain('Invalid proxy URL');
      expect((err as Error).cause).toBeInstanceOf(TypeError);
      expectNoSecret(inspect(err, { depth: 10 }));
      expectNoSecret(JSON.stringify(err));
    }
  });

  it('HAR bodies longer than the redaction scan limit are cut there and say so, never exported unscanned', async () => {
    await using s = new Session({ baseUrl: server.url, har: { maxBodySize: 256 * 1024 } });
    await s.post('/huge', { body: `${'y'.repeat(100 * 1024)} password=${FORM_PW}`, headers: { 'content-type': 'text/plain' } });
    const entry = s.har().log.entries[0]!;
    expect(entry.response.content.text!.length).toBe(REDACT_SCAN_LIMIT);
    expect(entry.response.content.comment).toMatch(/scanned for secrets/);
    expect(entry.request.postData!.text!.length).toBe(REDACT_SCAN_LIMIT);
    expect(entry.request.postData!.comment).toMatch(/scanned for secrets/);
    expectNoSecret(JSON.stringify(s.har()));
    expect(s.har({ redact: false }).log.entries[0]!.response.content.text).toContain(FORM_PW);
  });

  it('toCurl() redacts a body longer than the scan limit whole, since it is inlined', async () => {
    await using s = new Session({ baseUrl: server.url });
    const r = await s.post('/echo', { body: `${'y'.repeat(100 * 1024)} password=${FORM_PW} end`, headers: { 'content-type': 'text/plain' } });
    const curl = r.request.toCurl();
    expect(curl).toContain('password=[REDACTED] end');
    expectNoSecret(curl);
  });
});
