import { describeCookie, INSPECT } from './inspect.js';

/** SameSite enforcement of a cookie; `default` when the attribute was absent or not recognised. */
export type SameSite = 'strict' | 'lax' | 'none' | 'default';

/** Fields of a stored cookie (RFC 6265bis section 5.7 storage model). Times are ms since the epoch. */
export interface CookieInit {
  name: string;
  value: string;
  domain: string;
  path: string;
  /** Expiry time; undefined for a session cookie. */
  expires?: number | undefined;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: SameSite;
  /** True when the cookie is sent only to `domain` itself (no Domain attribute). */
  hostOnly?: boolean;
  /** CHIPS `Partitioned` attribute, kept so it survives persistence. */
  partitioned?: boolean;
  creation: number;
  lastAccess?: number;
  /** Tie-break of equal creation times; larger is newer. */
  creationIndex?: number;
}

/**
 * A cookie as a {@link CookieJar} reports it. Objects returned by the jar are copies: changing one
 * does not change the jar (which stores the more compact `StoredCookie`).
 */
export class Cookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number | undefined;
  secure: boolean;
  httpOnly: boolean;
  sameSite: SameSite;
  hostOnly: boolean;
  partitioned: boolean;
  creation: number;
  lastAccess: number;
  creationIndex: number;

  constructor(init: CookieInit) {
    this.name = init.name;
    this.value = init.value;
    this.domain = init.domain;
    this.path = init.path;
    this.expires = init.expires;
    this.secure = init.secure ?? false;
    this.httpOnly = init.httpOnly ?? false;
    this.sameSite = init.sameSite ?? 'default';
    this.hostOnly = init.hostOnly ?? true;
    this.partitioned = init.partitioned ?? false;
    this.creation = init.creation;
    this.lastAccess = init.lastAccess ?? init.creation;
    this.creationIndex = init.creationIndex ?? 0;
  }

  /** True unless it is a session cookie. */
  get persistent(): boolean {
    return this.expires !== undefined;
  }

  /** True when the cookie has expired at `now`. */
  isExpired(now: number): boolean {
    return this.expires !== undefined && this.expires <= now;
  }

  /** The `name=value` pair for a Cookie header (just the value for a nameless cookie). */
  cookiePair(): string {
    return this.name === '' ? this.value : `${this.name}=${this.value}`;
  }

  /** A Set-Cookie string that recreates this cookie. */
  toSetCookieString(): string {
    let s = this.cookiePair();
    if (this.expires !== undefined) s += `; Expires=${new Date(Math.max(this.expires, 0)).toUTCString()}`;
    if (!this.hostOnly) s += `; Domain=${this.domain}`;
    s += `; Path=${this.path}`;
    if (this.secure) s += '; Secure';
    if (this.httpOnly) s += '; HttpOnly';
    if (this.sameSite !== 'default') s += `; SameSite=${this.sameSite[0]!.toUpperCase()}${this.sameSite.slice(1)}`;
    if (this.partitioned) s += '; Partitioned';
    return s;
  }

  clone(): Cookie {
    return new Cookie(this);
  }

  /** `<Cookie name=•••• for domain/path>`: the value is a credential and never shown. */
  toString(): string {
    return describeCookie(this);
  }

  [INSPECT](): string {
    return describeCookie(this);
  }
}

/** Cookie-header order: longest path first, then earliest creation. */
export function compareCookies(a: Cookie, b: Cookie): number {
  return b.path.length - a.path.length || a.creation - b.creation || a.creationIndex - b.creationIndex;
}
