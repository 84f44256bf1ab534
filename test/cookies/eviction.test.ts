// Eviction order against a reference: the jar selects the cookies to evict with a bounded heap in
// one pass; the reference below is the plain algorithm it replaced (purge, then sort every
// candidate by expired first, least recently used, creation index, and take the first ones),
// applied after each Set-Cookie to an unlimited jar that sees the same operations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CookieJar, MemoryCookieStore } from '../../src/cookies/index.js';
import { selectEvictions } from '../../src/cookies/evict.js';
import { StoredCookie } from '../../src/cookies/stored-cookie.js';

const T0 = Date.UTC(2025, 0, 1);
const HOSTS = ['a.com', 'www.a.com', 'b.com', 'c.org', 'www.c.org', 'd.net'];
const NAMES = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
const PATHS = ['/', '/p', '/q'];

type Op =
  | { kind: 'set'; host: string; name: string; path: string; domainAttr: boolean; maxAge: number | undefined }
  | { kind: 'get'; host: string; path: string }
  | { kind: 'tick'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    kind: fc.constant('set' as const),
    host: fc.constantFrom(...HOSTS),
    name: fc.constantFrom(...NAMES),
    path: fc.constantFrom(...PATHS),
    domainAttr: fc.boolean(),
    // Short lifetimes expire within a few ticks; 0 deletes.
    maxAge: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
  }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('get' as const), host: fc.constantFrom(...HOSTS), path: fc.constantFrom(...PATHS) }) },
  // Zero-length ticks make equal access times, so the creation-index tie-break decides.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.constantFrom(0, 0, 1, 700, 2500) }) },
);

function evictSorted(store: MemoryCookieStore, candidates: StoredCookie[], excess: number, now: number): void {
  candidates.sort((a, b) => Number(b.isExpired(now)) - Number(a.isExpired(now)) || a.lastAccess - b.lastAccess || a.creationIndex - b.creationIndex);
  for (let i = 0; i < excess && i < candidates.length; i++) store.remove(candidates[i]!);
}

/** Returns how many cookies it removed. */
function enforceReference(store: MemoryCookieStore, added: StoredCookie, maxPerDomain: number, maxTotal: number, now: number): number {
  const before = store.size;
  if (store.domainCount(added.domain) > maxPerDomain) {
    evictSorted(store, store.domainCookies(added.domain).filter((c) => c !== added), store.domainCount(added.domain) - maxPerDomain, now);
  }
  if (store.size > maxTotal) {
    for (const c of [...store.all()].filter((c) => c.isExpired(now))) store.remove(c);
    if (store.size > maxTotal) {
      const target = maxTotal - Math.floor(maxTotal / 10);
      evictSorted(store, [...store.all()].filter((c) => c !== added), store.size - target, now);
    }
  }
  return before - store.size;
}

function contents(store: MemoryCookieStore): string[] {
  return [...store.all()]
    .map((c) => `${c.domain} ${c.path} ${c.name}=${c.value} #${c.creationIndex} la=${c.lastAccess} exp=${c.expires ?? '-'}`)
    .sort();
}

function setCookieLine(op: Extract<Op, { kind: 'set' }>, value: number): string {
  const site = op.host.replace(/^www\./, '');
  let s = `${op.name}=v${value}; Path=${op.path}`;
  if (op.domainAttr) s += `; Domain=${site}`;
  if (op.maxAge !== undefined) s += `; Max-Age=${op.maxAge}`;
  return s;
}

describe('eviction order matches the sort-based reference', () => {
  it('on random Set-Cookie, lookup and clock sequences with small limits', () => {
    // Guards the property against testing nothing: the sequences must make the reference evict.
    let evicted = 0;
    const limits = fc.record({ maxPerDomain: fc.integer({ min: 1, max: 5 }), maxTotal: fc.integer({ min: 1, max: 14 }) });
    fc.assert(
      fc.property(limits, fc.boolean(), fc.array(opArb, { minLength: 1, maxLength: 120, size: 'max' }), ({ maxPerDomain, maxTotal }, generic, ops) => {
        const clock = { now: T0 };
        const store = new MemoryCookieStore();
        // A store without the optional callback walk: the jar then iterates all().
        if (generic) Object.defineProperty(store, 'forEachCookie', { value: undefined });
        const jar = new CookieJar({ store, maxPerDomain, maxTotal, now: () => clock.now });
        const refStore = new MemoryCookieStore();
        const ref = new CookieJar({ store: refStore, maxPerDomain: 1e9, maxTotal: 1e9, now: () => clock.now });
        ops.forEach((op, step) => {
          if (op.kind === 'tick') {
            clock.now += op.ms;
          } else if (op.kind === 'get') {
            const url = `https://${op.host}${op.path}`;
            expect(jar.getCookieHeader(url)).toBe(ref.getCookieHeader(url));
          } else {
            const line = setCookieLine(op, step);
            const url = `https://${op.host}${op.path}`;
            const got = jar.setCookie(line, url);
            const want = ref.setCookie(line, url);
            expect(got?.creationIndex).toBe(want?.creationIndex);
            if (want !== undefined && !(want.expires !== undefined && want.expires <= clock.now)) {
              const added = refStore.find(want.domain, want.path, want.name, want.hostOnly)!;
              evicted += enforceReference(refStore, added, maxPerDomain, maxTotal, clock.now);
            }
          }
          expect(contents(store)).toEqual(contents(refStore));
        });
      }),
      { numRuns: 400, seed: 20251125 },
    );
    expect(evicted).toBeGreaterThan(1000);
  });
});

describe('selectEvictions', () => {
  function cookie(name: string, lastAccess: number, creationIndex: number, expires?: number): StoredCookie {
    const c = new StoredCookie(name, 'v', 'e.com', '/', expires, 0, 0, creationIndex);
    c.lastAccess = lastAccess;
    return c;
  }

  it('picks what a stable sort puts first, ties of every key included', () => {
    const now = 100;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ access: fc.integer({ min: 0, max: 3 }), index: fc.integer({ min: 0, max: 3 }), expires: fc.option(fc.constantFrom(50, 100, 150), { nil: undefined }) }),
          { maxLength: 40 },
        ),
        fc.integer({ min: 0, max: 45 }),
        fc.nat(),
        (specs, count, skipAt) => {
          const cookies = specs.map((s, i) => cookie(`c${i}`, s.access, s.index, s.expires));
          const skip = cookies.length === 0 ? undefined : cookies[skipAt % cookies.length];
          const reference = cookies
            .filter((c) => c !== skip)
            .sort((a, b) => Number(b.isExpired(now)) - Number(a.isExpired(now)) || a.lastAccess - b.lastAccess || a.creationIndex - b.creationIndex)
            .slice(0, count);
          expect(selectEvictions(cookies, count, now, skip).map((c) => c.name)).toEqual(reference.map((c) => c.name));
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });
});
