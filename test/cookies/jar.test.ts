// Points 1-4 and 6 of the cookie issue: the storage model, retrieval and the jar's API.
import { describe, expect, it } from 'vitest';
import { Cookie, CookieJar, MemoryCookieStore, MAX_COOKIE_LIFETIME_MS } from '../../src/cookies/index.js';

const T0 = Date.UTC(2025, 0, 1);

function clockJar(options: ConstructorParameters<typeof CookieJar>[0] = {}): { jar: CookieJar; clock: { now: number } } {
  const clock = { now: T0 };
  return { jar: new CookieJar({ now: () => clock.now, ...options }), clock };
}

describe('storage model: domain', () => {
  it('stores host-only cookies without Domain, and domain cookies for subdomains', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('h=1', 'https://www.example.com/')?.hostOnly).toBe(true);
    expect(jar.setCookie('d=1; Domain=example.com', 'https://www.example.com/')).toMatchObject({ hostOnly: false, domain: 'example.com' });
    expect(jar.getCookieHeader('https://www.example.com/')).toBe('h=1; d=1');
    expect(jar.getCookieHeader('https://a.www.example.com/')).toBe('d=1');
    expect(jar.getCookieHeader('https://example.com/')).toBe('d=1');
    expect(jar.getCookieHeader('https://notexample.com/')).toBe('');
  });

  it('rejects a Domain the host does not domain-match', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('a=1; Domain=other.com', 'https://www.example.com/')).toBeUndefined();
    expect(jar.setCookie('a=1; Domain=sub.www.example.com', 'https://www.example.com/')).toBeUndefined();
    expect(jar.setCookie('a=1; Domain=ample.com', 'https://example.com/')).toBeUndefined();
    expect(jar.size).toBe(0);
  });

  it('rejects a public suffix written with a trailing dot (fully qualified hosts)', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('a=1; Domain=co.uk.', 'https://evil.co.uk./')).toBeUndefined();
    expect(jar.setCookie('b=1; Domain=evil.co.uk.', 'https://www.evil.co.uk./')?.domain).toBe('evil.co.uk.');
    expect(jar.getCookieHeader('https://bank.co.uk./')).toBe('');
  });

  it('rejects public suffixes as Domain unless equal to the host (then host-only)', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('a=1; Domain=com', 'https://example.com/')).toBeUndefined();
    expect(jar.setCookie('a=1; Domain=co.uk', 'https://example.co.uk/')).toBeUndefined();
    expect(jar.setCookie('a=1; Domain=github.io', 'https://me.github.io/')).toBeUndefined();
    expect(jar.setCookie('a=1; Domain=github.io', 'https://github.io/')).toMatchObject({ hostOnly: true, domain: 'github.io' });
    const permissive = new CookieJar({ rejectPublicSuffixes: false });
    expect(permissive.setCookie('a=1; Domain=github.io', 'https://me.github.io/')?.domain).toBe('github.io');
  });

  it('makes an empty Domain host-only and ignores Domain=.', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('a=1; Domain=example.com; Domain=', 'https://www.example.com/')).toMatchObject({ hostOnly: true, domain: 'www.example.com' });
    expect(jar.setCookie('b=1; Domain=.', 'https://www.example.com/')).toBeUndefined();
  });

  it('keeps cookies of IP addresses host-only', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('a=1; Domain=10.0.0.1', 'http://10.0.0.1/')).toMatchObject({ hostOnly: true, domain: '10.0.0.1' });
    expect(jar.setCookie('b=1; Domain=0.0.1', 'http://10.0.0.1/')).toBeUndefined();
    expect(jar.setCookie('c=1', 'http://[::1]:8080/')?.domain).toBe('[::1]');
    expect(jar.getCookieHeader('http://10.0.0.1/')).toBe('a=1');
    expect(jar.getCookieHeader('http://[::1]/')).toBe('c=1');
  });

  it('ignores a non-ASCII Domain attribute', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('a=1; Domain=bücher.example', 'https://xn--bcher-kva.example/')).toBeUndefined();
    expect(jar.setCookie('a=1; Domain=xn--bcher-kva.example', 'https://bücher.example/')?.domain).toBe('xn--bcher-kva.example');
    // U+212A KELVIN SIGN lower-cases to an ASCII k: still a non-ASCII attribute.
    expect(jar.setCookie('k=1; Domain=\u212Aexample.com', 'https://kexample.com/')).toBeUndefined();
  });
});

