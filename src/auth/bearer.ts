import type { AuthScheme } from './scheme.js';
import type { PreparedRequest } from '../core/request.js';
import { checkHeader } from '../core/headers.js';

/** A token, or a function that returns the current one (called for every hop, so it may rotate). */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * Bearer token authentication (RFC 6750): `Authorization: Bearer <token>` on every hop to the
 * request's origin; dropped on cross-origin redirects like any credential.
 *
 * @example
 * ```ts
 * import { Session, bearerAuth } from 'sessio';
 * const s = new Session({ auth: bearerAuth(async () => vault.currentToken()) });
 * await s.get('https://api.example.com/me');
 * ```
 */
export function bearerAuth(token: TokenSource): AuthScheme {
  return {
    async apply(req: PreparedRequest) {
      const value = `Bearer ${typeof token === 'function' ? await token() : token}`;
      checkHeader('authorization', value);
      req.headers.authorization = value;
    },
  };
}
