import type { InspectOptions } from 'node:util';
import { byCreation, byHeaderOrder, type StoredCookie as Cookie } from './stored-cookie.js';
import { isIpAddress } from './domain.js';
import { candidatePaths } from './path.js';
import { describeCookies, INSPECT } from './inspect.js';
import type { CookieStore } from './store.js';

/**
 * The cookies a host may receive, grouped by path, longest path first: group `g` is the cookies
 * `cookies[groups[2g - 1] ?? 0 .. groups[2g + 1])`, in creation order, whose path is `paths[g]`, of
 * length `groups[2g]`. Flat arrays of small integers and pointers, so that a lookup reads few cache
 * lines: the path strings only when their length allows a match, the cookies only when it matches.
 * undefined arrays when the host has too many cookies to scan them all.
 */
interface HostCandidates {
  /** The store's `version` when this was last known current: then nothing needs checking. */
  checked: number;
  /** The store's `layout` and the versions of `buckets` when this was built: valid while equal. */
  readonly layout: number;
  readonly buckets: DomainBucket[];
  readonly versions: number[];
  readonly paths: string[] | undefined;
  readonly groups: number[] | undefined;
  readonly cookies: Cookie[] | undefined;
  /** Earliest expiry among `cookies` (Infinity when none expires): before it nothing needs checking. */
  readonly soonest: number;
  /**
   * The Cookie-header fragment of group `g` for request kind `k` (see {@link requestKind}) at
   * `4g + k`, built on first use: a host's requests mostly differ only in which groups match.
   */
  readonly fragments: (string | undefined)[];
  /**
   * When group `g` was last sent to request kind `k` (at `4g + k`, NaN when not) and the cookies do
   * not know it yet; see {@link MemoryCookieStore.flushAccess}.
   */
  sent: Float64Array | undefined;
  /** Whether this entry is in the store's list of entries with unrecorded accesses. */
  pending: boolean;
}

/** 0–3: bit 1 for a request from an insecure origin (no Secure cookies), bit 2 for a non-HTTP API (no HttpOnly). */
function requestKind(secure: boolean, http: boolean): number {
  return (secure ? 0 : 1) | (http ? 0 : 2);
}

function sentTo(c: Cookie, kind: number): boolean {
  return !((kind & 1) !== 0 && c.secure) && !((kind & 2) !== 0 && c.httpOnly);
}

/** Hosts with more candidate cookies than this are looked up through the path index. */
const HOST_CANDIDATE_LIMIT = 32;

/** Longest DNS name (RFC 1035), trailing dot allowed. */
const MAX_DNS_NAME = 254;

/**
 * A domain with more cookies than this gets a path index, so a lookup walks the request path's
 * prefixes instead of every cookie. Below it a flat array is both smaller and faster to scan.
 */
const PATH_INDEX_THRESHOLD = 32;
/** The index is dropped again only well below the threshold, so a domain at the edge does not flap. */
const PATH_INDEX_DROP = 16;
/** Bound of the per-host memo of candidate cookies. */
const HOST_CACHE_LIMIT = 8192;
/** Bound of the list of memo entries whose accesses are not yet recorded on their cookies. */
const PENDING_LIMIT = HOST_CACHE_LIMIT;

/** Same name and host-only flag; the caller has compared domain and path. */
function sameIdentity(a: Cookie, b: Cookie): boolean {
  return a.name === b.name && a.hostOnly === b.hostOnly;
}

/** The cookies of one domain. */
class DomainBucket {
  /** Longest path first, then earliest creation; never empty while the bucket is stored. */
  readonly list: Cookie[];
  /** path → its cookies in creation order, only while the domain has many cookies. */
  index: Map<string, Cookie[]> | undefined = undefined;
  /** Bumped by every change of this domain's cookies. */
  version = 0;

  constructor(readonly domain: string, first: Cookie) {
    this.list = [first];
  }
}