describe('storage model: path', () => {
  it('computes the default path from the request path', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('a=1', 'https://e.com/a/b/c')?.path).toBe('/a/b');
    expect(jar.setCookie('b=1', 'https://e.com/a')?.path).toBe('/');
    expect(jar.setCookie('c=1', 'https://e.com/')?.path).toBe('/');
    expect(jar.setCookie('d=1; Path=x', 'https://e.com/q/r')?.path).toBe('/q');
  });

  it('path-matches only at / boundaries', () => {
    const { jar } = clockJar();
    jar.setCookie('a=1; Path=/api', 'https://e.com/');
    jar.setCookie('b=1; Path=/api/', 'https://e.com/');
    expect(jar.getCookieHeader('https://e.com/api')).toBe('a=1');
    expect(jar.getCookieHeader('https://e.com/api/x')).toBe('b=1; a=1');
    expect(jar.getCookieHeader('https://e.com/apix')).toBe('');
    expect(jar.getCookieHeader('https://e.com/')).toBe('');
  });

  it('uses the path index for domains with many paths', () => {
    const { jar } = clockJar({ maxPerDomain: 500 });
    for (let i = 0; i < 40; i++) jar.setCookie(`p${i}=${i}; Path=/p${i}`, 'https://e.com/');
    jar.setCookie('root=1; Path=/', 'https://e.com/');
    jar.setCookie('deep=1; Path=/p7/x/', 'https://e.com/');
    expect(jar.getCookieHeader('https://e.com/p7/x/y')).toBe('deep=1; p7=7; root=1');
    expect(jar.getCookieHeader('https://e.com/p7')).toBe('p7=7; root=1');
    expect(jar.getCookieHeader('https://e.com/p70')).toBe('root=1');
  });
});

