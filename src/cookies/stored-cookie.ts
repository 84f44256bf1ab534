import { Cookie, type CookieInit, type SameSite } from './cookie.js';
import { describeCookie, INSPECT } from './inspect.js';

const SECURE = 1;
const HTTP_ONLY = 2;
const HOST_ONLY = 4;
const PARTITIONED = 8;
const SAME_SITE_SHIFT = 4;
const SAME_SITES: readonly SameSite[] = ['default', 'strict', 'lax', 'none'];

function sameSiteBits(sameSite: SameSite): number {
  switch (sameSite) {
    case 'strict':
      return 1;
    case 'lax':
      return 2;
    case 'none':
      return 3;
    default:
      return 0;
  }
}

/** Creation order: earliest first, ties broken by the creation index (cookies of one millisecond). */
export function byCreation(a: StoredCookie, b: StoredCookie): number {
  return a.creation - b.creation || a.creationIndex - b.creationIndex;
}

/** Cookie-header order: longest path first, then creation order. */
export function byHeaderOrder(a: StoredCookie, b: StoredCookie): number {
  return b.path.length - a.path.length || byCreation(a, b);
}

/** The flag bits of a cookie's boolean attributes and SameSite. */
export function cookieFlags(secure: boolean, httpOnly: boolean, hostOnly: boolean, partitioned: boolean, sameSite: SameSite): number {
  return (
    (secure ? SECURE : 0) |
    (httpOnly ? HTTP_ONLY : 0) |
    (hostOnly ? HOST_ONLY : 0) |
    (partitioned ? PARTITIONED : 0) |
    (sameSiteBits(sameSite) << SAME_SITE_SHIFT)
  );
}

/**
 * A cookie as a {@link CookieStore} holds it. Reads like a {@link Cookie} but is built for a jar of
 * thousands: the boolean attributes and SameSite share one small integer, and the last-access time
 * takes no memory until the cookie is first sent. Stores keep these objects; users only ever get
 * {@link Cookie} copies (see {@link StoredCookie.toCookie}), so a stored cookie never changes its
 * name, value, domain or path after it is stored (replacing a cookie stores a new object).
 */
export class StoredCookie {
  // The fields a Cookie-header lookup reads come first, so that they share a cache line.
  /** Expiry time (ms since the epoch); undefined for a session cookie. */
  expires: number | undefined;
  /** See `cookieFlags`. */
  readonly flags: number;
  /** The Cookie-header pair, built by the first lookup that sends the cookie. */
  headerPair: string | undefined = undefined;
  /** undefined until the cookie is first sent (or replaced): last access is then its creation. */
  private accessed: number | undefined = undefined;
  name: string;
  value: string;
  domain: string;
  path: string;
  readonly creation: number;
  /** Tie-break of equal creation times; larger is newer. */
  readonly creationIndex: number;

  constructor(
    name: string,
    value: string,
    domain: string,
    path: string,
    expires: number | undefined,
    flags: number,
    creation: number,
    creationIndex: number,
  ) {
    this.expires = expires;
    this.flags = flags;
    this.name = name;
    this.value = value;
    this.domain = domain;
    this.path = path;
    this.creation = creation;
    this.creationIndex = creationIndex;
  }

  static fromInit(init: CookieInit, creationIndex: number): StoredCookie {
    const c = new StoredCookie(
      init.name,
      init.value,
      init.domain,
      init.path,
      init.expires,
      cookieFlags(init.secure ?? false, init.httpOnly ?? false, init.hostOnly ?? true, init.partitioned ?? false, init.sameSite ?? 'default'),
      init.creation,
      creationIndex,
    );
    if (init.lastAccess !== undefined && init.lastAccess !== init.creation) c.lastAccess = init.lastAccess;
    return c;
  }

  get secure(): boolean {
    return (this.flags & SECURE) !== 0;
  }

  get httpOnly(): boolean {
    return (this.flags & HTTP_ONLY) !== 0;
  }

  get hostOnly(): boolean {
    return (this.flags & HOST_ONLY) !== 0;
  }

  get partitioned(): boolean {
    return (this.flags & PARTITIONED) !== 0;
  }

  get sameSite(): SameSite {
    return SAME_SITES[(this.flags >>> SAME_SITE_SHIFT) & 3]!;
  }

  get lastAccess(): number {
    return this.accessed ?? this.creation;
  }

  set lastAccess(time: number) {
    this.accessed = time;
  }

  /** True when the cookie has expired at `now`. */
  isExpired(now: number): boolean {
    return this.expires !== undefined && this.expires <= now;
  }

  /** The `name=value` pair for a Cookie header (just the value for a nameless cookie), memoized. */
  cookiePair(): string {
    return (this.headerPair ??= this.name === '' ? this.value : `${this.name}=${this.value}`);
  }

  /** `<Cookie name=•••• for domain/path>`, as {@link Cookie.toString}. */
  toString(): string {
    return describeCookie(this);
  }

  [INSPECT](): string {
    return describeCookie(this);
  }

  /** A public copy. */
  toCookie(): Cookie {
    return new Cookie({
      name: this.name,
      value: this.value,
      domain: this.domain,
      path: this.path,
      expires: this.expires,
      secure: this.secure,
      httpOnly: this.httpOnly,
      sameSite: this.sameSite,
      hostOnly: this.hostOnly,
      partitioned: this.partitioned,
      creation: this.creation,
      lastAccess: this.lastAccess,
      creationIndex: this.creationIndex,
    });
  }
}
