// Point 4 of the cookie issue: JSON (versioned), Netscape cookies.txt and tough-cookie migration.
import { CookieJar as ToughJar } from 'tough-cookie';
import { describe, expect, it } from 'vitest';
import { CookieJar, CookieJarError, JAR_FORMAT } from '../../src/cookies/index.js';

const T0 = Date.UTC(2025, 0, 1);

function sampleJar(): CookieJar {
  const jar = new CookieJar({ now: () => T0 });
  jar.setCookie('sid=abc; Path=/; HttpOnly; Secure; SameSite=Strict', 'https://www.example.com/login');
  jar.setCookie('pref=dark; Domain=example.com; Path=/app; Max-Age=3600', 'https://www.example.com/');
  jar.setCookie('nameless', 'https://www.example.com/');
  jar.setCookie('p=1; Secure; Partitioned', 'https://chips.example/');
  return jar;
}

describe('toJSON / fromJSON', () => {
  it('round-trips every field, session cookies included', () => {
    const jar = sampleJar();
    const json = JSON.parse(JSON.stringify(jar));
    expect(json).toMatchObject({ format: JAR_FORMAT, version: 1 });
    expect(json.cookies).toHaveLength(4);
    const back = CookieJar.fromJSON(json, { now: () => T0 + 1 });
    expect([...back].map((c) => ({ ...c, creationIndex: 0 }))).toEqual([...jar].map((c) => ({ ...c, creationIndex: 0 })));
    expect(back.getCookieHeader('https://www.example.com/app/x')).toBe('pref=dark; sid=abc; nameless');
    // JSON text is accepted too.
    expect(CookieJar.fromJSON(JSON.stringify(json), { now: () => T0 }).size).toBe(4);
  });

  it('drops cookies that expired in the meantime', () => {
    const json = sampleJar().toJSON();
    expect(CookieJar.fromJSON(json, { now: () => T0 + 3_600_000 }).size).toBe(3);
  });

  it('leaves expired cookies out of what it saves (JSON and cookies.txt)', () => {
    const clock = { now: T0 };
    const jar = new CookieJar({ now: () => clock.now });
    jar.setCookie('short=1; Max-Age=60', 'https://e.com/');
    jar.setCookie('long=1; Max-Age=3600', 'https://e.com/');
    clock.now += 61_000;
    expect(jar.toJSON().cookies.map((c) => c.name)).toEqual(['long']);
    expect(jar.toNetscape()).not.toContain('short');
    expect(jar.toNetscape()).toContain('\tlong\t1');
  });

  it('keeps the Cookie-header order of cookies created in the same millisecond', () => {
    const jar = new CookieJar({ now: () => T0 });
    // Three cookies of one response, stored in two domain buckets (www.e.com and e.com).
    for (const s of ['b=1', 'a=1; Domain=e.com', 'c=1']) jar.setCookie(s, 'https://www.e.com/');
    expect(jar.getCookieHeader('https://www.e.com/')).toBe('b=1; a=1; c=1');
    expect(CookieJar.fromJSON(jar.toJSON(), { now: () => T0 }).getCookieHeader('https://www.e.com/')).toBe('b=1; a=1; c=1');
    expect(CookieJar.fromNetscape(jar.toNetscape(), { now: () => T0 }).getCookieHeader('https://www.e.com/')).toBe('b=1; a=1; c=1');
  });

  it('throws typed errors for malformed and newer documents', () => {
    const good = sampleJar().toJSON();
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CookieJarError);
        return (e as CookieJarError).code;
      }
      return undefined;
    };
    expect(code(() => CookieJar.fromJSON({ ...good, version: 2 }))).toBe('ERR_COOKIE_JAR_SCHEMA_VERSION');
    expect(code(() => CookieJar.fromJSON({ ...good, format: 'other' }))).toBe('ERR_COOKIE_JAR_SCHEMA');
    expect(code(() => CookieJar.fromJSON('{not json'))).toBe('ERR_COOKIE_JAR_SCHEMA');
    expect(code(() => CookieJar.fromJSON(null))).toBe('ERR_COOKIE_JAR_SCHEMA');
    expect(code(() => CookieJar.fromJSON({ ...good, cookies: [{ ...good.cookies[0], secure: 'yes' }] }))).toBe('ERR_COOKIE_JAR_SCHEMA');
    expect(code(() => CookieJar.fromJSON({ ...good, cookies: {} }))).toBe('ERR_COOKIE_JAR_SCHEMA');
  });

  it('skips entries that break cookie invariants instead of storing them', () => {
    const good = sampleJar().toJSON();
    const bad = [
      { ...good.cookies[0]!, name: 'x\ny' },
      { ...good.cookies[0]!, domain: '' },
      { ...good.cookies[0]!, path: 'relative' },
      { ...good.cookies[0]!, name: '', value: '' },
    ];
    expect(CookieJar.fromJSON({ ...good, cookies: bad }).size).toBe(0);
  });

  it('applies the storage rules that need no request to imported cookies', () => {
    const base = { value: 'v', path: '/', expires: null, httpOnly: false, sameSite: 'default', partitioned: false, creation: T0, lastAccess: T0 } as const;
    const cookies = [
      { ...base, name: 'supercookie', domain: 'com', secure: false, hostOnly: false }, // Domain cookie for a public suffix: host-only
      { ...base, name: '__Host-x', domain: 'e.com', secure: false, hostOnly: true }, // prefix without Secure
      { ...base, name: '__Secure-y', domain: 'e.com', secure: true, hostOnly: false, path: '/' },
      { ...base, name: 'none', domain: 'e.com', secure: false, hostOnly: true, sameSite: 'none' }, // SameSite=None without Secure
      { ...base, name: 'big', domain: 'e.com', secure: false, hostOnly: true, value: 'x'.repeat(5000) },
      { ...base, name: 'ok', domain: 'e.com', secure: false, hostOnly: true },
    ];
    const jar = CookieJar.fromJSON({ format: JAR_FORMAT, version: 1, cookies }, { now: () => T0 });
    expect([...jar].map((c) => c.name).sort()).toEqual(['__Secure-y', 'ok', 'supercookie']);
    expect(jar.get('supercookie', { domain: 'com' })?.hostOnly).toBe(true);
    expect(jar.getCookieHeader('https://other.com/')).toBe('');
  });
});

