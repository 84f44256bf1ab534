import { jwtExpiry } from '../auth/jwt.js';
import { AuthenticationError } from '../errors.js';
import { checkHeader } from '../headers.js';
import { AUTH } from '../stages/auth.js';
import { withScope } from './scope.js';
/** The expiry of a token response: `expires_in` wins, else the JWT's own `exp`. */
export function expiryOf(accessToken, expiresIn, now = Date.now()) {
    const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0)
        return now + seconds * 1000;
    return jwtExpiry(accessToken);
}
/** The reason a token endpoint gives (`error_description`, `error`, `message`), never the tokens. */
export function tokenError(res) {
    try {
        const j = JSON.parse(res.peekText());
        const parts = [j.error, j.error_description ?? j.message].filter((v) => typeof v === 'string' && v);
        if (parts.length)
            return parts.join(': ').slice(0, 300);
    }
    catch { /* not JSON */ }
    return `the token endpoint answered ${res.status}`;
}
/** Reads a JSON token response; throws AuthenticationError when it is refused or has no token. */
export async function readTokenResponse(res, method, pick) {
    if (res.status >= 400)
        throw new AuthenticationError(tokenError(res), { method, url: res.url, status: res.status });
    let body;
    try {
        body = await res.json();
    }
    catch (err) {
        throw new AuthenticationError(`the token endpoint did not answer JSON (status ${res.status})`, { method, url: res.url, status: res.status, cause: err });
    }
    const token = pick(body);
    if (typeof token !== 'string' || !token)
        throw new AuthenticationError('the token response has no access token', { method, url: res.url, status: res.status });
    return { ...body, token };
}
/**
 * A login whose credential is a token sent in Authorization: it logs in before the first request,
 * refreshes shortly before the token expires (and on a 401), and falls back to a full login when the
 * refresh token is refused. Concurrent refreshes share one request, as refresh tokens often work once.
 * `jwtLogin` and the OAuth 2 grants are built on it; use it for a token endpoint of your own design.
 *
 * @example
 * ```ts
 * import { Session, tokenLogin } from 'sessio';
 * const login = tokenLogin({
 *   url: '/session',
 *   origins: () => new Set(['https://api.example.com']),
 *   obtain: async (ctx) => {
 *     const res = await ctx.session.post('/session', { json: { key: process.env.API_KEY } });
 *     return { accessToken: (await res.json<{ jwt: string }>()).jwt };
 *   },
 * }, {});
 * const s = new Session({ baseUrl: 'https://api.example.com', login });
 * ```
 */
export function tokenLogin(source, options) {
    let tokens;
    let renewing;
    const skew = (source.refreshBeforeSeconds ?? 30) * 1000;
    const word = source.scheme ?? 'Bearer';
    const scheme = {
        apply(req) {
            if (!tokens)
                return;
            const value = `${word} ${tokens.accessToken}`;
            checkHeader('authorization', value);
            req.headers.authorization = value;
        },
    };
    const obtain = async (ctx) => {
        if (!source.obtain)
            throw new AuthenticationError('the refresh token was refused and this login has no credentials to log in again');
        tokens = await source.obtain(ctx);
    };
    const renew = (ctx) => {
        renewing ??= withScope('login', async () => {
            const rt = tokens?.refreshToken ?? source.initialRefreshToken;
            if (rt && source.refresh) {
                try {
                    const fresh = await source.refresh(ctx, rt);
                    tokens = { ...fresh, refreshToken: fresh.refreshToken ?? rt };
                    return;
                }
                catch (err) {
                    if (!(err instanceof AuthenticationError) || !source.obtain)
                        throw err;
                }
            }
            await obtain(ctx);
        }).finally(() => {
            renewing = undefined;
        });
        return renewing;
    };
    return {
        kind: source.kind ?? 'token',
        eager: true,
        options,
        loginUrl: (ctx) => ctx.resolve(source.url),
        origins: (ctx) => source.origins(ctx),
        login: (ctx) => (source.obtain ? obtain(ctx) : renew(ctx)),
        renew,
        async authorize(req, ctx) {
            if (tokens?.expiresAt !== undefined && tokens.expiresAt - skew <= Date.now())
                await renew(ctx);
            // A scheme the caller chose for this request wins over the login's token.
            req.context[AUTH] ??= scheme;
        },
        async logout(ctx) {
            const held = tokens;
            tokens = undefined;
            await source.logout?.(ctx, held);
        },
    };
}
