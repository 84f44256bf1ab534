import { debuglog, format, type InspectOptions } from 'node:util';
import type { Cookie, CookieInit, SameSite } from './cookie.js';
import { domainMatch, isAsciiDomain, isIpAddress, isPublicSuffix, isSecureOrigin, registrableDomain } from './domain.js';
import { CookieJarError } from './errors.js';
import { EvictionHeap, selectEvictions } from './evict.js';
import { explainCookie, type CookieExplanation } from './explain.js';
import { describeCookies, INSPECT } from './inspect.js';
import { MemoryCookieStore } from './memory-store.js';
import { parseNetscape, toNetscape } from './netscape.js';
import { emptyParsedSetCookie, exceedsNameValueLimit, parseSetCookieInto, type ParsedSetCookie } from './parse.js';
import { defaultPath, pathMatch } from './path.js';
import { fromSerialized, toSerialized, type SerializedJar } from './serialize.js';
import type { CookieStore } from './store.js';
import { byCreation, byHeaderOrder, cookieFlags, StoredCookie } from './stored-cookie.js';
import { parseToughCookieJson } from './tough-import.js';
import { readPlainHttpUrl, type PlainHttpUrl } from './url.js';
import { validateCookieInit } from './validate.js';

const debug = debuglog('sessio:cookies');

/** RFC 6265bis caps Expires and Max-Age at 400 days from now. */
export const MAX_COOKIE_LIFETIME_MS = 400 * 24 * 3600 * 1000;

/** Bound of the per-jar memo of public suffix answers. */
const SUFFIX_CACHE_LIMIT = 4096;

/** Per-call options of jar operations. */
export interface CookieOptions {
  /** HTTP API (default) or a non-HTTP one like `document.cookie`: the latter never sees or sets HttpOnly cookies. */
  http?: boolean;
  /** Current time (ms since the epoch) for this call, overriding the jar's clock. */
  now?: number;
}

/** Options of a {@link CookieJar}. */
export interface CookieJarOptions {
  /** Where cookies live; default a new {@link MemoryCookieStore}. */
  store?: CookieStore;
  /** Cookies per cookie domain before the least recently used is evicted (default 50). */
  maxPerDomain?: number;
  /**
   * Cookies in the jar (default 3000). Storing one more evicts the least recently used tenth, so the
   * jar then holds 90% of this.
   */
  maxTotal?: number;
  /** Clock in ms since the epoch (default `Date.now`); inject one in tests. */
  now?: () => number;
  /** Reject Domain attributes that are public suffixes such as `com` or `github.io` (default true). */
  rejectPublicSuffixes?: boolean;
  /**
   * Called for every Set-Cookie header the jar ignores and every imported cookie it skips, with the
   * reason in words (never a cookie value); see {@link CookieJar.addRejectListener}.
   */
  onReject?: CookieRejectListener;
}

/** What a {@link CookieRejectListener} learns about an ignored cookie; never its value. */
export interface CookieRejectInfo {
  /** A Set-Cookie header of a response, or a cookie of an imported file or jar. */
  source: 'set-cookie' | 'import';
  /** The cookie's name (at most 64 characters), when the header got as far as having one. */
  name?: string;
  /** The Domain attribute (at most 255 characters) when it had one, or an imported cookie's domain. */
  domain?: string;
  /** For a Set-Cookie: the host of the response URL. */
  host?: string;
  /** For a Set-Cookie: the response URL without userinfo, query and fragment. */
  url?: string;
}

/**
 * Told about each cookie the jar ignores. `reason` is a short phrase such as
 * `Secure cookie from an insecure origin` or `Domain does not match the host`.
 */
export type CookieRejectListener = (reason: string, info: CookieRejectInfo) => void;

/**
 * Where to look for a cookie in {@link CookieJar.get} and {@link CookieJar.delete}: the cookies a
 * request to `url` would send, or those stored at exactly `domain` (a host-only and a Domain cookie of
 * one name can both be there; `hostOnly` picks one).
 */
export type CookieLocation = { url: string | URL } | { domain: string; path?: string; hostOnly?: boolean };

