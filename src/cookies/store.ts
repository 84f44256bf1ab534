import type { StoredCookie } from './stored-cookie.js';

/**
 * Where a {@link CookieJar} keeps its cookies. The jar applies every RFC 6265bis rule; a store only
 * indexes and returns cookies. It is synchronous because the jar's API is (a cookie lookup precedes
 * every request); a store shared between processes can keep a synchronous local view and sync it.
 *
 * Stores hold live {@link StoredCookie} objects: the jar updates `lastAccess` through
 * {@link CookieStore.touch} and never hands these objects to users (it returns {@link Cookie} copies).
 */
export interface CookieStore {
  /** Number of stored cookies, expired ones included until they are removed. */
  readonly size: number;
  /**
   * The cookie with this identity, if any: RFC 6265bis section 5.7 tells cookies apart by name,
   * domain, host-only flag and path, so a host-only cookie and a Domain cookie of the same name live
   * side by side (as in browsers).
   */
  find(domain: string, path: string, name: string, hostOnly: boolean): StoredCookie | undefined;
  /** Stores a cookie, replacing the one with the same identity; returns the replaced one. */
  put(cookie: StoredCookie): StoredCookie | undefined;
  /** Removes this cookie (by identity); returns whether it was stored. */
  remove(cookie: StoredCookie): boolean;
  /**
   * Writes to `out`, from index 0, the cookies whose domain domain-matches `host` (host-only cookies
   * only when their domain is `host`) and whose path path-matches `path`, longest path first, then
   * earliest creation; returns their number (`out` is a reused buffer: later entries are stale).
   * Expiry, Secure and HttpOnly are the jar's business.
   */
  match(host: string, path: string, out: StoredCookie[]): number;
  /** The cookies stored under exactly this domain (a copy). */
  domainCookies(domain: string): StoredCookie[];
  /** Number of cookies stored under exactly this domain. */
  domainCount(domain: string): number;
  /** Every stored cookie. */
  all(): IterableIterator<StoredCookie>;
  /**
   * Optional: calls `visit` on every stored cookie, as {@link CookieStore.all} yields them (same
   * order), without a generator's cost per cookie; `visit` must not change the store.
   */
  forEachCookie?(visit: (cookie: StoredCookie) => void): void;
  /** Removes everything. */
  removeAll(): void;
  /** Conservative hint: false only if no Secure cookie with this name is stored. */
  hasSecureNamed(name: string): boolean;
  /**
   * Optional fast path of the jar's Cookie-header lookup: the header for a request to `host` and
   * `path` at `now` (cookies matched as by {@link CookieStore.match}; Secure ones only when `secure`,
   * HttpOnly ones only when `http`), with the access recorded as {@link CookieStore.touch} would.
   * Returns undefined whenever a cookie that may match has expired at `now` (or the store would
   * rather not answer): the jar then takes the general path, which also removes expired cookies.
   */
  cookieHeader?(host: string, path: string, now: number, secure: boolean, http: boolean): string | undefined;
  /** Records an access time on cookies returned by {@link CookieStore.match}. */
  touch(cookies: readonly StoredCookie[], count: number, now: number): void;
  /**
   * Optional: the next creation index (the tie-break of cookies created in the same millisecond),
   * handed out to every jar using this store, so that the cookies of two jars have one order.
   * Without it each jar counts on its own, from the largest index stored when it was created.
   */
  nextCreationIndex?(): number;
}
