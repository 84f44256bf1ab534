import { AuthenticationError } from '../errors.js';
import { expiryOf, readTokenResponse, tokenLogin } from './token.js';
/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined for Basic. */
function formEncode(s) {
    return encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
async function tokenRequest(ctx, o, grant) {
    const url = ctx.resolve(o.tokenUrl);
    const form = { ...o.params, ...grant };
    if (o.scope !== undefined && grant.grant_type !== 'refresh_token')
        form.scope = typeof o.scope === 'string' ? o.scope : o.scope.join(' ');
    const headers = { accept: 'application/json' };
    if (o.clientSecret !== undefined && (o.clientAuth ?? 'basic') === 'basic') {
        headers.authorization = `Basic ${Buffer.from(`${formEncode(o.clientId)}:${formEncode(o.clientSecret)}`).toString('base64')}`;
    }
    else {
        form.client_id = o.clientId;
        if (o.clientSecret !== undefined)
            form.client_secret = o.clientSecret;
    }
    const res = await ctx.session.post(url, { form, headers, throwHttpErrors: false, auth: null });
    const body = await readTokenResponse(res, 'POST', (b) => b.access_token);
    const type = body.token_type;
    if (typeof type === 'string' && type.toLowerCase() !== 'bearer') {
        throw new AuthenticationError(`unsupported token_type ${JSON.stringify(type)} (only Bearer is)`, { method: 'POST', url, status: res.status });
    }
    const expiresAt = expiryOf(body.token, body.expires_in);
    return {
        accessToken: body.token,
        ...(typeof body.refresh_token === 'string' && body.refresh_token && { refreshToken: body.refresh_token }),
        ...(expiresAt !== undefined && { expiresAt }),
    };
}
/** The access token goes to the given origins, else the `baseUrl` origin, else the token endpoint's. */
function apiOrigins(ctx, o) {
    if (o.origins)
        return new Set(o.origins.map((x) => new URL(x).origin));
    const base = ctx.session.config.baseUrl;
    return new Set([base !== undefined ? new URL(String(base)).origin : ctx.resolve(o.tokenUrl).origin]);
}
function grantLogin(o, obtain, initialRefreshToken) {
    const { relogin, replayUnsafe, isLoggedOut, origins } = o;
    return tokenLogin({
        kind: 'oauth2',
        url: o.tokenUrl,
        ...(o.refreshBeforeSeconds !== undefined && { refreshBeforeSeconds: o.refreshBeforeSeconds }),
        ...(initialRefreshToken !== undefined && { initialRefreshToken }),
        origins: (ctx) => apiOrigins(ctx, o),
        ...(obtain && { obtain }),
        refresh: (ctx, rt) => tokenRequest(ctx, o, { grant_type: 'refresh_token', refresh_token: rt }),
    }, { relogin, replayUnsafe, isLoggedOut, origins });
}
/**
 * OAuth 2 client credentials grant (RFC 6749 §4.4): the client logs in as itself. A new token is
 * requested shortly before the old one expires and after a 401.
 *
 * @example
 * ```ts
 * import { Session, clientCredentials } from 'sessio';
 * const s = new Session({
 *   baseUrl: 'https://api.example.com',
 *   login: clientCredentials({ tokenUrl: 'https://auth.example.com/oauth/token', clientId: 'app', clientSecret: 's3cret', scope: 'read' }),
 * });
 * await s.get('/things');
 * ```
 */
export function clientCredentials(options) {
    return grantLogin(options, (ctx) => tokenRequest(ctx, options, { grant_type: 'client_credentials' }));
}
/**
 * OAuth 2 resource owner password grant (RFC 6749 §4.3), for first-party clients of legacy servers;
 * the refresh token it returns is used when the access token expires.
 *
 * @example
 * ```ts
 * import { Session, passwordGrant } from 'sessio';
 * const s = new Session({
 *   baseUrl: 'http://127.0.0.1:8080',
 *   login: passwordGrant({ tokenUrl: '/oauth/token', clientId: 'app', clientSecret: 's3cret', username: 'alice', password: 'secret' }),
 * });
 * ```
 */
export function passwordGrant(options) {
    return grantLogin(options, (ctx) => tokenRequest(ctx, options, { grant_type: 'password', username: options.username, password: options.password }));
}
/**
 * OAuth 2 refresh token grant (RFC 6749 §6): starts from a refresh token you already hold and keeps
 * the rotated ones. When the server refuses it, the error says so: there are no credentials to fall back on.
 *
 * @example
 * ```ts
 * import { Session, refreshTokenGrant } from 'sessio';
 * const s = new Session({
 *   baseUrl: 'https://api.example.com',
 *   login: refreshTokenGrant({ tokenUrl: 'https://auth.example.com/oauth/token', clientId: 'cli', refreshToken: stored }),
 * });
 * ```
 */
export function refreshTokenGrant(options) {
    return grantLogin(options, undefined, options.refreshToken);
}
