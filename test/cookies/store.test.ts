// Points 5 and 6 of the cookie issue: the store interface (a store written by someone else works
// behind the jar) and the index (a lookup reads no cookie of an unrelated domain or path).
import { describe, expect, it } from 'vitest';
import { CookieJar, MemoryCookieStore, type CookieStore } from '../../src/cookies/index.js';
import { domainMatch } from '../../src/cookies/domain.js';
import { pathMatch } from '../../src/cookies/path.js';
import { StoredCookie } from '../../src/cookies/stored-cookie.js';

const T0 = Date.UTC(2025, 0, 1);

/** The smallest store the interface allows: one array, no optional fast paths. */
class ArrayStore implements CookieStore {
  private cookies: StoredCookie[] = [];

  get size(): number {
    return this.cookies.length;
  }

  find(domain: string, path: string, name: string, hostOnly: boolean): StoredCookie | undefined {
    return this.cookies.find((c) => c.domain === domain && c.path === path && c.name === name && c.hostOnly === hostOnly);
  }

  put(cookie: StoredCookie): StoredCookie | undefined {
    const old = this.find(cookie.domain, cookie.path, cookie.name, cookie.hostOnly);
    if (old) this.remove(old);
    this.cookies.push(cookie);
    return old;
  }

  remove(cookie: StoredCookie): boolean {
    const i = this.cookies.findIndex((c) => c.domain === cookie.domain && c.path === cookie.path && c.name === cookie.name && c.hostOnly === cookie.hostOnly);
    if (i === -1) return false;
    this.cookies.splice(i, 1);
    return true;
  }

  match(host: string, path: string, out: StoredCookie[]): number {
    const found = this.cookies
      .filter((c) => (c.hostOnly ? c.domain === host : domainMatch(host, c.domain)) && pathMatch(path, c.path))
      .sort((a, b) => b.path.length - a.path.length || a.creation - b.creation || a.creationIndex - b.creationIndex);
    found.forEach((c, i) => (out[i] = c));
    return found.length;
  }

  domainCookies(domain: string): StoredCookie[] {
    return this.cookies.filter((c) => c.domain === domain);
  }

  domainCount(domain: string): number {
    return this.domainCookies(domain).length;
  }

  *all(): IterableIterator<StoredCookie> {
    yield* this.cookies;
  }

  removeAll(): void {
    this.cookies = [];
  }

  hasSecureNamed(name: string): boolean {
    return this.cookies.some((c) => c.secure && c.name === name);
  }

  touch(cookies: readonly StoredCookie[], count: number, now: number): void {
    for (let i = 0; i < count; i++) cookies[i]!.lastAccess = now;
  }
}

describe('store interface', () => {
  it('gives the same results over a minimal third-party store as over the memory store', () => {
    const clock = { now: T0 };
    const jars = [new MemoryCookieStore(), new ArrayStore()].map((store) => new CookieJar({ store, now: () => clock.now, maxPerDomain: 3 }));
    const steps: [string, string][] = [
      ['sid=1; Path=/; HttpOnly', 'https://app.example.com/login'],
      ['pref=a; Domain=example.com; Max-Age=60', 'https://app.example.com/'],
      ['deep=1; Path=/api/v1', 'https://app.example.com/api/v1/x'],
      ['sid=2; Path=/; HttpOnly', 'https://app.example.com/'],
      ['s=1; Secure', 'https://example.com/'],
      ['s=2', 'http://example.com/'], // may not shadow the Secure cookie
      ['x=1', 'https://app.example.com/'], // fourth cookie of app.example.com: evicts the least recently used
    ];
    const reads = ['https://app.example.com/api/v1/z', 'https://example.com/', 'http://app.example.com/'];
    for (const [setCookie, url] of steps) {
      clock.now += 1000;
      const results = jars.map((jar) => jar.setCookie(setCookie, url)?.value);
      expect(results[1], setCookie).toBe(results[0]);
      for (const read of reads) expect(jars[1]!.getCookieHeader(read), read).toBe(jars[0]!.getCookieHeader(read));
    }
    clock.now += 61_000; // pref expires
    for (const read of reads) expect(jars[1]!.getCookieHeader(read)).toBe(jars[0]!.getCookieHeader(read));
    expect(jars[0]!.getCookieHeader('https://app.example.com/api/v1/z')).toBe('deep=1; sid=2; x=1');
    expect(jars[1]!.toJSON()).toEqual(jars[0]!.toJSON());
  });
});

describe('index', () => {
  /** Stores cookies wrapped so that every property read is recorded while `spying` is on. */
  function spiedStore(): { store: MemoryCookieStore; add: (c: StoredCookie) => void; read: Set<string>; spy: (on: boolean) => void } {
    const store = new MemoryCookieStore();
    const read = new Set<string>();
    let spying = false;
    const add = (c: StoredCookie): void => {
      const label = `${c.domain}${c.path} ${c.name}`;
      store.put(
        new Proxy(c, {
          get(target, key, receiver) {
            if (spying) read.add(label);
            return Reflect.get(target, key, receiver);
          },
        }),
      );
    };
    return { store, add, read, spy: (on) => (spying = on) };
  }

  const cookie = (name: string, domain: string, path: string, i: number): StoredCookie => new StoredCookie(name, '1', domain, path, undefined, 4 /* host-only */, T0, i);

  it('reads no cookie of an unrelated domain', () => {
    const { store, add, read, spy } = spiedStore();
    let i = 0;
    for (let d = 0; d < 300; d++) for (let k = 0; k < 5; k++) add(cookie(`c${k}`, `site${d}.example`, '/', i++));
    add(cookie('mine', 'target.example', '/', i++));
    const jar = new CookieJar({ store, now: () => T0, maxPerDomain: 1000, maxTotal: 100_000 });
    spy(true);
    expect(jar.getCookieHeader('https://target.example/page')).toBe('mine=1');
    expect(jar.getCookieHeader('https://www.elsewhere.example/')).toBe('');
    expect([...read]).toEqual(['target.example/ mine']);
  });

  it('reads only the cookies of paths that can match in a domain with many paths', () => {
    const { store, add, read, spy } = spiedStore();
    for (let k = 0; k < 200; k++) add(cookie(`p${k}`, 'big.example', `/p${k}`, k));
    const jar = new CookieJar({ store, now: () => T0, maxPerDomain: 1000, maxTotal: 100_000 });
    spy(true);
    expect(jar.getCookieHeader('https://big.example/p5/x')).toBe('p5=1');
    expect([...read]).toEqual(['big.example/p5 p5']);
  });
});
