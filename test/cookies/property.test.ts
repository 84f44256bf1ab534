// Property-based comparison with tough-cookie 6: random sequences of Set-Cookie and Cookie-header
// reads over random hosts, paths and attributes must give the same Cookie headers.
//
// The generators stay where RFC 6265 (tough-cookie) and RFC 6265bis (sessio) agree. Each intentional
// difference is kept out of the generated space here and pinned down by a unit test instead:
//  1. An insecure origin may not overwrite, shadow or delete a Secure cookie (6265bis 5.7 step 16;
//     tough-cookie lets http://e.com replace a Secure cookie). Generated Secure cookies therefore use
//     names (S1, S2) that insecure responses never set.             → jar.test.ts "does not let an insecure origin ..."
//  2. http://localhost and loopback addresses are secure origins (as in browsers). Hosts here are
//     ordinary names.                                               → jar.test.ts "sets Secure cookies only from secure origins ..."
//  3. Nameless cookies (`=v`, `v`) are kept (6265bis); tough-cookie drops them. Names are never empty.
//                                                                   → parse.test.ts, conformance 6265bis expectations
//  4. Expires and Max-Age are capped at 400 days (6265bis 5.6.1/5.6.2). Lifetimes here stay below,
//     and no time passes: tough-cookie counts Max-Age from the last access, not from creation.
//                                                                   → jar.test.ts "caps Expires and Max-Age at 400 days"
//  5. Control characters, name+value over 4096 bytes and attribute values over 1024 bytes make
//     6265bis ignore a cookie or an attribute; tough-cookie truncates or keeps them. Values here are
//     short alphanumerics.                                          → parse.test.ts
//  6. `Domain=` (empty, as the last Domain) makes a cookie host-only; `Domain=.` is ignored. Only one
//     non-empty Domain attribute is generated.                      → jar.test.ts "makes an empty Domain host-only ..."
//  7. Eviction limits (50 per domain, 3000 total): sequences stay far below them.
//  8. A host-only cookie and a Domain cookie of the same name, domain and path are two cookies
//     (6265bis 5.7 compares the host-only flag too, as browsers do); tough-cookie replaces one with
//     the other. Cookies with a Domain attribute get names of their own here ("ad", "bd", …).
//                                                                   → jar.test.ts "keeps a host-only and a Domain cookie ..."
//  9. SameSite=None without Secure is ignored (6265bis 5.7); tough-cookie stores it. It is only
//     generated together with Secure.                              → jar.test.ts "ignores SameSite=None ..."
// 10. A Set-Cookie that expires at once deletes, and nothing of it stays (6265bis 5.7: expired cookies
//     are evicted); tough-cookie keeps the expired cookie until a read meets it, and a later cookie
//     of that name then inherits its creation time (and so its place in the header). The test reads
//     tough-cookie's jar at the cookie's URL after each set, which drops it there.
//                                                                   → jar.test.ts "deletes with Max-Age<=0 ...
import fc from 'fast-check';
import { CookieJar as ToughJar } from 'tough-cookie';
import { describe, expect, it } from 'vitest';
import { CookieJar } from '../../src/cookies/index.js';

const HOSTS = ['example.com', 'www.example.com', 'a.b.example.com', 'other.org', 'www.other.org'];
const PATHS = ['/', '/a', '/a/', '/a/b', '/ab', '/a/b/c'];
const NAMES = ['a', 'b', 'c', '__Secure-x', '__Host-y'];
const SECURE_NAMES = ['S1', 'S2'];

interface SetOp {
  kind: 'set';
  https: boolean;
  host: string;
  path: string;
  name: string;
  value: string;
  attrs: string[];
  http: boolean;
}
interface GetOp {
  kind: 'get';
  https: boolean;
  host: string;
  path: string;
  http: boolean;
}
type Op = SetOp | GetOp;

function parentDomains(host: string): string[] {
  const labels = host.split('.');
  return labels.map((_, i) => labels.slice(i).join('.'));
}

const attr = (host: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...parentDomains(host), 'other.org', 'xample.com', 'com').chain((d) => fc.constantFrom(`Domain=${d}`, `domain=.${d}`)),
    fc.constantFrom(...PATHS, '/a/b/', 'relative', '').map((p) => `Path=${p}`),
    fc.constantFrom('HttpOnly', 'httponly', 'SameSite=Lax', 'SameSite=Strict', 'SameSite=None', 'Version=1'),
    fc.constantFrom('Max-Age=3600', 'Max-Age=86400', 'Max-Age=0', 'Max-Age=-1', 'max-age=60'),
    fc.constantFrom('Expires=Fri, 01 Jan 2100 00:00:00 GMT', 'Expires=Mon, 01 Jan 1990 00:00:00 GMT', 'expires=Wed, 31-Dec-2098 23:59:59 GMT'),
  );

const setOp: fc.Arbitrary<SetOp> = fc
  .record({ https: fc.boolean(), host: fc.constantFrom(...HOSTS), path: fc.constantFrom(...PATHS), http: fc.boolean(), secure: fc.boolean() })
  .chain(({ https, host, path, http, secure }) =>
    fc.record({
      kind: fc.constant('set' as const),
      https: fc.constant(https),
      host: fc.constant(host),
      path: fc.constant(path),
      http: fc.constant(http),
      // Difference 1: Secure cookies get names that no insecure origin sets.
      name: secure && https ? fc.constantFrom(...SECURE_NAMES) : fc.constantFrom(...NAMES),
      value: fc.stringMatching(/^[A-Za-z0-9]{0,6}$/),
      attrs: fc
        .uniqueArray(attr(host), { maxLength: 4, selector: (a) => a.split('=')[0]!.toLowerCase() })
        // Difference 9: SameSite=None only with Secure.
        .map((a) => (secure ? [...a, 'Secure'] : a.filter((x) => x !== 'SameSite=None'))),
    }),
  )
  // Difference 8: a Domain cookie never shares its name with a host-only one.
  .map((op) => (op.attrs.some((a) => /^domain=/i.test(a)) ? { ...op, name: `${op.name}d` } : op));

const getOp: fc.Arbitrary<GetOp> = fc.record({
  kind: fc.constant('get' as const),
  https: fc.boolean(),
  host: fc.constantFrom(...HOSTS),
  path: fc.constantFrom(...PATHS, '/a/b/c/d', '/abc'),
  http: fc.boolean(),
});

function url(op: { https: boolean; host: string; path: string }): string {
  return `${op.https ? 'https' : 'http'}://${op.host}${op.path}`;
}

describe('sessio vs tough-cookie on random set/get sequences', () => {
  it('produce the same Cookie headers', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(setOp, getOp), { minLength: 1, maxLength: 25 }), (ops: Op[]) => {
        const ours = new CookieJar();
        const tough = new ToughJar();
        for (const op of ops) {
          if (op.kind === 'set') {
            const header = [`${op.name}=${op.value}`, ...op.attrs].join('; ');
            ours.setCookie(header, url(op), { http: op.http });
            tough.setCookieSync(header, url(op), { http: op.http, ignoreError: true });
            // Difference 10: a read removes the expired cookies it meets.
            tough.getCookiesSync(url({ ...op, https: true }), { http: true, allPaths: true });
          } else {
            expect(ours.getCookieHeader(url(op), { http: op.http }), `${url(op)} http=${op.http}`).toBe(
              tough.getCookieStringSync(url(op), { http: op.http }),
            );
          }
        }
        for (const host of HOSTS) {
          for (const path of PATHS) {
            const u = `https://${host}${path}`;
            expect(ours.getCookieHeader(u), u).toBe(tough.getCookieStringSync(u));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