describe('storage model: replacement, expiry, Secure, HttpOnly, prefixes', () => {
  it('replaces the same (name, domain, host-only flag, path) and keeps the creation time', () => {
    const { jar, clock } = clockJar();
    jar.setCookie('a=1', 'https://e.com/');
    jar.setCookie('b=1', 'https://e.com/');
    clock.now += 1000;
    const replaced = jar.setCookie('a=2', 'https://e.com/');
    expect(replaced?.creation).toBe(T0);
    expect(jar.getCookieHeader('https://e.com/')).toBe('a=2; b=1');
    expect(jar.size).toBe(2);
    jar.setCookie('a=3; Path=/x', 'https://e.com/');
    expect(jar.size).toBe(3);
  });

  it('lets Max-Age win over Expires whatever the order', () => {
    const { jar } = clockJar();
    const past = 'Expires=Thu, 01 Jan 1970 00:00:01 GMT';
    expect(jar.setCookie(`a=1; Max-Age=60; ${past}`, 'https://e.com/')?.expires).toBe(T0 + 60_000);
    expect(jar.setCookie(`b=1; ${past}; Max-Age=60`, 'https://e.com/')?.expires).toBe(T0 + 60_000);
    expect(jar.getCookieHeader('https://e.com/')).toBe('a=1; b=1');
  });

  it('deletes with Max-Age<=0 or a past Expires, and expires cookies lazily', () => {
    const { jar, clock } = clockJar();
    jar.setCookie('a=1', 'https://e.com/');
    jar.setCookie('b=1', 'https://e.com/');
    jar.setCookie('c=1; Max-Age=10', 'https://e.com/');
    jar.setCookie('a=; Max-Age=0', 'https://e.com/');
    jar.setCookie('b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'https://e.com/');
    expect(jar.getCookieHeader('https://e.com/')).toBe('c=1');
    clock.now += 10_000;
    expect(jar.getCookieHeader('https://e.com/')).toBe('');
    expect(jar.size).toBe(0);
  });

  it('caps Expires and Max-Age at 400 days', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('a=1; Max-Age=999999999', 'https://e.com/')?.expires).toBe(T0 + MAX_COOKIE_LIFETIME_MS);
    expect(jar.setCookie('b=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT', 'https://e.com/')?.expires).toBe(T0 + MAX_COOKIE_LIFETIME_MS);
  });

  it('sets Secure cookies only from secure origins, localhost and loopback included', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('s=1; Secure', 'http://e.com/')).toBeUndefined();
    expect(jar.setCookie('s=1; Secure', 'https://e.com/')).toBeDefined();
    for (const origin of ['http://localhost:3000/', 'http://app.localhost/', 'http://127.0.0.1:8080/', 'http://127.8.9.10/', 'http://[::1]/', 'wss://e.org/']) {
      expect(jar.setCookie('s=1; Secure', origin), origin).toBeDefined();
      expect(jar.getCookieHeader(origin), origin).toBe('s=1');
    }
    expect(jar.getCookieHeader('http://e.com/')).toBe('');
    expect(jar.getCookieHeader('https://e.com/')).toBe('s=1');
  });

  it('does not let an insecure origin overwrite, shadow or delete a Secure cookie', () => {
    const { jar } = clockJar();
    jar.setCookie('s=secret; Secure; Domain=e.com; Path=/', 'https://www.e.com/');
    expect(jar.setCookie('s=evil', 'http://www.e.com/')).toBeUndefined();
    expect(jar.setCookie('s=evil; Path=/deeper', 'http://e.com/')).toBeUndefined();
    expect(jar.setCookie('s=; Max-Age=0; Domain=e.com', 'http://www.e.com/')).toBeUndefined();
    expect(jar.getCookieHeader('https://www.e.com/deeper')).toBe('s=secret');
    // An unrelated name is fine.
    expect(jar.setCookie('t=1', 'http://www.e.com/')).toBeDefined();
    // A secure origin may overwrite it.
    expect(jar.setCookie('s=new; Domain=e.com', 'https://www.e.com/')?.secure).toBe(false);
  });

  it('keeps HttpOnly cookies away from the non-HTTP API', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('h=1; HttpOnly', 'https://e.com/', { http: false })).toBeUndefined();
    jar.setCookie('h=1; HttpOnly', 'https://e.com/');
    jar.setCookie('p=1', 'https://e.com/');
    expect(jar.setCookie('h=2', 'https://e.com/', { http: false })).toBeUndefined();
    expect(jar.getCookieHeader('https://e.com/', { http: false })).toBe('p=1');
    expect(jar.getCookieHeader('https://e.com/')).toBe('h=1; p=1');
    expect(jar.get('h', { url: 'https://e.com/' }, { http: false })).toBeUndefined();
  });

  it('enforces __Secure- and __Host- prefixes (case-insensitively)', () => {
    const { jar } = clockJar();
    const u = 'https://www.e.com/a/b';
    expect(jar.setCookie('__Secure-a=1', u)).toBeUndefined();
    expect(jar.setCookie('__secure-a=1; Secure', u)).toBeDefined();
    expect(jar.setCookie('__Host-a=1; Secure', u)).toBeUndefined(); // no Path=/
    expect(jar.setCookie('__Host-a=1; Secure; Path=/; Domain=e.com', u)).toBeUndefined();
    expect(jar.setCookie('__HOST-a=1; Path=/', u)).toBeUndefined();
    expect(jar.setCookie('__Host-a=1; Secure; Path=/', u)).toMatchObject({ hostOnly: true, path: '/' });
    expect(jar.setCookie('=__Host-a=1; Secure; Path=/', u)).toBeUndefined();
    expect(jar.setCookie('__Secure-x=1; Secure', 'http://e.com/')).toBeUndefined();
  });

  it('enforces the __Http- and __Host-Http- prefixes: Secure and HttpOnly, so only Set-Cookie sets them', () => {
    const { jar } = clockJar();
    const u = 'https://www.e.com/a/b';
    expect(jar.setCookie('__Http-a=1; Secure', u)).toBeUndefined();
    expect(jar.setCookie('__Http-a=1; HttpOnly', u)).toBeUndefined();
    expect(jar.setCookie('__http-a=1; Secure; HttpOnly', u)).toMatchObject({ httpOnly: true, secure: true });
    expect(jar.setCookie('__Http-b=1; Secure; HttpOnly', u, { http: false })).toBeUndefined();
    expect(jar.setCookie('__Host-Http-c=1; Secure; HttpOnly', u)).toBeUndefined(); // no Path=/
    expect(jar.setCookie('__Host-Http-c=1; Secure; Path=/', u)).toBeUndefined(); // no HttpOnly
    expect(jar.setCookie('__HOST-HTTP-c=1; Secure; HttpOnly; Path=/', u)).toMatchObject({ hostOnly: true, httpOnly: true });
    expect(jar.setCookie('=__Http-d=1; Secure; HttpOnly', u)).toBeUndefined();
  });

  it('keeps SameSite and Partitioned', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('a=1; SameSite=Lax; Secure; Partitioned', 'https://e.com/')).toMatchObject({ sameSite: 'lax', partitioned: true });
  });

  it('ignores SameSite=None and Partitioned without Secure (6265bis 5.7, CHIPS), even from https', () => {
    const { jar } = clockJar();
    expect(jar.setCookie('a=1; SameSite=None', 'https://e.com/')).toBeUndefined();
    expect(jar.setCookie('b=1; Partitioned', 'https://e.com/')).toBeUndefined();
    expect(jar.setCookie('c=1; SameSite=None; Secure', 'https://e.com/')?.sameSite).toBe('none');
    expect(jar.setCookie('d=1; SameSite=None; Secure', 'http://localhost/')?.sameSite).toBe('none');
    expect(jar.getCookieHeader('https://e.com/')).toBe('c=1');
  });

  it('keeps a host-only and a Domain cookie of the same name and path apart (6265bis 5.7 identity)', () => {
    const { jar } = clockJar();
    jar.setCookie('sid=host', 'https://example.com/');
    jar.setCookie('sid=site; Domain=example.com', 'https://example.com/');
    expect(jar.size).toBe(2);
    expect(jar.getCookieHeader('https://example.com/')).toBe('sid=host; sid=site');
    expect(jar.getCookieHeader('https://www.example.com/')).toBe('sid=site');
    // Deleting the Domain cookie leaves the host-only one, and the other way round.
    jar.setCookie('sid=; Domain=example.com; Max-Age=0', 'https://example.com/');
    expect(jar.getCookieHeader('https://example.com/')).toBe('sid=host');
    jar.setCookie('sid=site2; Domain=example.com', 'https://example.com/');
    jar.setCookie('sid=; Max-Age=0', 'https://example.com/');
    expect(jar.getCookieHeader('https://www.example.com/')).toBe('sid=site2');
    expect(jar.getCookies('https://example.com/').map((c) => [c.value, c.hostOnly])).toEqual([['site2', false]]);
    jar.setCookie('sid=host2', 'https://example.com/');
    expect(jar.get('sid', { domain: 'example.com', hostOnly: true })?.value).toBe('host2');
    expect(jar.get('sid', { domain: 'example.com', hostOnly: false })?.value).toBe('site2');
    expect(jar.delete('sid', { domain: 'example.com', hostOnly: true })).toBe(1);
    expect(jar.getCookieHeader('https://example.com/')).toBe('sid=site2');
    // A host-only HttpOnly cookie does not stop the non-HTTP API from setting the Domain one.
    jar.setCookie('h=1; HttpOnly', 'https://example.com/');
    expect(jar.setCookie('h=2; Domain=example.com', 'https://example.com/', { http: false })?.value).toBe('2');
  });
});