/**
 * What the jar needs of a request URL, read once per distinct URL: from `url` when there is one,
 * else from the plain http(s) string `href` (see {@link readPlainHttpUrl}).
 */
interface Target extends PlainHttpUrl {
  href: string;
  /** Read on first use: a Set-Cookie with a Path attribute never needs it. */
  path: string | undefined;
  url: URL | undefined;
  secure: boolean;
}

function requestPath(t: Target): string {
  if (t.path === undefined) {
    let path: string;
    if (t.url !== undefined) path = t.url.pathname;
    else path = t.pathStart === t.pathEnd ? '/' : t.href.slice(t.pathStart, t.pathEnd);
    t.path = path.charCodeAt(0) === 0x2f ? path : '/';
  }
  return t.path;
}

/**
 * An RFC 6265bis cookie jar: parses Set-Cookie headers, stores cookies and produces Cookie headers.
 * Invalid cookies are ignored: reported to the `onReject` listeners and logged with
 * NODE_DEBUG=sessio:cookies, values never included; no Set-Cookie input makes it throw.
 * {@link CookieJar.explain} tells why a stored cookie is not sent. `console.log(jar)` and
 * `String(jar)` list the cookies' names and where they apply, never their values.
 */
export class CookieJar {
  private readonly store: CookieStore;
  private readonly maxPerDomain: number;
  private readonly maxTotal: number;
  private readonly clock: () => number;
  private readonly rejectPublicSuffixes: boolean;
  private nextIndex = 1;
  /** Reused by getCookieHeader so the hot path allocates no array. */
  private readonly scratch: StoredCookie[] = [];
  private readonly suffixCache = new Map<string, boolean>();
  private lastSuffixDomain = '';
  private lastSuffixAnswer = false;
  /** Reused by setCookie: the parse result never outlives the call. */
  private readonly parsed: ParsedSetCookie = emptyParsedSetCookie();
  private readonly rejectListeners: CookieRejectListener[] = [];
  private readonly targetCache: Target = { href: '', host: '', path: '/', url: undefined, secure: false, pathStart: 0, pathEnd: 0, https: false };

  constructor(options: CookieJarOptions = {}) {
    this.store = options.store ?? new MemoryCookieStore();
    this.maxPerDomain = positiveLimit(options.maxPerDomain, 50);
    this.maxTotal = positiveLimit(options.maxTotal, 3000);
    this.clock = options.now ?? Date.now;
    this.rejectPublicSuffixes = options.rejectPublicSuffixes ?? true;
    if (options.onReject !== undefined) this.rejectListeners.push(options.onReject);
    if (this.store.nextCreationIndex === undefined) {
      for (const c of this.store.all()) this.nextIndex = Math.max(this.nextIndex, c.creationIndex + 1);
    }
  }

  /**
   * Stores the cookie of one Set-Cookie header received in a response from `url`. Returns the stored
   * cookie (a copy; an expired one when the header is a deletion, Max-Age<=0 or a past Expires, whether
   * or not there was a cookie to delete), or undefined when the jar ignored the header.
   */
  setCookie(setCookie: string, url: string | URL, opts?: CookieOptions): Cookie | undefined {
    return this.receive(setCookie, url, opts)?.toCookie();
  }

  /**
   * {@link CookieJar.setCookie} without building the returned copy, for callers that ingest every
   * response's Set-Cookie headers and never look at the result (the Session): false when the jar
   * ignored the header, true otherwise (a deletion counts, whether or not there was a cookie).
   */
  acceptSetCookie(setCookie: string, url: string | URL, opts?: CookieOptions): boolean {
    return this.receive(setCookie, url, opts) !== undefined;
  }

