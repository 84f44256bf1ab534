// Bridges the session file and whichever CookieJar src/jar.ts exports: the RFC 6265bis jar
// (`toJSON()` / static `fromJSON()` with its own versioned schema) or the temporary simple jar
// (an array of host-only cookies, no `fromJSON`). Either way a cookie keeps the domain it came from.
import { CookieJar } from '../jar.js';

/** One cookie as the merge sees it: identity plus the whole serialized record. */
export interface CookieRecord {
  key: string;
  /** What decides whether a cookie changed (lastAccess excluded: it moves on every request). */
  fingerprint: string;
  raw: Record<string, unknown>;
}

interface JarStatics {
  fromJSON?: (json: unknown) => CookieJar;
}

/** The jar's JSON form, whatever the jar. */
export function jarToJSON(jar: CookieJar): unknown {
  return (jar as unknown as { toJSON(): unknown }).toJSON();
}

/** The cookies of a serialized jar (either shape), keyed by name, domain and path. */
export function cookieRecords(json: unknown): CookieRecord[] {
  const list = Array.isArray(json) ? json : isRecord(json) && Array.isArray(json.cookies) ? json.cookies : [];
  const out: CookieRecord[] = [];
  for (const raw of list as unknown[]) {
    if (!isRecord(raw)) continue;
    const domain = String(raw.domain ?? raw.host ?? '');
    const key = `${String(raw.name)}\u0000${domain}\u0000${String(raw.path ?? '/')}`;
    const { lastAccess: _ignored, ...rest } = raw;
    out.push({ key, fingerprint: JSON.stringify(rest), raw });
  }
  return out;
}

/** A serialized jar with these cookies, in the shape of `template` (the current jar's JSON). */
export function withCookies(template: unknown, cookies: Record<string, unknown>[]): unknown {
  if (Array.isArray(template)) return cookies;
  if (isRecord(template)) return { ...template, cookies };
  return cookies;
}

/**
 * A jar holding the cookies of `json`. With the RFC 6265bis jar this is `CookieJar.fromJSON` (which
 * checks the jar schema); with the simple jar each cookie is replayed as a host-only Set-Cookie
 * received from its own host, so it is never sent anywhere else.
 */
export function jarFromJSON(json: unknown): CookieJar {
  const statics = CookieJar as unknown as JarStatics;
  if (json === null || json === undefined) return new CookieJar();
  if (typeof statics.fromJSON === 'function' && !Array.isArray(json)) return statics.fromJSON(json);
  const jar = new CookieJar();
  for (const c of cookieRecords(json)) {
    const { name, value, path } = c.raw;
    const host = String(c.raw.host ?? c.raw.domain ?? '');
    if (typeof name !== 'string' || typeof value !== 'string' || !/^[a-z0-9.:[\]-]+$/i.test(host)) continue;
    const p = typeof path === 'string' && path.startsWith('/') ? path : '/';
    jar.setCookie(`${name}=${value}; Path=${p}`, new URL(`http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}${p}`));
  }
  return jar;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