/**
 * The default store: a map from cookie domain to its cookies in Cookie-header order. A lookup for
 * `a.b.example.com` reads the domains `a.b.example.com`, `b.example.com`, `example.com` and `com`,
 * never unrelated ones; a domain with many cookies also has a path index, so only paths that can
 * match are read.
 *
 * One plain array per domain (no per-path objects) keeps a cookie's overhead to an array slot, and
 * every stored cookie shares its domain's and path's string with the cookies already stored there.
 */
export class MemoryCookieStore implements CookieStore {
  private readonly domains = new Map<string, DomainBucket>();
  /**
   * The bucket used last: storing a cookie asks about its domain three times in a row (find, put,
   * the per-domain limit), and consecutive Set-Cookie headers mostly come from the same domain.
   */
  private recent: DomainBucket | undefined;
  /** The bucket used before `recent`: a site's cookies alternate between `www.site` and `site`. */
  private previous: DomainBucket | undefined;
  /** The domain of the last find() and its bucket, until the domains change (see {@link put}). */
  private foundDomain: string | undefined = undefined;
  private foundBucket: DomainBucket | undefined = undefined;
  /**
   * host → the cookies it may receive. An entry goes stale when one of its domains changes or a
   * domain is added or dropped, not on every change in the jar: a session whose responses keep
   * rotating one site's cookies leaves the memo of other sites alone.
   */
  private readonly hostCandidates = new Map<string, HostCandidates>();
  /** Bumped whenever a domain gets its first cookie or loses its last one. */
  private layout = 0;
  /** Bumped by every change, so that an unchanged store validates a memo with one comparison. */
  private version = 0;
  private secureNames = new Map<string, number>();
  private count = 0;
  /** The next creation index to hand out; see {@link nextCreationIndex}. */
  private creationCounter = 1;
  /**
   * Memo entries whose {@link HostCandidates.sent} times are not yet written to their cookies'
   * `lastAccess`. A Cookie-header lookup records one time per matching path group instead of
   * writing to every cookie it sends (each a likely cache miss in a large jar); the times reach the
   * cookies before anything reads them (every method that hands out stored cookies flushes first).
   */
  private readonly pending: HostCandidates[] = [];
  /** Latest time in `pending`: an earlier one (a clock set back) flushes first, so the last access wins. */
  private pendingLatest = -Infinity;

  get size(): number {
    return this.count;
  }

  /** Its cookies, values redacted: the memo, buckets and caches are internals (and hold values). */
  [INSPECT](depth: number, options: InspectOptions): string {
    return describeCookies('MemoryCookieStore', this.all(), depth, options);
  }

  private bucket(domain: string): DomainBucket | undefined {
    const recent = this.recent;
    if (recent !== undefined && recent.domain === domain) return recent;
    const previous = this.previous;
    if (previous !== undefined && previous.domain === domain) {
      this.previous = recent;
      this.recent = previous;
      return previous;
    }
    const found = this.domains.get(domain);
    if (found !== undefined) {
      this.previous = recent;
      this.recent = found;
    }
    return found;
  }