  /** Parses and stores one Set-Cookie header; the stored (or deleting) cookie, or undefined when ignored. */
  private receive(setCookie: string, url: string | URL, opts: CookieOptions | undefined): StoredCookie | undefined {
    const target = this.resolve(url);
    if (typeof setCookie !== 'string') return this.ignore(target, 'not a string');
    const now = opts?.now ?? this.clock();
    const parsed = this.parsed;
    let rejection: string | undefined;
    try {
      rejection = parseSetCookieInto(setCookie, parsed);
    } catch {
      rejection = 'unparsable';
    }
    if (rejection !== undefined) {
      parsed.value = '';
      return this.ignore(target, rejection);
    }
    const http = opts?.http ?? true;
    const result = this.createCookie(parsed, target, now, http);
    const name = parsed.name;
    // The reused parse result would otherwise keep the last cookie's value in the jar.
    parsed.value = '';
    if (typeof result === 'string') return this.ignore(target, result, name, parsed.domain);
    return result;
  }

  /** The Cookie header value for a request to `url`; '' when no cookie applies. */
  getCookieHeader(url: string | URL, opts?: CookieOptions): string {
    const target = this.resolve(url);
    const now = opts?.now ?? this.clock();
    const http = opts?.http ?? true;
    // The hot path of every request: the store's per-host cache answers most lookups whole.
    const fast = this.store.cookieHeader?.(target.host, requestPath(target), now, target.secure, http);
    if (fast !== undefined) return fast;
    const kept = this.collectFor(target, now, http, true);
    let header = '';
    for (let i = 0; i < kept; i++) header = i === 0 ? this.scratch[i]!.cookiePair() : header + '; ' + this.scratch[i]!.cookiePair();
    return header;
  }

  /** The cookies a request to `url` would send, in Cookie-header order (copies). */
  getCookies(url: string | URL, opts?: CookieOptions): Cookie[] {
    const found = this.collect(url, opts);
    const out: Cookie[] = new Array(found);
    for (let i = 0; i < found; i++) out[i] = this.scratch[i]!.toCookie();
    return out;
  }

  /**
   * A cookie by name: the first one sent to `url`, or the one stored at exactly `domain` (and `path`).
   * Inspection only: it does not count as an access for eviction.
   */
  get(name: string, where: CookieLocation, opts?: CookieOptions): Cookie | undefined {
    return this.locate(name, where, opts)[0]?.toCookie();
  }

  /** Deletes the cookies `get` would consider; returns how many were removed. */
  delete(name: string, where: CookieLocation, opts?: CookieOptions): number {
    let removed = 0;
    for (const c of this.locate(name, where, opts)) if (this.store.remove(c)) removed++;
    return removed;
  }

  /** Removes every cookie, or those of `domain` and its subdomains; returns how many. */
  clear(domain?: string): number {
    if (domain === undefined) {
      const n = this.store.size;
      this.store.removeAll();
      return n;
    }
    const d = normalizeDomainArg(domain);
    const doomed = [...this.store.all()].filter((c) => domainMatch(c.domain, d));
    for (const c of doomed) this.store.remove(c);
    return doomed.length;
  }

  /** Removes expired cookies; returns how many. */
  purgeExpired(now: number = this.clock()): number {
    const doomed = [...this.store.all()].filter((c) => c.isExpired(now));
    for (const c of doomed) this.store.remove(c);
    return doomed.length;
  }

  /** Number of unexpired cookies. */
  get size(): number {
    this.purgeExpired();
    return this.store.size;
  }

  /** Iterates over copies of the unexpired cookies. */
  *[Symbol.iterator](): IterableIterator<Cookie> {
    this.purgeExpired();
    for (const c of [...this.store.all()]) yield c.toCookie();
  }

  /**
   * Adds the cookies of {@link CookieJar.toJSON} output to this jar (replacing those with the same
   * identity); returns how many were imported. A shared session refreshes its jar in place with it.
   */
  importJSON(json: unknown): number {
    return this.importAll(fromSerialized(json));
  }