describe('Netscape cookies.txt', () => {
  it('exports curl format with #HttpOnly_ lines and imports it back', () => {
    const jar = sampleJar();
    const text = jar.toNetscape();
    expect(text.startsWith('# Netscape HTTP Cookie File\n')).toBe(true);
    expect(text).toContain('#HttpOnly_www.example.com\tFALSE\t/\tTRUE\t0\tsid\tabc');
    expect(text).toContain(`.example.com\tTRUE\t/app\tFALSE\t${Math.floor((T0 + 3_600_000) / 1000)}\tpref\tdark`);
    const back = CookieJar.fromNetscape(text, { now: () => T0 });
    expect(back.size).toBe(4);
    expect(back.get('sid', { domain: 'www.example.com' })).toMatchObject({ httpOnly: true, secure: true, hostOnly: true });
    expect(back.get('pref', { domain: 'example.com' })).toMatchObject({ hostOnly: false, expires: T0 + 3_600_000 });
    expect(back.getCookieHeader('https://www.example.com/app')).toBe('pref=dark; sid=abc; nameless');
  });

  it('reads files written by curl and wget, skipping junk lines', () => {
    const now = Date.UTC(2025, 0, 1);
    const text = [
      '# Netscape HTTP Cookie File',
      '# https://curl.se/docs/http-cookies.html',
      '',
      '#HttpOnly_.example.org\tTRUE\t/\tFALSE\t0\tJSESSIONID\tA1B2',
      'example.org\tFALSE\t/api\tTRUE\t1893456000\ttoken\tt0k',
      'wget.example\tTRUE\t/\tFALSE\t1893456000\tw\t1',
      'expired.example\tFALSE\t/\tFALSE\t1\told\tx',
      'too\tfew\tfields',
      'bad.example\tMAYBE\t/\tFALSE\t0\tn\tv',
      'bad.example\tTRUE\t/\tFALSE\tsoon\tn\tv',
      'empty.example\tFALSE\t/\tFALSE\t0\tnovalue',
    ].join('\r\n');
    const jar = new CookieJar({ now: () => now });
    expect(jar.importNetscape(text)).toBe(4);
    expect(jar.getCookieHeader('https://www.example.org/api/x')).toBe('JSESSIONID=A1B2');
    expect(jar.getCookieHeader('https://example.org/api/x')).toBe('token=t0k; JSESSIONID=A1B2');
    expect(jar.getCookieHeader('http://sub.wget.example/')).toBe('w=1');
    expect(jar.getCookieHeader('http://empty.example/')).toBe('novalue=');
  });

  it('follows the include-subdomains column, as curl does; a public suffix and a non-ASCII domain do not spread', () => {
    const jar = new CookieJar({ now: () => T0 });
    const text = [
      '.dotted.example\tFALSE\t/\tFALSE\t0\th\t1',
      '.com\tTRUE\t/\tFALSE\t0\tsuper\t1', // kept host-only: reaches a host named "com" only
      '\u212Aexample.com\tTRUE\t/\tFALSE\t0\tkelvin\t1', // KELVIN SIGN: not kexample.com
    ].join('\n');
    expect(jar.importNetscape(text)).toBe(2);
    expect(jar.getCookieHeader('https://kexample.com/')).toBe('');
    expect(jar.get('h', { domain: 'dotted.example' })?.hostOnly).toBe(true);
    expect(jar.getCookieHeader('https://www.dotted.example/')).toBe('');
    expect(jar.getCookieHeader('https://anything.com/')).toBe('');
  });
});

