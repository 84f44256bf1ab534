// The session file holds the cookie jar's own versioned JSON (`CookieJar#toJSON()`): every cookie
// keeps its domain, path and host-only flag, so a loaded cookie goes only where it went before.
import { CookieJar, type SerializedJar } from '../cookies/index.js';

/** One cookie as the merge sees it: identity plus the whole serialized record. */
export interface CookieRecord {
  key: string;
  /** What decides whether a cookie changed (lastAccess excluded: it moves on every request). */
  fingerprint: string;
  raw: Record<string, unknown>;
}

/** The jar's JSON form. */
export function jarToJSON(jar: CookieJar): SerializedJar {
  return jar.toJSON();
}

/**
 * The cookies of a serialized jar, keyed by name, domain, host-only flag and path (a cookie's
 * identity, RFC 6265bis 5.7): a host-only and a Domain cookie of one name are two cookies.
 */
export function cookieRecords(json: unknown): CookieRecord[] {
  const list = isRecord(json) && Array.isArray(json.cookies) ? json.cookies as unknown[] : [];
  const out: CookieRecord[] = [];
  for (const raw of list) {
    if (!isRecord(raw)) continue;
    const key = `${String(raw.name)}\u0000${String(raw.domain)}\u0000${String(raw.path)}\u0000${raw.hostOnly === false ? 'domain' : 'host'}`;
    const { lastAccess: _ignored, ...rest } = raw;
    out.push({ key, fingerprint: JSON.stringify(rest), raw });
  }
  return out;
}

/** A serialized jar like `template` (the current jar's JSON) holding `cookies`. */
export function withCookies(template: unknown, cookies: Record<string, unknown>[]): unknown {
  return isRecord(template) ? { ...template, cookies } : cookies;
}

/** A jar holding the cookies of `json` (`CookieJar.fromJSON` checks the jar's schema); empty for none. */
export function jarFromJSON(json: unknown): CookieJar {
  if (json === null || json === undefined) return new CookieJar();
  return CookieJar.fromJSON(json);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