  /**
   * For each stored cookie of the site of `url` (its registrable domain, e.g. every `*.example.com`
   * cookie for `https://api.example.com/x`), whether a request to `url` sends it and, if not, why.
   * Cookie-header order (the ones sent in the order the header lists them), values never included.
   * Inspection only: nothing is removed or marked as accessed; an expired cookie shows as `expired`
   * until a lookup or {@link CookieJar.purgeExpired} removes it.
   *
   * @example
   * ```ts
   * jar.setCookie('sid=abc; Path=/app; Secure; HttpOnly', 'https://example.com/app/login');
   * jar.explain('http://example.com/api');
   * // [{ name: 'sid', domain: 'example.com', path: '/app', sent: false, reason: 'path',
   * //    detail: 'Path=/app does not match /api; Secure cookie, request not from a secure origin (https or localhost)', … }]
   * ```
   */
  explain(url: string | URL, opts?: CookieOptions): CookieExplanation[] {
    const t = this.resolve(url);
    const request = { host: t.host, path: requestPath(t), secure: t.secure, http: opts?.http ?? true, now: opts?.now ?? this.clock() };
    const site = registrableDomain(t.host);
    const relevant: StoredCookie[] = [];
    forEachCookie(this.store, (c) => {
      // Only a fully qualified domain (`example.com.`) is of the site without domain-matching it:
      // the suffix lookup is spared for the thousands of other sites' cookies.
      if (domainMatch(c.domain, site) || (c.domain.endsWith('.') && registrableDomain(c.domain) === site)) relevant.push(c);
    });
    return relevant.sort(byHeaderOrder).map((c) => explainCookie(c, request));
  }

  /**
   * Adds a listener told about every cookie the jar ignores or skips (as the `onReject` option);
   * returns a function that removes it. Lets a session route a jar it was given to its logger.
   */
  addRejectListener(listener: CookieRejectListener): () => void {
    this.rejectListeners.push(listener);
    return () => {
      const i = this.rejectListeners.indexOf(listener);
      if (i !== -1) this.rejectListeners.splice(i, 1);
    };
  }

  /** `CookieJar(2) [ <Cookie sid=•••• for example.com/>, … ]`: names and where they apply, never values. */
  toString(): string {
    return this.describe(0, { breakLength: Infinity });
  }

  [INSPECT](depth: number, options: InspectOptions): string {
    return this.describe(depth, options);
  }

  private describe(depth: number, options: InspectOptions): string {
    const now = this.clock();
    const live = [...this.store.all()].filter((c) => !c.isExpired(now)).sort(byHeaderOrder);
    return describeCookies('CookieJar', live, depth, options);
  }

  /** A versioned JSON form of the jar (session cookies included); see {@link CookieJar.fromJSON}. */
  toJSON(): SerializedJar {
    this.purgeExpired();
    return toSerialized(this.inCreationOrder());
  }

  /**
   * Rebuilds a jar from {@link CookieJar.toJSON} output (object or JSON text).
   * @throws CookieJarError `ERR_COOKIE_JAR_SCHEMA` when malformed, `ERR_COOKIE_JAR_SCHEMA_VERSION` when newer.
   */
  static fromJSON(json: unknown, options?: CookieJarOptions): CookieJar {
    const jar = new CookieJar(options);
    jar.importAll(fromSerialized(json));
    return jar;
  }

  /** The jar in Netscape cookies.txt format (curl, wget), HttpOnly cookies as `#HttpOnly_` lines. */
  toNetscape(): string {
    this.purgeExpired();
    return toNetscape(this.inCreationOrder());
  }

  /**
   * Every cookie, earliest created first: imports hand out creation indices in file order, so saving
   * in this order keeps the Cookie-header order of cookies created in the same millisecond.
   */
  private inCreationOrder(): StoredCookie[] {
    return [...this.store.all()].sort(byCreation);
  }

  /** Adds the cookies of a Netscape cookies.txt file; returns how many were imported. */
  importNetscape(text: string): number {
    return this.importAll(
      parseNetscape(text, this.clock(), (message, ...args) => {
        debug(message, ...args);
        this.report(format(message, ...args), { source: 'import' });
      }),
    );
  }

  /** A jar holding the cookies of a Netscape cookies.txt file. */
  static fromNetscape(text: string, options?: CookieJarOptions): CookieJar {
    const jar = new CookieJar(options);
    jar.importNetscape(text);
    return jar;
  }

