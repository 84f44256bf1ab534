import { jwtExpiry } from '../../auth/jwt.js';
import { AuthenticationError } from '../../core/errors.js';
import { checkHeader } from '../../core/headers.js';
import type { PreparedRequest } from '../../core/request.js';
import type { Response } from '../../core/response.js';
import type { AuthScheme } from '../../auth/scheme.js';
import { AUTH } from '../../stages/auth.js';
import type { LoginContext, LoginCredentials, LoginStrategy, ReloginOptions, TokenSet } from './types.js';

export type { TokenSet } from './types.js';

/** Tokens a token login holds. */
/** How a token login gets its tokens; {@link tokenLogin} does the rest. */
export interface TokenGrant {
  /** For log lines: `jwt`, `oauth2`… */
  kind?: string;
  /** Gets tokens with the login's credentials; undefined when it has none (a bare refresh token). */
  obtain?(ctx: LoginContext): Promise<TokenSet>;
  /** Trades a refresh token for new tokens. */
  refresh?(ctx: LoginContext, refreshToken: string): Promise<TokenSet>;
  /** The first refresh token, for logins that start from one. */
  initialRefreshToken?: string;
  /** The token endpoint: a redirect there means "logged out", and it never gets the token attached. */
  url: string | URL;
  /** Authorization scheme word. Default `Bearer`. */
  scheme?: string;
  /** Refresh this many seconds before the token expires. Default 30. */
  refreshBeforeSeconds?: number;
  /** Called by `logout()` with the tokens, before they are forgotten (token revocation). */
  logout?(ctx: LoginContext, tokens: TokenSet | undefined): Promise<void>;
  /** The origins the access token is sent to. */
  origins(ctx: LoginContext): ReadonlySet<string>;
  /** The login's secrets, saved with the session only on opt-in. */
  credentials?(): LoginCredentials;
}

/** The expiry of a token response: `expires_in` wins, else the JWT's own `exp`. */
export function expiryOf(accessToken: string, expiresIn: unknown, now = Date.now()): number | undefined {
  const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) return now + seconds * 1000;
  return jwtExpiry(accessToken);
}

/** The reason a token endpoint gives (`error_description`, `error`, `message`), never the tokens. */
export function tokenError(res: Response): string {
  try {
    const j = JSON.parse(res.peekText()) as Record<string, unknown>;
    const parts = [j.error, j.error_description ?? j.message].filter((v) => typeof v === 'string' && v);
    if (parts.length) return parts.join(': ').slice(0, 300);
  } catch { /* not JSON */ }
  return `the token endpoint answered ${res.status}`;
}

/** Reads a JSON token response; throws AuthenticationError when it is refused or has no token. */
export async function readTokenResponse(res: Response, method: string, pick: (body: Record<string, unknown>) => unknown): Promise<Record<string, unknown> & { token: string }> {
  if (res.status >= 400) throw new AuthenticationError(tokenError(res), { method, url: res.url, status: res.status });
  let body: Record<string, unknown>;
  try {
    body = await res.json<Record<string, unknown>>();
  } catch (err) {
    throw new AuthenticationError(`the token endpoint did not answer JSON (status ${res.status})`, { method, url: res.url, status: res.status, cause: err });
  }
  const token = pick(body);
  if (typeof token !== 'string' || !token) throw new AuthenticationError('the token response has no access token', { method, url: res.url, status: res.status });
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
export function tokenLogin(source: TokenGrant, options: ReloginOptions): LoginStrategy {
  let tokens: TokenSet | undefined;
  let renewing: Promise<void> | undefined;
  const skew = (source.refreshBeforeSeconds ?? 30) * 1000;
  const word = source.scheme ?? 'Bearer';
  const scheme: AuthScheme = {
    apply(req: PreparedRequest) {
      if (!tokens) return;
      const value = `${word} ${tokens.accessToken}`;
      checkHeader('authorization', value);
      req.headers.authorization = value;
    },
  };

  const obtain = async (ctx: LoginContext): Promise<void> => {
    if (!source.obtain) throw new AuthenticationError('the refresh token was refused and this login has no credentials to log in again');
    tokens = await source.obtain(ctx);
  };
  const renew = (ctx: LoginContext): Promise<void> => {
    renewing ??= (async () => {
      const rt = tokens?.refreshToken ?? source.initialRefreshToken;
      if (rt && source.refresh) {
        try {
          const fresh = await source.refresh(ctx, rt);
          tokens = { ...fresh, refreshToken: fresh.refreshToken ?? rt };
          return;
        } catch (err) {
          if (!(err instanceof AuthenticationError) || !source.obtain) throw err;
        }
      }
      await obtain(ctx);
    })().finally(() => {
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
    ...(source.credentials && { credentials: source.credentials }),
    exportTokens: () => tokens && { ...tokens },
    importTokens(saved) {
      tokens = { ...saved };
    },
    login: (ctx) => (source.obtain ? obtain(ctx) : renew(ctx)),
    renew,
    async authorize(req: PreparedRequest, ctx: LoginContext) {
      if (tokens?.expiresAt !== undefined && tokens.expiresAt - skew <= Date.now()) await (ctx.renew ? ctx.renew() : renew(ctx));
      // A scheme the caller chose for this request wins over the login's token.
      if (!req.context.has(AUTH)) req.context.set(AUTH, scheme);
    },
    async logout(ctx) {
      const held = tokens;
      tokens = undefined;
      await source.logout?.(ctx, held);
    },
  };
}