  find(domain: string, path: string, name: string, hostOnly: boolean): Cookie | undefined {
    const bucket = this.bucket(domain);
    this.foundDomain = domain;
    this.foundBucket = bucket;
    if (bucket === undefined) return undefined;
    const list = bucket.index === undefined ? bucket.list : bucket.index.get(path);
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      if (c.name === name && c.path === path && c.hostOnly === hostOnly) return c;
    }
    return undefined;
  }

  put(cookie: Cookie): Cookie | undefined {
    this.version++;
    if (cookie.secure) this.secureNames.set(cookie.name, (this.secureNames.get(cookie.name) ?? 0) + 1);
    // The jar finds the cookie a new one replaces, then stores it: the domain is then the very
    // string find() had, which compares by identity, whereas a host read from a URL is a slice
    // that compares by content (a runtime call) with the bucket's own string.
    const bucket = cookie.domain === this.foundDomain ? this.foundBucket : this.bucket(cookie.domain);
    this.foundDomain = undefined;
    if (bucket === undefined) {
      const created = new DomainBucket(cookie.domain, cookie);
      this.domains.set(cookie.domain, created);
      this.layout++;
      this.foundDomain = undefined;
      this.previous = this.recent;
      this.recent = created;
      this.count++;
      return undefined;
    }
    bucket.version++;
    cookie.domain = bucket.domain;
    const list = bucket.list;
    const index = bucket.index;
    const samePath = index === undefined ? list : index.get(cookie.path);
    let old: Cookie | undefined;
    if (samePath !== undefined) {
      for (let i = 0; i < samePath.length; i++) {
        const c = samePath[i]!;
        if (c.path === cookie.path) {
          cookie.path = c.path;
          if (sameIdentity(c, cookie)) {
            old = c;
            break;
          }
        }
      }
    }
    if (old !== undefined) list.splice(list.indexOf(old), 1);
    insertSorted(list, cookie, byHeaderOrder);
    if (old !== undefined) {
      if (old.secure) this.releaseSecureName(old.name);
      if (index !== undefined) replaceInIndex(index, old, cookie);
      return old;
    }
    this.count++;
    if (index !== undefined) addToIndex(index, cookie);
    else if (list.length > PATH_INDEX_THRESHOLD) bucket.index = buildIndex(list);
    return undefined;
  }

  remove(cookie: Cookie): boolean {
    const bucket = this.bucket(cookie.domain);
    if (bucket === undefined) return false;
    const list = bucket.list;
    let i = 0;
    while (i < list.length && !(list[i]!.path === cookie.path && sameIdentity(list[i]!, cookie))) i++;
    if (i === list.length) return false;
    this.version++;
    bucket.version++;
    const old = list[i]!;
    if (old.secure) this.releaseSecureName(old.name);
    list.splice(i, 1);
    this.count--;
    if (list.length === 0) {
      this.domains.delete(bucket.domain);
      this.layout++;
      this.foundDomain = undefined;
      this.recent = undefined;
      this.previous = undefined;
    }
    if (bucket.index !== undefined) {
      if (list.length < PATH_INDEX_DROP) bucket.index = undefined;
      else removeFromIndex(bucket.index, old);
    }
    return true;
  }

  match(host: string, path: string, out: Cookie[]): number {
    this.flushAccess();
    const entry = this.entryFor(host);
    const { paths, groups, cookies } = entry;
    if (paths === undefined || groups === undefined || cookies === undefined) {
      return this.matchByIndex(host, path, out);
    }
    // One path-match per distinct path: the cookie objects are read only when their path matches.
    const requestLength = path.length;
    let n = 0;
    let start = 0;
    for (let g = 0; g < groups.length; g += 2) {
      const len = groups[g]!;
      const end = groups[g + 1]!;
      if (len === 1 || (len <= requestLength && pathMatches(path, paths[g >> 1]!))) {
        for (let i = start; i < end; i++) out[n++] = cookies[i]!;
      }
      start = end;
    }
    return n;
  }

  /**
   * The Cookie header for a request to `host` and `path` at `now` from a secure origin or not,
   * through an HTTP API or not, with the accesses recorded; undefined when a cookie of the host may
   * have expired or the host has too many cookies (the caller then uses {@link match}).
   */
  cookieHeader(host: string, path: string, now: number, secure: boolean, http: boolean): string | undefined {
    const entry = this.entryFor(host);
    const { paths, groups, cookies, fragments } = entry;
    // `!(now < soonest)` also sends a NaN time down the general path.
    if (paths === undefined || groups === undefined || cookies === undefined || !(now < entry.soonest)) return undefined;
    if (now < this.pendingLatest) this.flushAccess();
    const kind = requestKind(secure, http);
    const requestLength = path.length;
    let header = '';
    let start = 0;
    for (let g = 0; g < groups.length; g += 2) {
      const len = groups[g]!;
      const end = groups[g + 1]!;
      if (len === 1 || (len <= requestLength && pathMatches(path, paths[g >> 1]!))) {
        const slot = (g << 1) + kind;
        const fragment = fragments[slot] ?? (fragments[slot] = headerFragment(cookies, start, end, kind));
        if (fragment !== '') {
          header = header === '' ? fragment : header + '; ' + fragment;
          this.recordSent(entry, slot, now);
        }
      }
      start = end;
    }
    return header;
  }

  private recordSent(entry: HostCandidates, slot: number, now: number): void {
    const sent = (entry.sent ??= new Float64Array(entry.fragments.length).fill(NaN));
    sent[slot] = now;
    if (now > this.pendingLatest) this.pendingLatest = now;
    if (!entry.pending) {
      entry.pending = true;
      if (this.pending.length >= PENDING_LIMIT) this.flushAccess();
      this.pending.push(entry);
    }
  }

  /**
   * Writes the access times recorded by {@link cookieHeader} to the cookies. All of them are no
   * earlier than any `lastAccess` written before (see `pendingLatest`), so each cookie gets the
   * latest of its recorded times, as if each lookup had written it at once.
   */
  private flushAccess(): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    for (let pass = 0; pass < 2; pass++) {
      for (const entry of pending) {
        const { sent, groups, cookies } = entry;
        if (sent === undefined || groups === undefined || cookies === undefined) continue;
        for (let slot = 0; slot < sent.length; slot++) {
          const time = sent[slot]!;
          if (Number.isNaN(time)) continue;
          const g = slot >> 2;
          const kind = slot & 3;
          for (let i = g === 0 ? 0 : groups[2 * g - 1]!; i < groups[2 * g + 1]!; i++) {
            const c = cookies[i]!;
            if (!sentTo(c, kind)) continue;
            if (pass === 0) c.lastAccess = -Infinity;
            else if (c.lastAccess < time) c.lastAccess = time;
          }
        }
      }
    }
    for (const entry of pending) {
      entry.sent?.fill(NaN);
      entry.pending = false;
    }
    pending.length = 0;
    this.pendingLatest = -Infinity;
  }

  /** The memo entry of `host`, rebuilt when one of its domains changed. */
  private entryFor(host: string): HostCandidates {
    let entry = this.hostCandidates.get(host);
    if (entry === undefined || !this.isCurrent(entry)) {
      // A stale entry's recorded accesses go to its cookies now, so that the pending list does not
      // keep replaced cookies alive.
      if (entry?.pending === true) this.flushAccess();
      entry = this.candidatesFor(host);
      if (this.hostCandidates.size >= HOST_CACHE_LIMIT) this.hostCandidates.clear();
      this.hostCandidates.set(host, entry);
    }
    return entry;
  }

  private isCurrent(entry: HostCandidates): boolean {
    if (entry.checked === this.version) return true;
    if (entry.layout !== this.layout) return false;
    const { buckets, versions } = entry;
    for (let i = 0; i < buckets.length; i++) if (buckets[i]!.version !== versions[i]) return false;
    entry.checked = this.version;
    return true;
  }

  /**
   * Every cookie `host` may receive whatever the path, grouped by path, for a host with few of
   * them: later lookups then scan one short array. Hosts with many get `undefined` and are served
   * by the domain/path index instead.
   */
  private candidatesFor(host: string): HostCandidates {
    const buckets = this.bucketsFor(host);
    const layout = this.layout;
    const versions = buckets.map((b) => b.version);
    let total = 0;
    for (const b of buckets) total += b.list.length;
    if (total > HOST_CANDIDATE_LIMIT) {
      return {
        checked: this.version,
        layout,
        buckets,
        versions,
        paths: undefined,
        groups: undefined,
        cookies: undefined,
        soonest: -Infinity,
        fragments: [],
        sent: undefined,
        pending: false,
      };
    }
    const cookies: Cookie[] = [];
    for (const bucket of buckets) {
      const exact = bucket.domain === host;
      for (const c of bucket.list) if (exact || !c.hostOnly) cookies.push(c);
    }
    if (buckets.length > 1) cookies.sort(byHeaderOrder);
    // Header order is longest path first, then creation. Two different paths of one length never
    // both match a request path, so grouping equal paths (scanning back over the groups of the
    // same length) keeps the order of whatever matches.
    const paths: string[] = [];
    const byPath: Cookie[][] = [];
    for (const c of cookies) {
      let g = paths.length - 1;
      while (g >= 0 && paths[g]!.length === c.path.length && paths[g] !== c.path) g--;
      if (g >= 0 && paths[g] === c.path) {
        byPath[g]!.push(c);
      } else {
        paths.push(c.path);
        byPath.push([c]);
      }
    }
    const flat: Cookie[] = [];
    const groups: number[] = [];
    let soonest = Infinity;
    for (let g = 0; g < byPath.length; g++) {
      for (const c of byPath[g]!) {
        flat.push(c);
        if (c.expires !== undefined && c.expires < soonest) soonest = c.expires;
      }
      groups.push(paths[g]!.length, flat.length);
    }
    const fragments = new Array<string | undefined>(paths.length * 4).fill(undefined);
    return { checked: this.version, layout, buckets, versions, paths, groups, cookies: flat, soonest, fragments, sent: undefined, pending: false };
  }

  private matchByIndex(host: string, path: string, out: Cookie[]): number {
    const buckets = this.bucketsFor(host);
    let n = 0;
    let contributing = 0;
    let candidates: string[] | undefined;
    for (let b = 0; b < buckets.length; b++) {
      const bucket = buckets[b]!;
      const exact = bucket.domain === host;
      const before = n;
      if (bucket.index === undefined) {
        n = pushMatching(bucket.list, exact, path, out, n);
      } else {
        for (const candidate of (candidates ??= candidatePaths(path))) {
          const entry = bucket.index.get(candidate);
          if (entry !== undefined) n = pushMatching(entry, exact, path, out, n);
        }
      }
      if (n !== before) contributing++;
    }
    // Each domain yields its cookies already in header order; only a mix of domains needs sorting.
    if (contributing > 1) sortPrefix(out, n);
    return n;
  }

  domainCookies(domain: string): Cookie[] {
    this.flushAccess();
    const bucket = this.bucket(domain);
    return bucket === undefined ? [] : bucket.list.slice();
  }

  domainCount(domain: string): number {
    return this.bucket(domain)?.list.length ?? 0;
  }

  *all(): IterableIterator<Cookie> {
    this.flushAccess();
    for (const bucket of this.domains.values()) yield* bucket.list;
  }

  forEachCookie(visit: (cookie: Cookie) => void): void {
    this.flushAccess();
    for (const bucket of this.domains.values()) {
      const list = bucket.list;
      for (let i = 0; i < list.length; i++) visit(list[i]!);
    }
  }

  removeAll(): void {
    this.domains.clear();
    this.foundDomain = undefined;
    this.recent = undefined;
    this.previous = undefined;
    this.pending.length = 0;
    this.pendingLatest = -Infinity;
    this.hostCandidates.clear();
    this.layout++;
    this.version++;
    this.secureNames.clear();
    this.count = 0;
  }

  nextCreationIndex(): number {
    return this.creationCounter++;
  }

  hasSecureNamed(name: string): boolean {
    return this.secureNames.has(name);
  }

  touch(cookies: readonly Cookie[], count: number, now: number): void {
    // Recorded times first, so that these later ones win.
    this.flushAccess();
    for (let i = 0; i < count; i++) cookies[i]!.lastAccess = now;
  }

  private releaseSecureName(name: string): void {
    const n = (this.secureNames.get(name) ?? 1) - 1;
    if (n <= 0) this.secureNames.delete(name);
    else this.secureNames.set(name, n);
  }

  /** The buckets whose cookies `host` may receive: its own domain's, then each parent's. */
  private bucketsFor(host: string): DomainBucket[] {
    const buckets: DomainBucket[] = [];
    const own = this.domains.get(host);
    if (own !== undefined) buckets.push(own);
    // A host longer than DNS allows cannot resolve; skipping its parents keeps lookups linear.
    if (host.length <= MAX_DNS_NAME && !isIpAddress(host)) {
      for (let i = host.indexOf('.'); i !== -1; i = host.indexOf('.', i + 1)) {
        const parent = this.domains.get(host.slice(i + 1));
        if (parent !== undefined) buckets.push(parent);
      }
    }
    return buckets;
  }
}