  /**
   * Adds the cookies of a tough-cookie jar serialized with `serializeSync()`/`toJSON()` (object or
   * JSON text); returns how many were imported. Max-Age counts from the cookie's creation.
   */
  importToughCookie(json: unknown): number {
    return this.importAll(parseToughCookieJson(json, this.clock()));
  }

  private importAll(inits: CookieInit[]): number {
    const now = this.clock();
    let imported = 0;
    // Creation indices follow the order of import: earliest created first (a stable sort keeps the
    // given order of cookies created in the same millisecond, as the jar saves them).
    for (const given of [...inits].sort((a, b) => a.creation - b.creation)) {
      const init = this.importable(given);
      if (typeof init === 'string') {
        this.skipImport(init, given);
        continue;
      }
      if (init.expires !== undefined && init.expires <= now) continue;
      const cookie = StoredCookie.fromInit(
        { ...init, expires: init.expires === undefined ? undefined : Math.min(init.expires, now + MAX_COOKIE_LIFETIME_MS) },
        this.takeCreationIndex(),
      );
      this.store.put(cookie);
      this.enforceLimits(cookie, now);
      imported++;
    }
    return imported;
  }

  /**
   * A cookie read from a file or another library as the jar stores it, or why it is refused: such
   * data may be stale or hand-made, so it gets the storage model's rules that need no request. A
   * Domain cookie for a public suffix becomes host-only, as 6265bis 5.7 makes one whose Domain is the
   * host itself (`Domain=localhost` from http://localhost/): a cookies.txt line for `.com` then
   * reaches a host named `com` only, not every .com site.
   */
  private importable(init: CookieInit): CookieInit | string {
    const invalid = validateCookieInit(init);
    if (invalid !== undefined) return invalid;
    if (!isAsciiDomain(init.domain)) return 'non-ASCII domain';
    if (exceedsNameValueLimit(init.name, init.value)) return 'name and value over 4096 bytes';
    const hostOnly = (init.hostOnly ?? true) || (this.rejectPublicSuffixes && this.isPublicSuffix(init.domain));
    const attributes = {
      name: init.name,
      value: init.value,
      secure: init.secure ?? false,
      httpOnly: init.httpOnly ?? false,
      sameSite: init.sameSite ?? 'default',
      partitioned: init.partitioned ?? false,
    };
    return attributeRuleViolation(attributes, hostOnly, init.path) ?? { ...init, hostOnly };
  }

  /**
   * Puts the cookies for `url` at the start of `scratch` in header order, marks them accessed and
   * returns their number. Entries past that number are stale (kept to avoid reallocating).
   */
  private collect(url: string | URL, opts: CookieOptions | undefined, touch = true): number {
    return this.collectFor(this.resolve(url), opts?.now ?? this.clock(), opts?.http ?? true, touch);
  }

  /** {@link collect} for a resolved target. */
  private collectFor(target: Target, now: number, http: boolean, touch: boolean): number {
    const list = this.scratch;
    const n = this.store.match(target.host, requestPath(target), list);
    let kept = 0;
    let expired: StoredCookie[] | undefined;
    for (let i = 0; i < n; i++) {
      const c = list[i]!;
      if (c.expires !== undefined && c.expires <= now) {
        (expired ??= []).push(c);
        continue;
      }
      if ((c.secure && !target.secure) || (c.httpOnly && !http)) continue;
      list[kept++] = c;
    }
    if (expired) for (const c of expired) this.store.remove(c);
    if (touch && kept > 0) this.store.touch(list, kept, now);
    return kept;
  }


  private locate(name: string, where: CookieLocation, opts: CookieOptions | undefined): StoredCookie[] {
    if ('url' in where) {
      const found = this.collect(where.url, opts, false);
      return this.scratch.slice(0, found).filter((c) => c.name === name);
    }
    const domain = normalizeDomainArg(where.domain);
    const now = opts?.now ?? this.clock();
    const http = opts?.http ?? true;
    return this.store
      .domainCookies(domain)
      .filter(
        (c) =>
          c.name === name &&
          (where.path === undefined || c.path === where.path) &&
          (where.hostOnly === undefined || c.hostOnly === where.hostOnly) &&
          !c.isExpired(now) &&
          (http || !c.httpOnly),
      );
  }

