// Secret default headers (Authorization, X-Api-Key, Cookie, *-Token…) that a saved session or the CLI
// remembers are bound to the origin they were given for: they are added only to requests whose URL
// has that origin, and are never session-wide. A session file cannot make sessio send a saved secret
// to another host, whatever URL the caller uses the loaded session with.
import { checkHeader, type RequestHeaders } from '../core/headers.js';
import { isSecretHeader, isSensitive } from '../core/redact.js';

/** Whether a default header must be bound to an origin rather than sent everywhere. */
export function isOriginBoundHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return isSensitive(lower) || isSecretHeader(lower);
}

/** Default headers bound to one origin each: added only to requests whose URL has that origin. */
export class OriginHeaders {
  // Made on first use: most sessions never bind a header.
  #byOrigin: Map<string, RequestHeaders> | undefined;

  /** Binds (or with `null` unbinds) a default header to `origin` (`https://api.example.com`). */
  bind(origin: string, name: string, value: string | string[] | null): void {
    const key = new URL(origin).origin;
    const lower = name.toLowerCase();
    if (value === null) {
      const headers = this.#byOrigin?.get(key);
      if (!headers) return;
      delete headers[lower];
      if (Object.keys(headers).length === 0) this.#byOrigin!.delete(key);
      return;
    }
    for (const v of Array.isArray(value) ? value : [value]) checkHeader(lower, v);
    const byOrigin = (this.#byOrigin ??= new Map());
    let headers = byOrigin.get(key);
    if (!headers) byOrigin.set(key, (headers = Object.create(null) as RequestHeaders));
    headers[lower] = value;
  }

  /** The headers bound to `url`'s origin; undefined when there are none (the usual case, checked per request). */
  for(url: URL): Readonly<RequestHeaders> | undefined {
    return this.#byOrigin === undefined || this.#byOrigin.size === 0 ? undefined : this.#byOrigin.get(url.origin);
  }

  /** Every bound header, by origin, as saved; undefined when there are none. */
  save(): Record<string, RequestHeaders> | undefined {
    if (this.#byOrigin === undefined || this.#byOrigin.size === 0) return undefined;
    const out: Record<string, RequestHeaders> = {};
    for (const [origin, headers] of this.#byOrigin) out[origin] = { ...headers };
    return out;
  }

  /** Binds the headers of a saved value; a name or value that cannot be sent (CR/LF…) is dropped, as if not saved. */
  restore(value: unknown): void {
    for (const [origin, headers] of Object.entries(parseBound(value))) {
      for (const [name, v] of Object.entries(headers)) {
        try {
          this.bind(origin, name, v);
        } catch {
          // never sent
        }
      }
    }
  }
}

/** Header names bound anywhere in a saved value (to treat them as sensitive in the loaded session). */
export function boundNames(value: unknown): string[] {
  const names = new Set<string>();
  for (const headers of Object.values(parseBound(value))) for (const n of Object.keys(headers)) names.add(n);
  return [...names];
}

/** The origin of a key in a saved value, when it is an http(s) origin; undefined for anything else. */
export function savedOrigin(key: string): string | undefined {
  try {
    const u = new URL(key);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** A saved `originHeaders` value, validated: an origin that is not an http(s) origin is skipped. */
function parseBound(value: unknown): Record<string, RequestHeaders> {
  const out: Record<string, RequestHeaders> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [origin, headers] of Object.entries(value as Record<string, unknown>)) {
    const key = savedOrigin(origin);
    if (key === undefined) continue;
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) continue;
    const clean = Object.create(null) as RequestHeaders;
    for (const [name, v] of Object.entries(headers as Record<string, unknown>)) {
      if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) clean[name.toLowerCase()] = v as string | string[];
    }
    out[key] = { ...clean };
  }
  return out;
}
