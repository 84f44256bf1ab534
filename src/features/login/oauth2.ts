import { AuthenticationError } from '../../core/errors.js';
import { checkTokenOrigin, credentialRequest } from './requests.js';
import { expiryOf, readTokenResponse, tokenLogin, type TokenSet } from './token.js';
import type { LoginContext, LoginCredentials, LoginStrategy, ReloginOptions } from './types.js';

/** The client and token endpoint shared by every OAuth 2 grant. */
export interface OAuth2ClientOptions extends ReloginOptions {
  /** The token endpoint (RFC 6749 §3.2), relative to `baseUrl` or absolute. */
  tokenUrl: string | URL;
  clientId: string;
  /** Omit for public clients. */
  clientSecret?: string;
  /** How the client authenticates: HTTP Basic (`client_secret_basic`, the default) or form fields (`client_secret_post`). */
  clientAuth?: 'basic' | 'post';
  scope?: string | readonly string[];
  /** Extra form parameters of every token request (`audience`, `resource`…). */
  params?: Record<string, string>;
  /** Refresh this many seconds before the access token expires. Default 30. */
  refreshBeforeSeconds?: number;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined for Basic. */
function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

async function tokenRequest(ctx: LoginContext, o: OAuth2ClientOptions, grant: Record<string, string>): Promise<TokenSet> {
  const url = ctx.resolve(o.tokenUrl);
  const form: Record<string, string> = { ...o.params, ...grant };
  if (o.scope !== undefined && grant.grant_type !== 'refresh_token') form.scope = typeof o.scope === 'string' ? o.scope : o.scope.join(' ');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (o.clientSecret !== undefined && (o.clientAuth ?? 'basic') === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${formEncode(o.clientId)}:${formEncode(o.clientSecret)}`).toString('base64')}`;
  } else {
    form.client_id = o.clientId;
    if (o.clientSecret !== undefined) form.client_secret = o.clientSecret;
  }
  const res = await ctx.session.post(url, { ...credentialRequest(url), form, headers, auth: null });
  checkTokenOrigin(res, url, 'POST');
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
function apiOrigins(ctx: LoginContext, o: OAuth2ClientOptions): ReadonlySet<string> {
  if (o.origins) return new Set(o.origins.map((x) => new URL(x).origin));
  const base = ctx.session.baseUrl;
  return new Set([base !== undefined ? base.origin : ctx.resolve(o.tokenUrl).origin]);
}

function grantLogin(o: OAuth2ClientOptions, obtain: ((ctx: LoginContext) => Promise<TokenSet>) | undefined, initialRefreshToken?: string, user?: LoginCredentials): LoginStrategy {
  const { relogin, replayUnsafe, isLoggedOut, origins } = o;
  return tokenLogin({
    kind: 'oauth2',
    url: o.tokenUrl,
    ...(o.refreshBeforeSeconds !== undefined && { refreshBeforeSeconds: o.refreshBeforeSeconds }),
    ...(initialRefreshToken !== undefined && { initialRefreshToken }),
    origins: (ctx) => apiOrigins(ctx, o),
    credentials: () => ({ ...user, clientId: o.clientId, ...(o.clientSecret !== undefined && { clientSecret: o.clientSecret }) }),
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
export function clientCredentials(options: OAuth2ClientOptions): LoginStrategy {
  return grantLogin(options, (ctx) => tokenRequest(ctx, options, { grant_type: 'client_credentials' }));
}

/** Options of {@link passwordGrant}. */
export interface PasswordGrantOptions extends OAuth2ClientOptions {
  username: string;
  password: string;
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
export function passwordGrant(options: PasswordGrantOptions): LoginStrategy {
  return grantLogin(options, (ctx) => tokenRequest(ctx, options, { grant_type: 'password', username: options.username, password: options.password }), undefined,
    { username: options.username, password: options.password });
}

/** Options of {@link refreshTokenGrant}. */
export interface RefreshTokenGrantOptions extends OAuth2ClientOptions {
  /** A refresh token obtained elsewhere (a CLI's stored login, say). */
  refreshToken: string;
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
export function refreshTokenGrant(options: RefreshTokenGrantOptions): LoginStrategy {
  return grantLogin(options, undefined, options.refreshToken);
}
