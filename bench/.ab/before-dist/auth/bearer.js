import { checkHeader } from '../headers.js';
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
export function bearerAuth(token) {
    return {
        async apply(req) {
            const value = `Bearer ${typeof token === 'function' ? await token() : token}`;
            checkHeader('authorization', value);
            req.headers.authorization = value;
        },
    };
}