describe('limits and eviction', () => {
  it('evicts the least recently used cookie of a domain beyond maxPerDomain', () => {
    const { jar, clock } = clockJar({ maxPerDomain: 3 });
    for (const n of ['a', 'b', 'c']) {
      jar.setCookie(`${n}=1; Path=/${n}`, 'https://e.com/');
      clock.now += 1;
    }
    expect(jar.getCookieHeader('https://e.com/a')).toBe('a=1'); // a used: b is now the LRU
    jar.get('b', { domain: 'e.com' }); // inspection does not count as use
    clock.now += 1;
    jar.setCookie('d=1; Path=/d', 'https://e.com/');
    expect(jar.size).toBe(3);
    expect([...jar].map((c) => c.name).sort()).toEqual(['a', 'c', 'd']);
  });

  it('evicts across domains beyond maxTotal, expired cookies first', () => {
    const { jar, clock } = clockJar({ maxTotal: 3 });
    jar.setCookie('old=1', 'https://a.com/');
    clock.now += 1;
    jar.setCookie('short=1; Max-Age=1', 'https://b.com/');
    clock.now += 1;
    jar.setCookie('x=1', 'https://c.com/');
    clock.now += 5000;
    jar.setCookie('y=1', 'https://d.com/'); // short expired: purged rather than evicting old
    expect([...jar].map((c) => c.name).sort()).toEqual(['old', 'x', 'y']);
    jar.setCookie('z=1', 'https://e.com/'); // now the least recently used goes
    expect([...jar].map((c) => c.name).sort()).toEqual(['x', 'y', 'z']);
  });

  it('defaults to 50 per domain and 3000 in total', () => {
    const { jar } = clockJar();
    for (let i = 0; i < 60; i++) jar.setCookie(`c${i}=1`, 'https://e.com/');
    expect(jar.size).toBe(50);
    for (let d = 0; d < 59; d++) for (let i = 0; i < 50; i++) jar.setCookie(`c${i}=1`, `https://d${d}.example/`);
    expect(jar.size).toBe(3000);
    jar.setCookie('one=more', 'https://new.example/');
    // Over the limit: the least recently used tenth goes at once.
    expect(jar.size).toBe(2700);
    expect(jar.get('one', { domain: 'new.example' })?.value).toBe('more');
    expect(jar.get('c0', { domain: 'e.com' })).toBeUndefined();
  });
});

