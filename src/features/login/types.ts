import type { PreparedRequest } from '../../core/request.js';
import type { Response } from '../../core/response.js';
import type { SessionPort } from '../port.js';

/** What a login strategy gets to work with. */
export interface LoginContext {
  /**
   * The session, as features see it: requests sent through it (`ctx.session.post(...)`) run below the
   * caller's hooks, retries and automatic re-login, so a login never waits on itself. Send a login's
   * requests through it, not through the `Session` object, which would wait for the login to finish.
   */
  readonly session: SessionPort;
  /** Resolves a URL against the session's `baseUrl`. */
  resolve(url: string | URL): URL;
  /**
   * Renews through the session's login coordinator (one renewal at a time; one per fleet with a
   * shared session): a refresh before expiry goes through it, so a refresh token is used once.
   */
  renew?(): Promise<void>;
}

/** Options every login shares: how expiry is recognised and what is replayed. */
export interface ReloginOptions {
  /** Log in again automatically when a response shows the session has expired. Default true. */
  relogin?: boolean;
  /**
   * Replay requests with unsafe, non-idempotent methods (POST, PATCH) after a re-login too. Default
   * false: GET, HEAD, OPTIONS, TRACE, PUT and DELETE are replayed, others give the caller the response.
   */
  replayUnsafe?: boolean;
  /** An extra test for "no longer logged in", on top of 401, a redirect to the login page and the rest. */
  isLoggedOut?: (res: Response, req: PreparedRequest) => boolean | Promise<boolean>;
  /** Origins the login is good for (default: the `baseUrl` origin and the login URL's origin). */
  origins?: readonly string[];
}

/**
 * A way of logging in. `formLogin`, `jwtLogin` and the OAuth 2 grants make these; you can write your own.
 */
export interface LoginStrategy {
  /** What kind of login this is, for log lines: `form`, `jwt`, `oauth2`… */
  readonly kind?: string;
  /** Logs in; throws `AuthenticationError` with the server's reason when refused. */
  login(ctx: LoginContext): Promise<void>;
  /** Gets fresh credentials after expiry when there is a cheaper way than `login` (a refresh token). */
  renew?(ctx: LoginContext): Promise<void>;
  /** Logs out on the server, if the login has a way to. */
  logout?(ctx: LoginContext): Promise<void>;
  /** Adds the login's credentials to a request for one of its origins (token logins). */
  authorize?(req: PreparedRequest, ctx: LoginContext): void | Promise<void>;
  /** The login page or token endpoint (a response redirected there means "logged out"). */
  loginUrl(ctx: LoginContext): URL;
  /** Origins the login covers; the default is the `baseUrl` origin and the login URL's origin. */
  origins(ctx: LoginContext): ReadonlySet<string>;
  /**
   * The tokens a saved session keeps (token logins). Cookie-based logins have none: their state is
   * the session cookie, saved with the jar.
   */
  exportTokens?(): TokenSet | undefined;
  /** Takes tokens from a saved session, so no login is needed until they expire. */
  importTokens?(tokens: TokenSet): void;
  /** The secrets of the login, written only when the caller opts in (`save(path, { includeCredentials: true })`). */
  credentials?(): LoginCredentials;
  /** Cookies the caller's requests must not carry, only the login's own (a remember-me cookie). */
  readonly withheldCookies?: ReadonlySet<string>;
  /** Log in before the first request rather than when a response asks for it (token logins need a token). */
  readonly eager: boolean;
  readonly options: ReloginOptions;
}

/** A login's secrets, as saved on opt-in. */
export interface LoginCredentials {
  username?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Milliseconds since the epoch; from `expires_in` or the JWT's `exp`. */
  expiresAt?: number;
}
