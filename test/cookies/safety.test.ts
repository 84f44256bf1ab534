// Point 7 of the cookie issue: no prototype pollution, linear-time parsing, never a throw on any
// Set-Cookie input (an invalid cookie leaves the jar unchanged), and no cookie values in logs.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CookieJar, parseCookieDate, parseSetCookie } from '../../src/cookies/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const T0 = Date.UTC(2025, 0, 1);
const PROTO_WORDS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

function snapshot(jar: CookieJar): string {
  return JSON.stringify(jar.toJSON());
}

describe('prototype pollution', () => {
  it('treats __proto__ and friends as ordinary names, values, domains and paths', () => {
    const jar = new CookieJar({ now: () => T0 });
    for (const w of PROTO_WORDS) {
      expect(jar.setCookie(`${w}=${w}; Path=/${w}`, `https://${w.replace(/_/g, 'x')}.example/`)).toBeDefined();
      expect(jar.setCookie(`${w}=1`, 'https://e.com/')).toBeDefined();
      expect(jar.setCookie(`a=1; Domain=${w}`, 'https://e.com/')).toBeUndefined();
    }
    expect(jar.setCookie('p=1', 'http://__proto__/')?.domain).toBe('__proto__');
    expect(jar.getCookieHeader('https://e.com/')).toBe(PROTO_WORDS.map((w) => `${w}=1`).join('; '));
    expect(jar.getCookieHeader('http://__proto__/')).toBe('p=1');
    expect(jar.get('__proto__', { domain: 'e.com' })?.value).toBe('1');
    expect(jar.get('constructor', { domain: 'constructor' })).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('does not let serialized input reach a prototype', () => {
    const evil = `{"format":"sessio-cookie-jar","version":1,"__proto__":{"polluted":1},"cookies":[{"__proto__":{"polluted":2},"name":"a","value":"b","domain":"e.com","path":"/","expires":null,"secure":false,"httpOnly":false,"sameSite":"default","hostOnly":true,"partitioned":false,"creation":1,"lastAccess":1}]}`;
    const jar = CookieJar.fromJSON(evil);
    expect(jar.size).toBe(1);
    jar.importToughCookie(`{"cookies":[{"__proto__":{"polluted":3},"key":"__proto__","value":"x","domain":"e.com","path":"/"}],"__proto__":{"polluted":4}}`);
    jar.importNetscape('__proto__\tFALSE\t/\tFALSE\t0\t__proto__\tconstructor\n');
    expect(jar.getCookieHeader('https://e.com/')).toBe('a=b; __proto__=x');
    expect(jar.get('__proto__', { domain: '__proto__' })?.value).toBe('constructor');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A cookie object inherited from the JSON's __proto__ key would have been rejected, not merged.
    expect(() => CookieJar.fromJSON('{"format":"sessio-cookie-jar","version":1,"cookies":[{"__proto__":{"name":"a"}}]}')).toThrow(
      expect.objectContaining({ code: 'ERR_COOKIE_JAR_SCHEMA' }),
    );
  });
});

describe('never throws on Set-Cookie input; an ignored cookie changes nothing', () => {
  const odd = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.array(fc.constantFrom(';', '=', ' ', '\t', '.', '/', '"', ',', ':', 'a', 'Domain', 'Path', 'Expires', 'Max-Age', 'Secure', 'HttpOnly', '__Host-', '__Secure-', '\x00', '\r', '\n', '\x7f', 'é', '0', '-', 'Jan', '1970'), { maxLength: 80 }).map((a) => a.join('')),
  );
  const urls = ['https://e.com/a/b', 'http://www.e.com/', 'http://127.0.0.1:8080/x', 'http://[::1]/', 'https://xn--bcher-kva.example/', 'http://e.com./'];

  it('for random strings over random URLs', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(odd, fc.constantFrom(...urls), fc.boolean()), { maxLength: 10 }), (ops) => {
        const jar = new CookieJar({ now: () => T0 });
        for (const [s, url, http] of ops) {
          const before = snapshot(jar);
          const header = jar.getCookieHeader(url);
          const result = jar.setCookie(s, url, { http });
          if (result === undefined) expect(snapshot(jar)).toBe(before);
          expect(typeof jar.getCookieHeader(url)).toBe('string');
          expect(typeof header).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('for values that are not strings at all', () => {
    const jar = new CookieJar();
    for (const v of [undefined, null, 42, {}, [], Symbol('s')]) {
      expect(jar.setCookie(v as unknown as string, 'https://e.com/')).toBeUndefined();
    }
    expect(jar.size).toBe(0);
  });
});

describe('linear time on long and odd inputs (bounded by the test timeout)', () => {
  const N = 100_000;
  const inputs: [string, string][] = [
    ['semicolons', ';'.repeat(N)],
    ['equals', '='.repeat(N)],
    ['spaces', ' '.repeat(N)],
    ['tabs in value', `a=${'\t'.repeat(N)}b`],
    ['long value', `a=${'x'.repeat(N)}`],
    ['long name', `${'n'.repeat(N)}=1`],
    ['many attributes', `a=b${'; Domain=e.com; Path=/x; Secure; Max-Age=1'.repeat(N / 40)}`],
    ['long Expires', `a=b; Expires=${'1'.repeat(N)}`],
    ['Expires of delimiters', `a=b; Expires=${'1:1:1 '.repeat(N / 6)}`],
    ['Expires of tokens', `a=b; Expires=${'Jan 99 '.repeat(N / 7)}`],
    ['long Max-Age', `a=b; Max-Age=${'9'.repeat(N)}`],
    ['long Domain', `a=b; Domain=${'a.'.repeat(N / 2)}com`],
    ['long Path', `a=b; Path=/${'a/'.repeat(N / 2)}`],
    ['unicode', `a=${'😀'.repeat(N / 2)}`],
    ['unknown attributes', `a=b;${' x'.repeat(N / 2)}`],
    ['equals in attributes', `a=b;${'=;'.repeat(N / 2)}`],
  ];

  for (const [name, s] of inputs) {
    it(name, () => {
      const jar = new CookieJar({ now: () => T0 });
      const result = jar.setCookie(s, 'https://e.com/');
      parseSetCookie(s);
      parseCookieDate(s);
      expect(result === undefined || typeof result.name === 'string').toBe(true);
      expect(typeof jar.getCookieHeader('https://e.com/')).toBe('string');
    });
  }

  it('a 100 KB request path and a 40 KB host', () => {
    const jar = new CookieJar({ now: () => T0, maxPerDomain: 100 });
    jar.setCookie('a=1; Path=/', 'https://e.com/');
    for (let i = 0; i < 20; i++) jar.setCookie(`p${i}=1; Path=/${'a/'.repeat(i)}`, 'https://e.com/');
    expect(jar.getCookieHeader(`https://e.com/${'a/'.repeat(50_000)}`).split('; ')).toHaveLength(21);
    jar.setCookie('d=1; Domain=e.com', 'https://e.com/');
    const dnsMax = `${'a.'.repeat(124)}e.com`; // 253 characters, 125 labels to walk up
    expect(jar.getCookieHeader(`https://${dnsMax}/`)).toBe('d=1');
    // Longer than DNS allows: it cannot resolve, so it gets no parent-domain walk (which would
    // otherwise hash 20,000 suffixes of it).
    const huge = `${'a.'.repeat(20_000)}e.com`;
    expect(jar.getCookieHeader(`https://${huge}/`)).toBe('');
    expect(jar.setCookie('h=1', `https://${huge}/`)?.hostOnly).toBe(true);
  });
});

describe('debug log', () => {
  it('explains ignored cookies without their values', async () => {
    const script = join(here, 'fixtures/ignored-cookies.ts');
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', script],
        { env: { ...process.env, NODE_DEBUG: 'sessio:cookies' }, timeout: 20_000 },
        (err, out, errOut) => (err ? reject(err) : resolve({ stdout: out, stderr: errOut })),
      );
    });
    expect(stdout).toBe('0');
    expect(stderr).toMatch(/ignored Set-Cookie/);
    expect(stderr).toMatch(/Secure cookie from an insecure origin/);
    expect(stderr).toMatch(/control character/);
    expect(stderr).toMatch(/__Host- prefix/);
    expect(stderr).toMatch(/Domain does not match/);
    expect(stderr).not.toMatch(/SECRET-VALUE/);
  });
});