describe('retrieval', () => {
  it('orders by longest path, then earliest creation, across domains', () => {
    const { jar, clock } = clockJar();
    const u = 'https://www.e.com/x/y';
    jar.setCookie('a=1; Path=/', u);
    clock.now += 1;
    jar.setCookie('b=1; Path=/x; Domain=e.com', u);
    clock.now += 1;
    jar.setCookie('c=1; Path=/', u);
    clock.now += 1;
    jar.setCookie('d=1; Path=/x/y', u);
    jar.setCookie('e=1; Domain=e.com; Path=/', u);
    expect(jar.getCookieHeader(u)).toBe('d=1; b=1; a=1; c=1; e=1');
    expect(jar.getCookies(u).map((c) => c.name)).toEqual(['d', 'b', 'a', 'c', 'e']);
  });

  it('serializes nameless cookies as their value', () => {
    const { jar } = clockJar();
    jar.setCookie('token', 'https://e.com/');
    jar.setCookie('a=b', 'https://e.com/');
    expect(jar.getCookieHeader('https://e.com/')).toBe('token; a=b');
  });

  it('updates the last-access time and returns copies', () => {
    const { jar, clock } = clockJar();
    jar.setCookie('a=1', 'https://e.com/');
    clock.now += 500;
    const [c] = jar.getCookies(new URL('https://e.com/'));
    expect(c).toMatchObject({ name: 'a', value: '1', domain: 'e.com', path: '/', expires: undefined, secure: false, httpOnly: false, sameSite: 'default', hostOnly: true, creation: T0, lastAccess: T0 + 500 });
    c!.value = 'tampered';
    expect(jar.getCookieHeader('https://e.com/')).toBe('a=1');
  });

  it('honours the per-call clock override', () => {
    const { jar } = clockJar();
    jar.setCookie('a=1; Max-Age=10', 'https://e.com/');
    expect(jar.getCookieHeader('https://e.com/', { now: T0 + 9_999 })).toBe('a=1');
    expect(jar.getCookieHeader('https://e.com/', { now: T0 + 10_000 })).toBe('');
  });

  it('accepts URL objects and strings alike, and is case-insensitive on the host', () => {
    const { jar } = clockJar();
    jar.setCookie('a=1', new URL('https://WWW.E.com/'));
    expect(jar.getCookieHeader('https://www.e.COM/')).toBe('a=1');
    expect(jar.getCookieHeader(new URL('https://www.e.com/'))).toBe('a=1');
  });

  it('throws a typed error for an unusable URL', () => {
    const { jar } = clockJar();
    expect(() => jar.getCookieHeader('not a url')).toThrow(expect.objectContaining({ code: 'ERR_COOKIE_URL' }));
    expect(() => jar.setCookie('a=1', 42 as unknown as string)).toThrow(expect.objectContaining({ code: 'ERR_COOKIE_URL' }));
  });
});

