import type { PreparedRequest } from '../core/request.js';
import type { Response } from '../core/response.js';

/** A session id a server handed out in a header, and the header it goes back in. */
export interface HeaderSession {
  header: string;
  id: string;
}

// Spring Session ids are UUIDs (or base64 of them); a Digest `Authentication-Info` (nextnonce="…",
// rspauth="…") has quotes and commas, and is not a session id.
const SESSION_ID = /^[A-Za-z0-9._~+/-]{8,512}={0,2}$/;

/**
 * Sessions whose id travels in a header instead of a cookie: Spring Session's
 * HeaderHttpSessionIdResolver sets `X-Auth-Token` (or `Authentication-Info`) on the response that
 * creates a session and a blank value on the one that ends it, and reads the same header on requests.
 * One id per origin, sent back to that origin only.
 */
export class HeaderSessions {
  readonly #names: readonly string[];
  readonly #ids = new Map<string, HeaderSession>();

  constructor(names: readonly string[]) {
    this.#names = names.map((n) => n.toLowerCase());
  }

  /** The id known for `origin`. */
  get(origin: string): HeaderSession | undefined {
    return this.#ids.get(origin);
  }

  /** Whether a request to `url` would carry a session header. */
  applies(url: URL): boolean {
    return this.#ids.has(url.origin);
  }

  /** Adds the origin's session header, unless the caller set that header. */
  apply(req: PreparedRequest): void {
    const s = this.#ids.get(req.url.origin);
    if (s && req.headers[s.header] === undefined) req.headers[s.header] = s.id;
  }

  /** Takes the id a response sets; a blank value ends the origin's session. */
  learn(url: URL, res: Response): void {
    for (const header of this.#names) {
      const value = res.headers.get(header);
      if (value === null) continue;
      const id = value.trim();
      if (id === '') {
        if (this.#ids.get(url.origin)?.header === header) this.#ids.delete(url.origin);
      } else if (SESSION_ID.test(id)) {
        this.#ids.set(url.origin, { header, id });
      }
    }
  }

  clear(): void {
    this.#ids.clear();
  }

  /** The ids a saved session keeps, by origin; undefined when there are none. */
  exportState(): Record<string, HeaderSession> | undefined {
    return this.#ids.size ? Object.fromEntries(this.#ids) : undefined;
  }

  /** Restores saved ids: only for this profile's headers, only well-formed ids and origins. */
  importState(value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const [origin, raw] of Object.entries(value as Record<string, unknown>)) {
      const s = raw as Partial<HeaderSession> | null;
      if (typeof s?.header !== 'string' || typeof s.id !== 'string' || !this.#names.includes(s.header) || !SESSION_ID.test(s.id)) continue;
      if (isOrigin(origin)) this.#ids.set(origin, { header: s.header, id: s.id });
    }
  }
}

/** Whether `origin` is an http(s) origin written as one (`https://host:port`, nothing more). */
export function isOrigin(origin: string): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === origin;
  } catch {
    return false;
  }
}
