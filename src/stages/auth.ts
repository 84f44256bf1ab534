import type { PreparedRequest } from '../core/request.js';
import type { Response } from '../core/response.js';
import type { Stage } from '../core/pipeline.js';

/** Username and password: HTTP Basic. */
export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * An authentication scheme. `apply` adds credentials to a hop bound for the request's own origin;
 * `challenge` may answer a 401 by preparing new credentials, and returns true to send the hop again.
 */
export interface AuthScheme {
  apply(req: PreparedRequest): void | Promise<void>;
  challenge?(res: Response, req: PreparedRequest): boolean | Promise<boolean>;
}

/** What the `auth` option takes. */
export type AuthInit = BasicCredentials | AuthScheme;

/** HTTP Basic (RFC 7617), UTF-8 encoded as browsers and requests do. */
export function basicAuth(username: string, password: string): AuthScheme {
  const value = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  return { apply: (req) => void (req.headers.authorization = value) };
}

/** Turns the `auth` option into a scheme. */
export function toAuthScheme(init: AuthInit | null | undefined): AuthScheme | undefined {
  if (!init) return undefined;
  if (typeof (init as AuthScheme).apply === 'function') return init as AuthScheme;
  const { username, password } = init as BasicCredentials;
  return basicAuth(username, password);
}

/**
 * Whether credentials given for `from` may be sent to `to`: same scheme, host and port, or the
 * same host upgraded from http:80 to https:443 (requests' should_strip_auth).
 */
export function sameAuthOrigin(from: URL, to: URL): boolean {
  if (from.origin === to.origin) return true;
  return from.hostname === to.hostname && from.protocol === 'http:' && to.protocol === 'https:' && from.port === '' && to.port === '';
}

/** Key under which the session stores the request's auth scheme in `req.context`. */
export const AUTH = 'auth';

/** The origin a session-level scheme is bound to (its `baseUrl`'s). */
const BOUND_ORIGIN = new WeakMap<AuthScheme, URL>();

/**
 * The session-level `auth` option as a scheme. With a `baseUrl`, it is bound to the baseUrl's origin:
 * requests to other absolute URLs get no session credentials (give them per request), so a session
 * made for one API cannot leak its password to a URL that came from a response or a user.
 * Without a `baseUrl`, it follows each request's own URL, as requests does.
 */
export function sessionAuthScheme(init: AuthInit | null | undefined, baseUrl: string | URL | undefined): AuthScheme | undefined {
  const scheme = toAuthScheme(init);
  if (!scheme || baseUrl === undefined) return scheme;
  // A wrapper, so that one scheme object shared with per-request use stays unbound there.
  const bound: AuthScheme = { apply: (req) => scheme.apply(req) };
  if (scheme.challenge) bound.challenge = (res, req) => scheme.challenge!(res, req);
  BOUND_ORIGIN.set(bound, new URL(String(baseUrl)));
  return bound;
}

/** Whether the scheme may credential this hop: the hop and the request's start are both on its origin. */
function mayApply(scheme: AuthScheme, req: PreparedRequest): boolean {
  const bound = BOUND_ORIGIN.get(scheme);
  if (bound && !sameAuthOrigin(bound, req.originalUrl)) return false;
  return sameAuthOrigin(req.originalUrl, req.url);
}

/**
 * Applies the request's auth scheme on every hop that goes to the origin it was given for, and lets
 * the scheme answer one 401 challenge (Digest) per hop.
 */
export const authStage: Stage = async (req, next) => {
  const scheme = req.context[AUTH] as AuthScheme | undefined;
  if (!scheme || !mayApply(scheme, req)) return next(req);
  await scheme.apply(req);
  const res = await next(req);
  if (res.status !== 401 || !scheme.challenge || req.context.authChallenged) return res;
  if (!(await scheme.challenge(res, req))) return res;
  if (req.body && !req.body.replay) return res; // the body is gone; the caller sees the 401
  req.context.authChallenged = true;
  if (req.body) req.body = req.body.replay!();
  await res.cancel();
  return next(req);
};