  /** RFC 6265bis section 5.7 storage model; returns the reason when the cookie is ignored. */
  private createCookie(p: ParsedSetCookie, t: Target, now: number, http: boolean): StoredCookie | string {
    if (t.host === '') return 'no host';
    let expires: number | undefined;
    if (p.maxAge !== undefined) {
      expires = p.maxAge <= 0 ? Number.MIN_SAFE_INTEGER : now + Math.min(p.maxAge * 1000, MAX_COOKIE_LIFETIME_MS);
    } else if (p.expires !== undefined) {
      expires = Math.min(p.expires, now + MAX_COOKIE_LIFETIME_MS);
    }
    let domainAttr = p.domain ?? '';
    if (domainAttr === '.') return 'Domain=. names no domain';
    // The Domain the public suffix memo answered last passed this check already.
    if (domainAttr !== '' && domainAttr !== this.lastSuffixDomain && !isAsciiDomain(domainAttr)) return 'non-ASCII Domain';
    if (domainAttr !== '' && this.rejectPublicSuffixes && this.isPublicSuffix(domainAttr)) {
      if (domainAttr !== t.host) return 'Domain is a public suffix';
      domainAttr = '';
    }
    let hostOnly = true;
    let domain = t.host;
    if (domainAttr !== '') {
      if (!domainMatch(t.host, domainAttr)) return 'Domain does not match the host';
      if (t.host.length > 254) return 'Domain attribute from a host longer than DNS allows';
      // An IP address has no subdomains: Domain=<the IP> is the same as no Domain.
      if (!isIpAddress(t.host)) {
        hostOnly = false;
        domain = domainAttr;
      }
    }
    const path = typeof p.path === 'string' ? p.path : defaultPath(requestPath(t));
    if (p.secure && !t.secure) return 'Secure cookie from an insecure origin';
    if (p.httpOnly && !http) return 'HttpOnly cookie from a non-HTTP API';
    if (!p.secure && !t.secure && this.shadowsSecureCookie(p.name, domain, path, now)) {
      return 'would overwrite a Secure cookie from an insecure origin';
    }
    const ruleError = attributeRuleViolation(p, hostOnly, p.path);
    if (ruleError !== undefined) return ruleError;
    const old = this.store.find(domain, path, p.name, hostOnly);
    if (old && old.httpOnly && !http) return 'would overwrite an HttpOnly cookie from a non-HTTP API';
    const cookie = new StoredCookie(
      p.name,
      p.value,
      domain,
      path,
      expires,
      cookieFlags(p.secure, p.httpOnly, hostOnly, p.partitioned, p.sameSite),
      old ? old.creation : now,
      old ? old.creationIndex : this.takeCreationIndex(),
    );
    // A new cookie's last access is its creation (StoredCookie stores nothing for it); a replacing
    // one keeps the old creation time.
    if (old) cookie.lastAccess = now;
    if (expires !== undefined && expires <= now) {
      if (old) this.store.remove(old);
      return cookie;
    }
    this.store.put(cookie);
    this.enforceLimits(cookie, now);
    return cookie;
  }

  /** The store's shared counter when it has one (jars sharing a store), else this jar's own. */
  private takeCreationIndex(): number {
    return this.store.nextCreationIndex?.() ?? this.nextIndex++;
  }

  /** Public suffix check, memoized: a site sets many cookies with the same Domain attribute. */
  private isPublicSuffix(domain: string): boolean {
    // A site's cookies usually arrive together and name the same Domain: compare with the last
    // one before hashing the freshly parsed string into the map.
    if (domain === this.lastSuffixDomain) return this.lastSuffixAnswer;
    let known = this.suffixCache.get(domain);
    if (known === undefined) {
      known = isPublicSuffix(domain);
      if (this.suffixCache.size >= SUFFIX_CACHE_LIMIT) this.suffixCache.clear();
      this.suffixCache.set(domain, known);
    }
    this.lastSuffixDomain = domain;
    this.lastSuffixAnswer = known;
    return known;
  }