describe('API: get, delete, clear, iteration', () => {
  it('gets and deletes by URL or by domain and path', () => {
    const { jar } = clockJar();
    jar.setCookie('a=1; Path=/x', 'https://www.e.com/');
    jar.setCookie('a=2; Domain=e.com', 'https://www.e.com/');
    jar.setCookie('b=1', 'https://www.e.com/');
    expect(jar.get('a', { url: 'https://www.e.com/x/1' })?.value).toBe('1');
    expect(jar.get('a', { domain: '.E.com' })?.value).toBe('2');
    expect(jar.get('a', { domain: 'www.e.com', path: '/x' })?.value).toBe('1');
    expect(jar.get('zz', { domain: 'e.com' })).toBeUndefined();
    expect(jar.delete('a', { url: 'https://www.e.com/x/1' })).toBe(2);
    expect(jar.delete('b', { domain: 'www.e.com', path: '/' })).toBe(1);
    expect(jar.size).toBe(0);
  });

  it('clears a domain with its subdomains, or everything', () => {
    const { jar } = clockJar();
    jar.setCookie('a=1', 'https://e.com/');
    jar.setCookie('b=1', 'https://www.e.com/');
    jar.setCookie('c=1', 'https://other.com/');
    expect(jar.clear('e.com')).toBe(2);
    expect([...jar].map((c) => c.name)).toEqual(['c']);
    expect(jar.clear()).toBe(1);
    expect(jar.size).toBe(0);
  });

  it('iterates over unexpired cookies only', () => {
    const { jar, clock } = clockJar();
    jar.setCookie('a=1; Max-Age=1', 'https://e.com/');
    jar.setCookie('b=1', 'https://e.com/');
    clock.now += 1000;
    expect([...jar].map((c) => c.name)).toEqual(['b']);
    expect([...jar][0]).toBeInstanceOf(Cookie);
  });

  it('returns the expired cookie when a Set-Cookie deletes one, undefined when ignored', () => {
    const { jar } = clockJar();
    jar.setCookie('a=1', 'https://e.com/');
    const deleted = jar.setCookie('a=; Max-Age=0', 'https://e.com/');
    expect(deleted?.isExpired(T0)).toBe(true);
    expect(jar.setCookie('a=1; Secure', 'http://e.com/')).toBeUndefined();
  });
});

describe('store interface', () => {
  it('works over a store passed in, and a second jar on the same store sees the cookies', () => {
    const store = new MemoryCookieStore();
    const a = new CookieJar({ store });
    a.setCookie('a=1', 'https://e.com/');
    const b = new CookieJar({ store });
    expect(b.getCookieHeader('https://e.com/')).toBe('a=1');
    b.setCookie('b=1', 'https://e.com/');
    expect(a.getCookieHeader('https://e.com/')).toBe('a=1; b=1');
    expect(store.size).toBe(2);
  });

  it('orders the cookies of two jars on one store by creation, within one millisecond too', () => {
    const store = new MemoryCookieStore();
    const [a, b] = [new CookieJar({ store, now: () => T0 }), new CookieJar({ store, now: () => T0 })];
    a.setCookie('x=1', 'https://e.com/');
    b.setCookie('y=1', 'https://e.com/');
    a.setCookie('z=1', 'https://e.com/');
    expect(a.getCookieHeader('https://e.com/')).toBe('x=1; y=1; z=1');
    expect(b.getCookies('https://e.com/').map((c) => c.creationIndex)).toEqual([1, 2, 3]);
  });

  it('rejects nonsensical limits with a typed error', () => {
    expect(() => new CookieJar({ maxTotal: 0 })).toThrow(expect.objectContaining({ code: 'ERR_COOKIE_OPTIONS' }));
    expect(() => new CookieJar({ maxPerDomain: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_COOKIE_OPTIONS' }));
  });
});
