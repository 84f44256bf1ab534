// Digest credentials that a saved session remembers (the CLI's `-A digest -a user:pass`), bound to the
// origin they were given for, as OriginHeaders binds Basic and Bearer headers: a Digest answer is
// computed per challenge, so it cannot be saved as a header.
import type { AuthScheme } from '../auth/scheme.js';
import { digestAuth } from '../auth/digest.js';
import { savedOrigin } from './origin-headers.js';

/** Credentials saved for one origin. */
export interface OriginCredentials {
  type: 'digest';
  username: string;
  password: string;
}

/** Digest credentials bound to one origin each: used for requests to that origin that bring no `auth` of their own. */
export class OriginAuth {
  // Made on first use: most sessions never bind any. The scheme is kept so that its nonce count goes on.
  #byOrigin: Map<string, { credentials: OriginCredentials; scheme: AuthScheme }> | undefined;

  /** Binds (or with `null` unbinds) credentials to `origin` (`https://api.example.com`). */
  bind(origin: string, credentials: OriginCredentials | null): void {
    const key = new URL(origin).origin;
    if (credentials === null) {
      this.#byOrigin?.delete(key);
      return;
    }
    const copy: OriginCredentials = { type: 'digest', username: credentials.username, password: credentials.password };
    (this.#byOrigin ??= new Map()).set(key, { credentials: copy, scheme: digestAuth(copy.username, copy.password) });
  }

  /** The auth scheme for `url`'s origin; undefined when none is bound (the usual case, checked per request). */
  for(url: URL): AuthScheme | undefined {
    return this.#byOrigin === undefined || this.#byOrigin.size === 0 ? undefined : this.#byOrigin.get(url.origin)?.scheme;
  }

  /** Every binding, by origin, as saved; undefined when there are none. */
  save(): Record<string, OriginCredentials> | undefined {
    if (this.#byOrigin === undefined || this.#byOrigin.size === 0) return undefined;
    const out: Record<string, OriginCredentials> = {};
    for (const [origin, { credentials }] of this.#byOrigin) out[origin] = { ...credentials };
    return out;
  }

  /** Binds the credentials of a saved value; entries of another shape, or for a non-http(s) origin, are skipped. */
  restore(value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const [origin, c] of Object.entries(value as Record<string, unknown>)) {
      const v = c as Partial<OriginCredentials> | null;
      if (typeof v !== 'object' || v === null || v.type !== 'digest' || typeof v.username !== 'string' || typeof v.password !== 'string') continue;
      const key = savedOrigin(origin);
      if (key !== undefined) this.bind(key, { type: 'digest', username: v.username, password: v.password });
    }
  }
}