  /** 6265bis: an insecure origin may not set a cookie that would shadow a Secure one. */
  private shadowsSecureCookie(name: string, domain: string, path: string, now: number): boolean {
    if (!this.store.hasSecureNamed(name)) return false;
    for (const c of this.store.all()) {
      if (
        c.secure &&
        c.name === name &&
        !c.isExpired(now) &&
        (domainMatch(c.domain, domain) || domainMatch(domain, c.domain)) &&
        pathMatch(path, c.path)
      ) {
        return true;
      }
    }
    return false;
  }

  /** Evicts expired, then least recently used cookies, never the one just stored. */
  private enforceLimits(added: StoredCookie, now: number): void {
    const inDomain = this.store.domainCount(added.domain);
    if (inDomain > this.maxPerDomain) {
      for (const c of selectEvictions(this.store.domainCookies(added.domain), inDomain - this.maxPerDomain, now, added)) this.store.remove(c);
    }
    if (this.store.size > this.maxTotal) this.evictTenth(added, now);
  }

  /**
   * Purges expired cookies, then, if still over `maxTotal`, evicts the least recently used down to
   * a tenth below it at once, as Chrome does. One pass over the jar does both: the expired cookies
   * are set aside while the heap keeps the oldest of the others, which is all the eviction can need
   * whatever number of them the purge removes.
   */
  private evictTenth(added: StoredCookie, now: number): void {
    const target = this.maxTotal - Math.floor(this.maxTotal / 10);
    const expired: StoredCookie[] = [];
    const oldest = new EvictionHeap(this.store.size - target, now);
    let position = 0;
    forEachCookie(this.store, (c) => {
      if (c.isExpired(now)) expired.push(c);
      else if (c !== added) oldest.offer(c, position++);
    });
    for (const c of expired) this.store.remove(c);
    if (this.store.size <= this.maxTotal) return;
    const victims = oldest.sorted();
    const excess = this.store.size - target;
    for (let i = 0; i < excess && i < victims.length; i++) this.store.remove(victims[i]!);
  }

  /**
   * Reads host, path and origin security of `url` into `target`. The last URL is remembered by its
   * href: the Session asks about the same URL for several cookies and for the request after them.
   */
  private resolve(url: string | URL): Target {
    const t = this.targetCache;
    if (typeof url === 'string') {
      if (url === t.href) return t;
      // Most strings are plain http(s) URLs, read here at a fraction of what `new URL` costs.
      if (readPlainHttpUrl(url, t)) {
        t.path = undefined;
        t.url = undefined;
        t.secure = t.https || isSecureOrigin('http:', t.host);
        t.href = url;
        return t;
      }
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new CookieJarError('ERR_COOKIE_URL', 'cookie jar: not an absolute URL');
      }
      return this.resolveUrl(parsed, url);
    }
    if (url instanceof URL) {
      const href = url.href;
      return href === t.href ? t : this.resolveUrl(url, href);
    }
    throw new CookieJarError('ERR_COOKIE_URL', 'cookie jar: url must be a string or URL');
  }

  private resolveUrl(u: URL, href: string): Target {
    const t = this.targetCache;
    const host = u.hostname;
    // The same host string as last time when unchanged: the store compares and hashes hosts, and a
    // string it has seen compares by identity and has its hash already.
    if (host !== t.host) t.host = host;
    t.path = undefined;
    t.url = u;
    // The href starts with the scheme: no need to build the protocol string for the usual https.
    t.secure = href.startsWith('https:') || isSecureOrigin(u.protocol, host);
    t.href = href;
    return t;
  }

  private ignore(t: Target, reason: string, name?: string, domain?: string): undefined {
    debug('ignored Set-Cookie %sfrom %s: %s', name ? `(name ${name.slice(0, 64)}) ` : '', t.host, reason);
    if (this.rejectListeners.length > 0) {
      const info: CookieRejectInfo = { source: 'set-cookie', host: t.host, url: redactedUrl(t) };
      if (name !== undefined && name !== '') info.name = name.slice(0, 64);
      if (domain !== undefined && domain !== '') info.domain = domain.slice(0, 255);
      this.report(reason, info);
    }
    return undefined;
  }

  private skipImport(reason: string, given: CookieInit): void {
    const domain = String(given.domain).slice(0, 255);
    debug('skipped imported cookie for %s: %s', domain, reason);
    const info: CookieRejectInfo = { source: 'import', domain };
    if (typeof given.name === 'string' && given.name !== '') info.name = given.name.slice(0, 64);
    this.report(reason, info);
  }

  private report(reason: string, info: CookieRejectInfo): void {
    for (const listener of this.rejectListeners) {
      // No Set-Cookie makes the jar throw (the Session feeds it every response): a failing
      // listener must not turn an ignored cookie into a failed request.
      try {
        listener(reason, info);
      } catch (err) {
        debug('reject listener failed: %s', err instanceof Error ? err.message : String(err));
      }
    }
  }
}

