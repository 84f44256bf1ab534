import { sameAuthOrigin, toAuthScheme, type AuthInit, type AuthScheme } from '../auth/scheme.js';
import { ContextKey } from '../core/context.js';
import { log } from '../core/log/index.js';
import type { PreparedRequest } from '../core/request.js';
import type { Stage } from '../core/pipeline.js';

/** The request's auth scheme, set by the session (or a token login) for the auth stage. */
export const AUTH = new ContextKey<AuthScheme>('auth');

/** Set once a hop answered a 401 challenge: a scheme answers at most one per hop. */
const CHALLENGED = new ContextKey<true>('authChallenged', { hop: true });

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

/** The origin a session-level scheme is bound to, if any (for `session.explain`). */
export function boundOrigin(scheme: AuthScheme): URL | undefined {
  return BOUND_ORIGIN.get(scheme);
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
  const scheme = req.context.get(AUTH);
  if (!scheme || !mayApply(scheme, req)) return next(req);
  await scheme.apply(req);
  const res = await next(req);
  if (res.status !== 401 || !scheme.challenge || req.context.has(CHALLENGED)) return res;
  if (!(await scheme.challenge(res, req))) return res;
  const again = req.resend();
  if (!again) return res; // the body is gone; the caller sees the 401
  req.context.set(CHALLENGED, true);
  await res.cancel();
  const answered = await next(again); // it carries the credentials `challenge` prepared
  if (answered.status === 401) log.debug('auth', `401 from ${req.url.origin} again: the answer to its challenge was refused (wrong username or password?)`, req);
  return answered;
};
