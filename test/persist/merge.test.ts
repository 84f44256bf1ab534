import { describe, expect, it } from 'vitest';
import { CookieJar } from '../../src/cookies/index.js';
import { cookieRecords } from '../../src/persist/jar-codec.js';
import { fingerprints, keyedObject, mergeEntries } from '../../src/persist/merge.js';

const merge = (base: Record<string, unknown> | undefined, ours: Record<string, unknown>, disk: Record<string, unknown>) =>
  Object.fromEntries(mergeEntries(base && fingerprints(keyedObject(base)), keyedObject(ours), keyedObject(disk)));

describe('three-way merge', () => {
  it('keeps what either side added', () => {
    expect(merge({}, { a: 1 }, { b: 2 })).toEqual({ a: 1, b: 2 });
    expect(merge(undefined, { a: 1 }, { b: 2, a: 0 })).toEqual({ a: 1, b: 2 });
  });

  it('takes the side that changed an entry, ours when both did', () => {
    expect(merge({ a: 1 }, { a: 1 }, { a: 2 })).toEqual({ a: 2 });
    expect(merge({ a: 1 }, { a: 3 }, { a: 1 })).toEqual({ a: 3 });
    expect(merge({ a: 1 }, { a: 3 }, { a: 2 })).toEqual({ a: 3 });
  });

  it('keeps deletions unless the other side changed the entry since', () => {
    expect(merge({ a: 1 }, {}, { a: 1 })).toEqual({});
    expect(merge({ a: 1 }, { a: 1 }, {})).toEqual({});
    expect(merge({ a: 1 }, {}, { a: 2 })).toEqual({ a: 2 });
    expect(merge({ a: 1 }, { a: 5 }, {})).toEqual({ a: 5 });
  });

  it('keeps a host-only and a Domain cookie of the same name as two cookies', () => {
    const jar = new CookieJar();
    jar.setCookie('sid=host', 'https://example.com/');
    jar.setCookie('sid=site; Domain=example.com', 'https://example.com/');
    const keyed = cookieRecords(jar.toJSON()).map((c) => ({ key: c.key, fingerprint: c.fingerprint, value: c.raw }));
    expect(new Set(keyed.map((c) => c.key)).size).toBe(2);
    const merged = mergeEntries(undefined, keyed.slice(0, 1), keyed.slice(1));
    expect(CookieJar.fromJSON({ ...jar.toJSON(), cookies: merged }).getCookieHeader('https://example.com/')).toBe('sid=host; sid=site');
  });
});