/**
 * The URL of `t` as a rejection report shows it: scheme, host, port and path, without userinfo,
 * query and fragment, where tokens live.
 */
function redactedUrl(t: Target): string {
  if (t.url !== undefined) return `${t.url.protocol}//${t.url.host}${t.url.pathname}`;
  // A plain URL (see readPlainHttpUrl) has no userinfo: everything before the path's end.
  return t.pathStart === t.pathEnd ? `${t.href.slice(0, t.pathEnd)}/` : t.href.slice(0, t.pathEnd);
}

/** The attributes {@link attributeRuleViolation} looks at. */
interface RuleSubject {
  name: string;
  value: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: SameSite;
  partitioned: boolean;
}

/**
 * Rules of 6265bis 5.7 on a cookie's own attributes: SameSite=None needs Secure (browsers, after
 * CHIPS, hold Partitioned to the same rule), and the name prefixes (case-insensitive, also hidden in
 * a nameless cookie's value): `__Secure-` and `__Host-`, and the layered-cookies draft's `__Http-`
 * and `__Host-Http-`, which also need HttpOnly (so only a Set-Cookie header can set them, as in
 * Chrome). `path` is the Path attribute (a `__Host-` cookie must say `Path=/`) or, for an imported
 * cookie, its path.
 */
function attributeRuleViolation(c: RuleSubject, hostOnly: boolean, path: string | null | undefined): string | undefined {
  if (c.sameSite === 'none' && !c.secure) return 'SameSite=None without Secure';
  if (c.partitioned && !c.secure) return 'Partitioned without Secure';
  const subject = c.name === '' ? c.value : c.name;
  // Every prefix starts with `__`: most names are done after one character compare.
  if (subject.charCodeAt(0) !== 0x5f) return undefined;
  const secure = startsWithCI(subject, '__secure-');
  const host = startsWithCI(subject, '__host-');
  const http = startsWithCI(subject, '__http-') || startsWithCI(subject, '__host-http-');
  if (c.name === '' && (secure || host || http)) return 'nameless cookie with a prefixed value';
  if (secure && !c.secure) return '__Secure- prefix without Secure';
  if (host && (!c.secure || !hostOnly || path !== '/')) return '__Host- prefix without Secure, host-only and Path=/';
  if (http && (!c.secure || !c.httpOnly)) return '__Http- prefix without Secure and HttpOnly';
  return undefined;
}

function startsWithCI(s: string, lowerPrefix: string): boolean {
  return s.length >= lowerPrefix.length && s.charCodeAt(0) === 0x5f && s.slice(0, lowerPrefix.length).toLowerCase() === lowerPrefix;
}

/** Visits every stored cookie, through the store's callback walk when it has one (no generator). */
function forEachCookie(store: CookieStore, visit: (c: StoredCookie) => void): void {
  if (store.forEachCookie !== undefined) store.forEachCookie(visit);
  else for (const c of store.all()) visit(c);
}

function positiveLimit(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new CookieJarError('ERR_COOKIE_OPTIONS', 'cookie jar: limits must be positive integers');
  return value;
}

function normalizeDomainArg(domain: string): string {
  const d = domain.charCodeAt(0) === 0x2e ? domain.slice(1) : domain;
  return d.toLowerCase();
}