describe('tough-cookie migration', () => {
  it('imports a jar serialized by tough-cookie 6', () => {
    const tough = new ToughJar();
    const url = 'https://www.example.com/app/page';
    tough.setCookieSync('sid=abc; HttpOnly; Secure; Path=/', url);
    tough.setCookieSync('pref=1; Domain=example.com; Max-Age=3600', url);
    tough.setCookieSync('lax=1; SameSite=Lax; Expires=Fri, 31 Dec 2100 00:00:00 GMT', url);
    const serialized = tough.serializeSync();
    const jar = new CookieJar();
    expect(jar.importToughCookie(serialized)).toBe(3);
    expect(jar.importToughCookie(JSON.stringify(serialized))).toBe(3); // replaces, no duplicates
    expect(jar.size).toBe(3);
    expect(jar.getCookieHeader(url)).toBe(tough.getCookieStringSync(url));
    expect(jar.get('sid', { domain: 'www.example.com' })).toMatchObject({ httpOnly: true, secure: true, hostOnly: true });
    expect(jar.get('pref', { domain: 'example.com' })).toMatchObject({ hostOnly: false, path: '/app' });
    expect(jar.get('lax', { domain: 'www.example.com' })?.sameSite).toBe('lax');
  });

  it('rejects input that is not a serialized tough-cookie jar', () => {
    const jar = new CookieJar();
    expect(() => jar.importToughCookie('nope')).toThrow(expect.objectContaining({ code: 'ERR_COOKIE_IMPORT' }));
    expect(() => jar.importToughCookie({ cookies: 5 })).toThrow(expect.objectContaining({ code: 'ERR_COOKIE_IMPORT' }));
    expect(jar.importToughCookie({ cookies: [null, 1, { key: 'a', value: 'b' }] })).toBe(0); // no domain: skipped
  });

  it('reads a cookie without hostOnly as a Domain cookie, as tough-cookie matches it', () => {
    const jar = new CookieJar();
    expect(jar.importToughCookie({ cookies: [{ key: 'a', value: 'b', domain: 'example.com', path: '/' }] })).toBe(1);
    expect(jar.getCookieHeader('https://www.example.com/')).toBe('a=b');
  });

  it('keeps a localhost Domain cookie (host-only, as the jar stores one) and refuses a non-ASCII domain', () => {
    const tough = new ToughJar();
    tough.setCookieSync('a=1; Domain=localhost', 'http://localhost/');
    const jar = new CookieJar();
    expect(jar.importToughCookie(tough.serializeSync())).toBe(1);
    expect(jar.getCookieHeader('http://localhost/')).toBe('a=1');
    expect(jar.importToughCookie({ cookies: [{ key: 'k', value: '1', domain: '\u212Aexample.com', path: '/', hostOnly: false }] })).toBe(0);
  });
});
