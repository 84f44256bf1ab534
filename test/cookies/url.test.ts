// The jar's reader of plain http(s) URL strings against WHATWG URL: whenever it accepts a string,
// `new URL` must accept it too and give the same hostname, pathname and scheme. Generated strings
// mix the parts of real URLs with the characters and forms WHATWG rewrites (case, IDNA, IPv4
// shorthand, dot segments, percent-encoding, userinfo, whitespace, backslashes).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CookieJar } from '../../src/cookies/index.js';
import { readPlainHttpUrl, type PlainHttpUrl } from '../../src/cookies/url.js';

function read(href: string): { host: string; path: string; https: boolean } | undefined {
  const out: PlainHttpUrl = { host: '', pathStart: 0, pathEnd: 0, https: false };
  if (!readPlainHttpUrl(href, out)) return undefined;
  return { host: out.host, path: out.pathStart === out.pathEnd ? '/' : href.slice(out.pathStart, out.pathEnd), https: out.https };
}

function whatwg(href: string): { host: string; path: string; https: boolean } | undefined {
  try {
    const u = new URL(href);
    return { host: u.hostname, path: u.pathname, https: u.protocol === 'https:' };
  } catch {
    return undefined;
  }
}

/** Fragments WHATWG treats specially, mixed into otherwise plain URLs. */
const TRICKY = [
  '', '.', '..', '%2e', '%2E', '.%2e', '%', '%41', '%zz', '@', 'user:pw@', ':', ':80', ':65536', ':0', '::', '[', ']', '[::1]',
  '\\', '/', '//', '?', '#', ' ', '\t', '\n', '\r', '\u0000', '\u001f', '\u007f', '\u00a0', 'é', 'ß', 'K', '\u212a', 'ﬀ',
  'xn--', 'xn--nxasmq6b', 'XN--', '-', '--', '_', '~', '^', '|', '"', '<', '>', '`', '{', '}', "'", '!', '$', '&', '(', ')',
  '*', '+', ',', ';', '=', '0x', '0x7f', '0', '00', '010', '255', '256', '1e3', 'A', 'Z', 'a', 'z', '9', '\u00ad', '\u200b',
];
const SCHEMES = ['http://', 'https://', 'HTTP://', 'Http://', 'http:', 'http:/', 'http:///', 'https:\\\\', 'ws://', 'ftp://', ' http://', 'http:\\/'];
const LABELS = ['example', 'com', 'www', 'a', 'b-c', 'x_y', '127', '0', '1', '255', '0x7f', 'localhost', 'xn--bcher-kva', 'co', 'uk'];
const SEGMENTS = ['', 'api', 'v1', 'a b', 'A', '.well-known', '..', '.', '%2e%2E', 'x%20y', 'index.html', ';jsessionid=1', '~u', 'é'];

const tricky = fc.constantFrom(...TRICKY);
const label = fc.oneof(fc.constantFrom(...LABELS), fc.stringMatching(/^[a-z0-9-]{1,8}$/), tricky);
const host = fc.array(label, { minLength: 1, maxLength: 5 }).map((ls) => ls.join('.'));
const path = fc.array(fc.oneof(fc.constantFrom(...SEGMENTS), tricky), { maxLength: 5 }).map((ss) => (ss.length === 0 ? '' : '/' + ss.join('/')));
const tail = fc.oneof(fc.constant(''), fc.constantFrom('?', '#', '?a=1&b=%zz', '#frag', '?x=\\', '? x', '?é'), tricky.map((t) => '?' + t));
const structured = fc
  .tuple(fc.constantFrom(...SCHEMES), fc.oneof(fc.constant(''), tricky), host, fc.oneof(fc.constant(''), fc.constantFrom(':8080', ':', ':443', ':99999', ':0080')), path, tail)
  .map(([scheme, userinfo, h, port, p, t]) => scheme + userinfo + h + port + p + t);
/** URLs the fast path should accept, and the same with one tricky fragment put anywhere in them. */
const plainLabel = fc.oneof(fc.constantFrom('example', 'com', 'www', 'a', 'b-c', 'x_y', 'co', 'uk', '1password'), fc.stringMatching(/^[a-z0-9_-]{1,8}$/));
const plainHost = fc.oneof(
  fc.array(plainLabel, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.')),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((q) => q.join('.')),
);
const plainPath = fc
  .array(fc.oneof(fc.constantFrom('', 'api', 'v1', 'A', 'index.html', ';jsessionid=1', '~u', 'a%20b', '.env.local', '...x'), fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%-]{0,8}$/)), { maxLength: 4 })
  .map((ss) => (ss.length === 0 ? '' : '/' + ss.join('/')));
