// jar.explain(url) (why a stored cookie is or is not sent) and the onReject reports of ignored
// cookies, on cookie sets a real server on 127.0.0.1 sends and on response-like Set-Cookie strings.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, type CookieExplanation, type CookieRejectInfo } from '../../src/cookies/index.js';

const T0 = Date.UTC(2025, 0, 1);
const SECRETS = ['s3cr3t-session-0001', 'csrf-token-0002', 'remember-me-0003', 'tracking-0004', 'old-0005'];

/** name → [sent, reason] of an explanation, for compact assertions. */
function verdicts(list: CookieExplanation[]): Record<string, [boolean, string | undefined]> {
  return Object.fromEntries(list.map((e) => [`${e.name}@${e.domain}${e.path}`, [e.sent, e.reason]]));
}

describe('explain, on the Set-Cookie headers of a real login response', () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader('Set-Cookie', [
        `JSESSIONID=${SECRETS[0]}; Path=/app; HttpOnly`,
        `XSRF-TOKEN=${SECRETS[1]}; Path=/`,
        `remember=${SECRETS[2]}; Path=/; Secure; HttpOnly; SameSite=Strict`,
        `old=${SECRETS[4]}; Path=/; Max-Age=60`,
      ]);
      res.writeHead(302, { location: '/app/home' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('tells the path, expiry and HttpOnly withholdings apart, without values', async () => {
    const clock = { now: T0 };
    const jar = new CookieJar({ now: () => clock.now });
    const res = await request(`${origin}/app/login`, { method: 'POST' });
    await res.body.dump();
    const headers = res.headers['set-cookie'];
    for (const h of Array.isArray(headers) ? headers : [headers!]) expect(jar.setCookie(h, `${origin}/app/login`)).toBeDefined();

    // 127.0.0.1 over http is a secure origin (as in browsers), so the Secure cookie is sent.
    expect(verdicts(jar.explain(`${origin}/app/home`))).toEqual({
      'JSESSIONID@127.0.0.1/app': [true, undefined],
      'XSRF-TOKEN@127.0.0.1/': [true, undefined],
      'remember@127.0.0.1/': [true, undefined],
      'old@127.0.0.1/': [true, undefined],
    });
    clock.now += 61_000;
    const outside = jar.explain(`${origin}/api/orders`, { http: false });
    expect(verdicts(outside)).toEqual({
      'JSESSIONID@127.0.0.1/app': [false, 'path'],
      'XSRF-TOKEN@127.0.0.1/': [true, undefined],
      'remember@127.0.0.1/': [false, 'httpOnly'],
      'old@127.0.0.1/': [false, 'expired'],
    });
    expect(outside.find((e) => e.name === 'JSESSIONID')?.detail).toBe('Path=/app does not match /api/orders; HttpOnly cookie, request through a non-HTTP API');
    expect(outside.find((e) => e.name === 'old')?.detail).toBe(`expired at ${new Date(T0 + 60_000).toISOString()}`);
    const text = JSON.stringify(outside);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    // Inspection only: the expired cookie is still there to be explained again.
    expect(jar.explain(`${origin}/`).map((e) => e.name)).toContain('old');
  });
});

describe('explain, on response-like cookie sets', () => {
  function siteJar(): CookieJar {
    const jar = new CookieJar({ now: () => T0 });
    jar.setCookie('sid=1; Path=/; Secure; HttpOnly', 'https://www.example.com/login');
    jar.setCookie('pref=2; Domain=example.com; Path=/', 'https://www.example.com/login');
    jar.setCookie('api=3; Path=/v1', 'https://api.example.com/v1/token');
    jar.setCookie('other=4', 'https://other.org/');
    jar.setCookie('chip=5; Secure; Partitioned; SameSite=None; Path=/', 'https://www.example.com/');
    return jar;
  }

  it('reports Secure over http, host-only cookies of a sibling host, and only the site of the URL', () => {
    const jar = siteJar();
    expect(verdicts(jar.explain('http://www.example.com/v1/x'))).toEqual({
      'sid@www.example.com/': [false, 'secure'],
      'pref@example.com/': [true, undefined],
      'chip@www.example.com/': [false, 'secure'],
      'api@api.example.com/v1': [false, 'domain'],
    });
    const sibling = jar.explain('https://api.example.com/v1/x');
    expect(sibling.map((e) => [e.name, e.sent])).toEqual([
      ['api', true],
      ['sid', false],
      ['pref', true],
      ['chip', false],
    ]);
    expect(sibling.find((e) => e.name === 'sid')?.detail).toBe('set by www.example.com (host-only), not api.example.com');
  });

  it('lists the sent cookies in the order of the Cookie header, and keeps attributes', () => {
    const jar = siteJar();
    const url = 'https://www.example.com/v1/x';
    const sent = jar.explain(url).filter((e) => e.sent);
    expect(sent.map((e) => e.name).join('; ')).toBe(jar.getCookies(url).map((c) => c.name).join('; '));
    expect(jar.explain(url).find((e) => e.name === 'chip')).toMatchObject({ partitioned: true, sameSite: 'none', secure: true, sent: true });
    expect(Object.keys(jar.explain(url)[0]!)).not.toContain('value');
  });

  it('says hostOnly for a host-only cookie asked for by a subdomain', () => {
    const jar = new CookieJar({ now: () => T0 });
    jar.setCookie('h=1', 'https://example.com/');
    expect(jar.explain('https://a.example.com/')).toMatchObject([{ name: 'h', sent: false, reason: 'hostOnly' }]);
    expect(jar.explain('https://example.com/')).toMatchObject([{ name: 'h', sent: true }]);
  });
});

describe('onReject', () => {
  it('reports every ignored Set-Cookie with a reason and no value, through the option and listeners', () => {
    const seen: [string, CookieRejectInfo][] = [];
    const jar = new CookieJar({ onReject: (reason, info) => seen.push([reason, info]) });
    const extra: string[] = [];
    const remove = jar.addRejectListener((reason) => extra.push(reason));
    expect(jar.setCookie(`sid=${SECRETS[0]}; Secure`, 'http://example.com/a/b?token=QUERYSECRET#frag')).toBeUndefined();
    expect(jar.setCookie(`x=${SECRETS[1]}; Domain=other.org`, 'https://user:PASSWORD@www.example.com:8443/p')).toBeUndefined();
    expect(jar.setCookie(`bad=${SECRETS[2]}\u0001`, 'https://example.com')).toBeUndefined();
    remove();
    expect(jar.setCookie(`__Host-a=${SECRETS[3]}; Path=/x; Secure`, 'https://example.com/')).toBeUndefined();
    expect(jar.setCookie('fine=1', 'https://example.com/')).toBeDefined();
    expect(seen).toEqual([
      ['Secure cookie from an insecure origin', { source: 'set-cookie', name: 'sid', host: 'example.com', url: 'http://example.com/a/b' }],
      ['Domain does not match the host', { source: 'set-cookie', name: 'x', domain: 'other.org', host: 'www.example.com', url: 'https://www.example.com:8443/p' }],
      ['control character', { source: 'set-cookie', host: 'example.com', url: 'https://example.com/' }],
      ['__Host- prefix without Secure, host-only and Path=/', { source: 'set-cookie', name: '__Host-a', host: 'example.com', url: 'https://example.com/' }],
    ]);
    expect(extra).toEqual(['Secure cookie from an insecure origin', 'Domain does not match the host', 'control character']);
    const text = JSON.stringify(seen);
    for (const secret of [...SECRETS, 'QUERYSECRET', 'PASSWORD', 'frag']) expect(text).not.toContain(secret);
  });

  it('reports skipped imports, and a throwing listener does not make the jar throw', () => {
    const seen: [string, CookieRejectInfo][] = [];
    const jar = new CookieJar();
    jar.addRejectListener(() => {
      throw new Error('logger down');
    });
    jar.addRejectListener((reason, info) => seen.push([reason, info]));
    expect(jar.importNetscape(`example.com\tFALSE\t/\tFALSE\t0\n.example.com\tTRUE\t/\tFALSE\t0\tok\t${SECRETS[0]}\n`)).toBe(1);
    expect(jar.setCookie(`a=${SECRETS[1]}; Secure`, 'http://example.com/')).toBeUndefined();
    expect(seen).toEqual([
      ['skipped cookies.txt line 1: 5 fields', { source: 'import' }],
      ['Secure cookie from an insecure origin', { source: 'set-cookie', name: 'a', host: 'example.com', url: 'http://example.com/' }],
    ]);
    expect(jar.importToughCookie({ cookies: [{ key: 'n', value: SECRETS[2], domain: 'bücher.example', path: '/', creation: new Date(T0).toISOString() }] })).toBe(0);
    expect(seen[2]).toEqual(['non-ASCII domain', { source: 'import', name: 'n', domain: 'bücher.example' }]);
    expect(JSON.stringify(seen)).not.toMatch(/s3cr3t|csrf|remember/);
  });
});

describe('explain, with fully qualified hosts', () => {
  it('counts `example.com.` cookies as of the site of example.com and the other way round', () => {
    const jar = new CookieJar({ now: () => T0 });
    jar.setCookie('dotted=1', 'https://www.example.com./');
    jar.setCookie('plain=1', 'https://www.example.com/');
    jar.setCookie('far=1', 'https://example.org./');
    expect(verdicts(jar.explain('https://www.example.com/'))).toEqual({ 'plain@www.example.com/': [true, undefined], 'dotted@www.example.com./': [false, 'domain'] });
    expect(verdicts(jar.explain('https://api.example.com./'))).toEqual({ 'plain@www.example.com/': [false, 'domain'], 'dotted@www.example.com./': [false, 'domain'] });
  });
});
