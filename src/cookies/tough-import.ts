// Migration from tough-cookie: reads the object of its CookieJar#serializeSync()/toJSON().
import type { CookieInit, SameSite } from './cookie.js';
import { CookieJarError } from './errors.js';
import { lowerCaseAsciiDomain } from './domain.js';

function importError(message: string): CookieJarError {
  return new CookieJarError('ERR_COOKIE_IMPORT', `tough-cookie import: ${message}`);
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function time(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v !== 'Infinity') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

function sameSite(v: unknown): SameSite {
  return v === 'strict' || v === 'lax' || v === 'none' ? v : 'default';
}

/**
 * Converts tough-cookie's serialized jar into cookie fields. tough-cookie counts Max-Age from the
 * last access; here it counts from creation, as RFC 6265bis does. Expires "Infinity" is a session cookie.
 */
export function parseToughCookieJson(json: unknown, now: number): CookieInit[] {
  let data = json;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      throw importError('not valid JSON');
    }
  }
  if (typeof data !== 'object' || data === null) throw importError('not an object');
  const cookies = own(data as Record<string, unknown>, 'cookies');
  if (!Array.isArray(cookies)) throw importError('"cookies" is not an array');
  const out: CookieInit[] = [];
  for (const raw of cookies) {
    if (typeof raw !== 'object' || raw === null) continue;
    const r = raw as Record<string, unknown>;
    const creation = time(own(r, 'creation')) ?? now;
    const maxAge = own(r, 'maxAge');
    let expires: number | undefined;
    if (typeof maxAge === 'number') expires = maxAge <= 0 ? Number.MIN_SAFE_INTEGER : creation + maxAge * 1000;
    else if (maxAge === '-Infinity') expires = Number.MIN_SAFE_INTEGER;
    else if (maxAge === undefined || maxAge === null) expires = time(own(r, 'expires'));
    const domain = own(r, 'domain');
    const path = own(r, 'path');
    out.push({
      name: own(r, 'key') === undefined ? '' : (own(r, 'key') as string),
      value: own(r, 'value') === undefined ? '' : (own(r, 'value') as string),
      domain: typeof domain === 'string' ? lowerCaseAsciiDomain(domain.replace(/^\./, '')) : (domain as string),
      path: path === undefined || path === null ? '/' : (path as string),
      expires,
      secure: own(r, 'secure') === true,
      httpOnly: own(r, 'httpOnly') === true,
      // tough-cookie domain-matches a cookie whose hostOnly is missing or null, as a Domain cookie.
      hostOnly: own(r, 'hostOnly') === true,
      sameSite: sameSite(own(r, 'sameSite')),
      creation,
      lastAccess: time(own(r, 'lastAccessed')) ?? creation,
    });
  }
  return out;
}