const plain = fc
  .tuple(fc.constantFrom('http://', 'https://'), plainHost, fc.constantFrom('', '', ':8080', ':', ':443', ':65535'), plainPath, fc.constantFrom('', '?', '#', '?a=1&b=%zz', '#frag', '?x="<>`{}'))
  .map((parts) => parts.join(''));
const mutated = fc.tuple(plain, fc.nat(), tricky).map(([url, at, t]) => {
  const i = at % (url.length + 1);
  return url.slice(0, i) + t + url.slice(i);
});
/** Any characters after a plain scheme, to reach what the structure above does not. */
const anything = fc.tuple(fc.constantFrom('http://', 'https://'), fc.string({ unit: fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 1, unit: 'binary' })), maxLength: 24 })).map(([s, r]) => s + r);

const urls = fc.oneof(plain, mutated, structured, anything);

describe('readPlainHttpUrl', () => {
  it('agrees with WHATWG URL whenever it accepts a string', () => {
    let accepted = 0;
    let valid = 0;
    fc.assert(
      fc.property(urls, (href) => {
        const fast = read(href);
        const slow = whatwg(href);
        if (slow !== undefined) valid++;
        if (fast === undefined) return;
        accepted++;
        expect(slow, href).toEqual(fast);
      }),
      { numRuns: 20_000 },
    );
    // The comparison means something only if both sides of the fast path's border are reached.
    expect(accepted).toBeGreaterThan(1000);
    expect(valid - accepted).toBeGreaterThan(1000);
  });

  it('accepts the common forms, so that they skip new URL', () => {
    for (const href of [
      'https://example.com',
      'https://www.example.com/',
      'http://127.0.0.1:8080/login?next=%2F',
      'https://api.example.co.uk/v1/orders/42?id=7#top',
      'http://localhost:3000/a;b=c/d',
      'https://site0.com/api/v1/resource?id=1',
      'http://10.0.0.255/x',
    ]) {
      expect(read(href), href).toEqual(whatwg(href));
    }
  });

  it('leaves to new URL what WHATWG rewrites', () => {
    for (const href of [
      'https://Example.com/',
      'HTTPS://example.com/',
      'https://user:pw@example.com/',
      'https://xn--bcher-kva.example/',
      'https://b%C3%BCcher.example/',
      'https://bücher.example/',
      'http://[::1]/',
      'http://127.1/',
      'http://0x7f.0.0.1/',
      'http://127.0.0.01/',
      'http://1.2.3.4.5/',
      'https://example.com/a/../b',
      'https://example.com/a/%2e%2E/b',
      'https://example.com/a b',
      'https://example.com\\a',
      ' https://example.com/',
      'https://exa\tmple.com/',
      'https://example.com./',
      'https://a..b/',
      'http:///example.com/',
      'https://example.com:65536/',
      'https://example.com/{x}',
    ]) {
      expect(read(href), href).toBeUndefined();
    }
  });
});

describe('CookieJar with string URLs', () => {
  it('gives the same Cookie headers for a string as for its URL object', () => {
    // Two jars: one jar would answer the URL object from its memo of the string with the same href.
    const [byString, byUrl] = [new CookieJar({ now: () => 1e12 }), new CookieJar({ now: () => 1e12 })];
    for (const jar of [byString, byUrl]) {
      jar.setCookie('a=1; Path=/', 'https://www.example.com/');
      jar.setCookie('b=2; Domain=example.com; Path=/api', 'https://example.com/api/x');
      jar.setCookie('c=3; Secure', 'https://example.com/b/c');
      jar.setCookie('d=4', 'http://127.0.0.1:8080/p/q');
      jar.setCookie('e=5; Path=/A', 'http://localhost/A/b');
    }
    // Checked before the property run, whose random `x=1` cookies may land on these hosts too.
    expect(byString.getCookieHeader('https://www.example.com/api/v')).toBe('b=2; a=1');
    expect(byString.getCookieHeader('http://127.0.0.1:8080/p/')).toBe('d=4');
    fc.assert(
      fc.property(urls, (href) => {
        if (whatwg(href) === undefined) {
          expect(() => byString.getCookieHeader(href)).toThrow();
        } else {
          expect(byString.getCookieHeader(href), href).toBe(byUrl.getCookieHeader(new URL(href)));
          expect(byString.setCookie('x=1', href)?.path, href).toBe(byUrl.setCookie('x=1', new URL(href))?.path);
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads the default path of a Set-Cookie from a string URL without a path', () => {
    const jar = new CookieJar();
    const c = jar.setCookie('s=1', 'https://example.com?x=/a/b');
    expect(c?.path).toBe('/');
    expect(jar.setCookie('t=1', 'https://example.com/a/b/c?x=1')?.path).toBe('/a/b');
  });
});