/**
 * Path-match with the cheap rejections first (String#startsWith costs ~20 ns in V8, a character
 * compare ~3 ns): `/` matches everything; otherwise the lengths, the `/` boundary and the last
 * character of the cookie path must agree before the prefix is compared.
 */
function pathMatches(path: string, p: string): boolean {
  const len = p.length;
  if (len === 1) return true;
  if (len > path.length) return false;
  const lastChar = p.charCodeAt(len - 1);
  if (path.charCodeAt(len - 1) !== lastChar) return false;
  if (len !== path.length && lastChar !== 0x2f && path.charCodeAt(len) !== 0x2f) return false;
  return path.startsWith(p);
}

/** The Cookie-header pairs of `cookies[start, end)` that a request of `kind` receives, joined. */
function headerFragment(cookies: readonly Cookie[], start: number, end: number, kind: number): string {
  let fragment = '';
  for (let i = start; i < end; i++) {
    const c = cookies[i]!;
    if (sentTo(c, kind)) fragment = fragment === '' ? c.cookiePair() : fragment + '; ' + c.cookiePair();
  }
  return fragment;
}

function pushMatching(list: Cookie[], exactHost: boolean, path: string, out: Cookie[], n: number): number {
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if ((exactHost || !c.hostOnly) && pathMatches(path, c.path)) out[n++] = c;
  }
  return n;
}

