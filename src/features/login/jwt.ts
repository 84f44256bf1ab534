import type { RequestHeaders } from '../../core/headers.js';
import { AuthenticationError } from '../../core/errors.js';
import { defaultOrigins } from './origins.js';
import { checkTokenOrigin, credentialRequest } from './requests.js';
import { expiryOf, readTokenResponse, tokenLogin, type TokenSet } from './token.js';
import type { LoginContext, LoginStrategy, ReloginOptions } from './types.js';

/** Options of {@link jwtLogin}. */
export interface JwtLoginOptions extends ReloginOptions {
  /** The login endpoint (relative to `baseUrl`); gets a JSON POST. */
  url: string | URL;
  username?: string;
  password?: string;
  /** The JSON body to post, instead of `{ username, password }`. */
  body?: Record<string, unknown>;
  /** The username's name in the posted JSON (`email`, say). Default `username`. */
  usernameField?: string;
  /** The password's name in the posted JSON. Default `password`. */
  passwordField?: string;
  /** Dotted path of the token in the response (default: the first of `access_token`, `accessToken`, `token`, `jwt`, `id_token`). */
  tokenPath?: string;
  /** Take the token from this response header instead (a `Bearer ` prefix is removed). */
  tokenHeader?: string;
  /** Dotted path of the refresh token (default: `refresh_token` or `refreshToken`). */
  refreshTokenPath?: string;
  /** The refresh endpoint; without it a new login is made when the token expires. */
  refreshUrl?: string | URL;
  /** The refresh request's JSON body. Default `{ refresh_token }`. */
  refreshBody?: (refreshToken: string) => Record<string, unknown>;
  /** Refresh this many seconds before the JWT's `exp`. Default 30. */
  refreshBeforeSeconds?: number;
  /** The Authorization scheme. Default `Bearer`. */
  scheme?: string;
  /** Extra headers for the login and refresh requests. */
  headers?: Record<string, string>;
}

const TOKEN_PATHS = ['access_token', 'accessToken', 'token', 'jwt', 'id_token'];
const REFRESH_PATHS = ['refresh_token', 'refreshToken'];

function credentialsBody(o: JwtLoginOptions): Record<string, unknown> {
  return { [o.usernameField ?? 'username']: o.username, [o.passwordField ?? 'password']: o.password };
}

/** Reads `a.b.c` in a JSON value. */
export function readPath(body: unknown, path: string): unknown {
  let v: unknown = body;
  for (const key of path.split('.')) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function firstOf(body: unknown, paths: readonly string[]): unknown {
  for (const p of paths) {
    const v = readPath(body, p);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * JWT login: POSTs JSON credentials, takes the token from a JSON path or a header, sends it as
 * `Authorization: Bearer` to the login's origins, and refreshes it before its `exp` (read from the
 * payload, without verifying the signature: that is the server's job) with the refresh token when the
 * server gave one, else by logging in again.
 *
 * @example
 * ```ts
 * import { Session, jwtLogin } from 'sessio';
 * const s = new Session({
 *   baseUrl: 'http://127.0.0.1:8080',
 *   login: jwtLogin({ url: '/api/auth/token', username: 'alice', password: 'secret', refreshUrl: '/api/auth/refresh' }),
 * });
 * const me = await (await s.get('/api/jwt/me')).json();
 * ```
 */
export function jwtLogin(options: JwtLoginOptions): LoginStrategy {
  const headers: RequestHeaders = { accept: 'application/json', ...options.headers };
  const toTokens = async (ctx: LoginContext, url: URL, json: Record<string, unknown>): Promise<TokenSet> => {
    const res = await ctx.session.post(url, { ...credentialRequest(url), json, headers, auth: null });
    checkTokenOrigin(res, url, 'POST');
    let token: unknown;
    if (options.tokenHeader) {
      token = res.headers.get(options.tokenHeader)?.replace(/^Bearer\s+/i, '');
      if (res.status >= 400 || !token) throw new AuthenticationError(res.status >= 400 ? `the login endpoint answered ${res.status}` : `no ${options.tokenHeader} header in the login response`, { method: 'POST', url, status: res.status });
    }
    const body = await readTokenResponse(res, 'POST', (b) => token ?? (options.tokenPath ? readPath(b, options.tokenPath) : firstOf(b, TOKEN_PATHS)));
    const refresh = options.refreshTokenPath ? readPath(body, options.refreshTokenPath) : firstOf(body, REFRESH_PATHS);
    const expiresAt = expiryOf(body.token, body.expires_in ?? body.expiresIn);
    return {
      accessToken: body.token,
      ...(typeof refresh === 'string' && refresh && { refreshToken: refresh }),
      ...(expiresAt !== undefined && { expiresAt }),
    };
  };
  const { relogin, replayUnsafe, isLoggedOut, origins } = options;
  return tokenLogin({
    kind: 'jwt',
    url: options.url,
    ...(options.scheme && { scheme: options.scheme }),
    ...(options.refreshBeforeSeconds !== undefined && { refreshBeforeSeconds: options.refreshBeforeSeconds }),
    origins: (ctx) => defaultOrigins(ctx, options.url, origins),
    credentials: () => ({
      ...(options.username !== undefined && { username: options.username }),
      ...(options.password !== undefined && { password: options.password }),
    }),
    obtain: (ctx) => {
      const url = ctx.resolve(options.url);
      // Posting a username without its password would only count as a failed login (and lock accounts).
      if (!options.body && options.password === undefined) return Promise.reject(new AuthenticationError('no password to log in with', { method: 'POST', url }));
      return toTokens(ctx, url, options.body ?? credentialsBody(options));
    },
    ...(options.refreshUrl !== undefined && {
      refresh: (ctx: LoginContext, rt: string) => toTokens(ctx, ctx.resolve(options.refreshUrl!), options.refreshBody ? options.refreshBody(rt) : { refresh_token: rt }),
    }),
  }, { relogin, replayUnsafe, isLoggedOut, origins });
}
