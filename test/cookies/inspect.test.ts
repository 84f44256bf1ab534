// console.log / util.inspect of the jar and its cookies: short, requests-like, and no cookie value
// anywhere in the output, at any depth, after every kind of jar use (the jar reuses objects between
// calls, which once kept the last parsed value where console.log could print it).
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Cookie, CookieJar, MemoryCookieStore } from '../../src/cookies/index.js';

const VALUES = ['SESSIONVALUE0001', 'CSRFVALUE0002', 'DOMAINVALUE0003', 'EXPIREDVALUE0004', 'REJECTEDVALUE0005', 'NAMELESSVALUE0006'];

function usedJar(): CookieJar {
  const jar = new CookieJar();
  jar.setCookie(`JSESSIONID=${VALUES[0]}; Path=/; HttpOnly`, 'http://127.0.0.1:8080/login');
  jar.setCookie(`XSRF-TOKEN=${VALUES[1]}; Path=/`, new URL('http://127.0.0.1:8080/login'));
  jar.acceptSetCookie(`pref=${VALUES[2]}; Domain=example.com; Path=/app`, 'https://www.example.com/app/x');
  jar.setCookie(`gone=${VALUES[3]}; Max-Age=0`, 'https://www.example.com/');
  jar.setCookie(`bad=${VALUES[4]}; Secure`, 'http://example.com/');
  jar.setCookie(VALUES[5]!, 'https://nameless.example/');
  jar.getCookieHeader('http://127.0.0.1:8080/');
  jar.getCookies('https://www.example.com/app/y');
  jar.get('pref', { url: 'https://www.example.com/app' });
  jar.explain('https://www.example.com/');
  return jar;
}

describe('util.inspect of the jar', () => {
  it('shows names and where cookies apply, never a value, at any depth', () => {
    const jar = usedJar();
    const outputs = [
      inspect(jar),
      inspect(jar, { depth: Infinity, showHidden: true }),
      inspect({ session: { cookies: jar } }, { depth: Infinity }),
      inspect(jar.getCookies('http://127.0.0.1:8080/'), { depth: Infinity }),
      inspect((jar as unknown as { store: MemoryCookieStore }).store, { depth: Infinity, showHidden: true }),
      inspect(jar.explain('http://127.0.0.1:8080/'), { depth: Infinity }),
      String(jar),
      `${jar.get('JSESSIONID', { url: 'http://127.0.0.1:8080/' })}`,
    ];
    for (const out of outputs) {
      for (const v of VALUES) expect(out).not.toContain(v);
    }
    expect(outputs[0]).toBe(
      'CookieJar(4) [\n  <Cookie pref=•••• for .example.com/app>,\n  <Cookie JSESSIONID=•••• for 127.0.0.1/>,\n  <Cookie XSRF-TOKEN=•••• for 127.0.0.1/>,\n  <Cookie •••• for nameless.example/>\n]',
    );
    expect(outputs[2]).toContain('cookies: CookieJar(4) [');
    expect(outputs[3]).toBe('[\n  <Cookie JSESSIONID=•••• for 127.0.0.1/>,\n  <Cookie XSRF-TOKEN=•••• for 127.0.0.1/>\n]');
    expect(outputs[6]).toBe(
      'CookieJar(4) [ <Cookie pref=•••• for .example.com/app>, <Cookie JSESSIONID=•••• for 127.0.0.1/>, <Cookie XSRF-TOKEN=•••• for 127.0.0.1/>, <Cookie •••• for nameless.example/> ]',
    );
    expect(outputs[7]).toBe('<Cookie JSESSIONID=•••• for 127.0.0.1/>');
  });

  it('keeps no value in its own fields once a call returns', () => {
    const jar = usedJar();
    const own = inspect(jar, { customInspect: false, depth: 0 });
    for (const v of VALUES) expect(own).not.toContain(v);
    const parsed = (jar as unknown as { parsed: { value: string } }).parsed;
    expect(parsed.value).toBe('');
  });

  it('shortens large jars and nests below the depth limit', () => {
    const jar = new CookieJar();
    for (let i = 0; i < 150; i++) jar.setCookie(`c${i}=v${i}`, `https://h${i}.example.com/`);
    const out = inspect(jar);
    expect(out.split('\n')).toHaveLength(103);
    expect(out).toContain('... 50 more');
    expect(inspect(jar, { maxArrayLength: 2, breakLength: Infinity })).toBe(
      'CookieJar(150) [ <Cookie c0=•••• for h0.example.com/>, <Cookie c1=•••• for h1.example.com/>, ... 148 more ]',
    );
    expect(inspect({ a: { b: { c: jar } } }, { depth: 2 })).toBe('{ a: { b: { c: [CookieJar(150)] } } }');
    expect(inspect(new CookieJar())).toBe('CookieJar(0) []');
  });

  it('redacts cookies built by hand too', () => {
    const c = new Cookie({ name: 'k', value: 'VALUE-BY-HAND', domain: 'example.com', path: '/p', hostOnly: false, creation: 0 });
    expect(inspect(c)).toBe('<Cookie k=•••• for .example.com/p>');
    expect(String(c)).toBe('<Cookie k=•••• for .example.com/p>');
    expect(c.cookiePair()).toBe('k=VALUE-BY-HAND');
  });
});