/** Sorts out[0, n) into header order: insertion sort for the usual handful, Array#sort beyond. */
function sortPrefix(out: Cookie[], n: number): void {
  if (n > 16) {
    const sorted = out.slice(0, n).sort(byHeaderOrder);
    for (let i = 0; i < n; i++) out[i] = sorted[i]!;
    return;
  }
  for (let i = 1; i < n; i++) {
    const c = out[i]!;
    let j = i - 1;
    while (j >= 0 && byHeaderOrder(out[j]!, c) > 0) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = c;
  }
}

/** Inserts after every element that does not sort after `cookie` (stable for equal keys). */
function insertSorted(list: Cookie[], cookie: Cookie, order: (a: Cookie, b: Cookie) => number): void {
  // Shifting by hand: splice allocates the array of removed elements, an empty one here.
  let i = list.length;
  list.push(cookie);
  while (i > 0 && order(list[i - 1]!, cookie) > 0) {
    list[i] = list[i - 1]!;
    i--;
  }
  list[i] = cookie;
}

function buildIndex(list: readonly Cookie[]): Map<string, Cookie[]> {
  const index = new Map<string, Cookie[]>();
  for (const c of list) addToIndex(index, c);
  return index;
}

function addToIndex(index: Map<string, Cookie[]>, cookie: Cookie): void {
  const entry = index.get(cookie.path);
  if (entry === undefined) index.set(cookie.path, [cookie]);
  else insertSorted(entry, cookie, byCreation);
}

function replaceInIndex(index: Map<string, Cookie[]>, old: Cookie, cookie: Cookie): void {
  removeFromIndex(index, old);
  addToIndex(index, cookie);
}

function removeFromIndex(index: Map<string, Cookie[]>, old: Cookie): void {
  const entry = index.get(old.path);
  if (entry === undefined) return;
  const i = entry.indexOf(old);
  if (i !== -1) entry.splice(i, 1);
  if (entry.length === 0) index.delete(old.path);
}
