import { ContextKey } from '../../core/context.js';
import { WITHHELD_COOKIES } from '../../stages/cookies.js';
import type { LoginCoordinator } from './coordinator.js';
import { isHtmlLoginPage, looksLoggedOut, refusedBeforeApplication } from './detect.js';
import { bearerError } from './bearer-error.js';
import type { Stage } from '../../core/pipeline.js';
import type { PreparedRequest } from '../../core/request.js';
import { Headers } from '../../core/headers.js';
import { Response } from '../../core/response.js';
import { AuthenticationError } from '../../core/errors.js';

/** Methods replayed after a re-login without asking: safe or idempotent (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** Set once the call was replayed after a re-login: it is replayed at most once. */
const RELOGGED = new ContextKey<true>('relogged');
/** How many logins had started when the call was sent: a response to an older login's session is stale. */
const STARTED = new ContextKey<number>('loginsStartedBefore');

async function isLoggedOut(c: LoginCoordinator, res: Response, req: PreparedRequest, startedAtSend: number): Promise<boolean> {
  if (looksLoggedOut(res, c.strategy.loginUrl(c.context))) return true;
  // Whatever was asked for: a login page answering a request sent before the current login began
  // belongs to the expired session.
  if (c.started !== startedAtSend && isHtmlLoginPage(res)) return true;
  const custom = c.strategy.options.isLoggedOut;
  return custom ? await custom(res, req) : false;
}

/**
 * Whether the request may be sent again after a re-login. Idempotent methods always; others on opt-in
 * (`replayUnsafe`), or when the server's security layer refused them before its application ran (a
 * CSRF profile that says so, such as Spring's: 401, a redirect to the login page, an expired-session
 * answer, a CSRF refusal), since the request was then never executed.
 */
function replayable(c: LoginCoordinator, req: PreparedRequest, res: Response): boolean {
  if (req.body && req.body.replay === undefined) return false;
  if (IDEMPOTENT.has(req.method) || c.strategy.options.replayUnsafe) return true;
  return c.refusesBeforeApplication && (refusedBeforeApplication(res, c.strategy.loginUrl(c.context)) || c.isCsrfRefusal(res));
}

/**
 * Re-login (per request, around the redirect chain): logs in first for logins that need a token,
 * adds the login's credentials, and when the response shows the session has expired, waits for the
 * one shared re-login and replays the request once.
 */
export function reloginStage(c: LoginCoordinator): Stage {
  return async (req, next) => {
    if (!c.covers(req.originalUrl)) return next(req);
    if (c.strategy.withheldCookies) req.context.set(WITHHELD_COOKIES, c.strategy.withheldCookies);
    // A request sent in the middle of a login would carry a half-made session.
    await c.idle();
    if (c.strategy.eager && !c.loggedIn) await c.login();
    const seen = c.generation;
    const startedAtSend = c.started;
    req.context.set(STARTED, startedAtSend);
    // The login's credentials go on a copy: the replay starts again from the request as it came.
    const sent = req.nextHop();
    await c.strategy.authorize?.(sent, c.context);
    const res = await next(sent);
    if (c.strategy.authorize) await refuseInsufficientScope(res, req);
    if (req.context.has(RELOGGED) || c.strategy.options.relogin === false) return res;
    if (!(await isLoggedOut(c, res, sent, startedAtSend)) || !replayable(c, req, res)) return res;
    await res.cancel();
    await c.renew(seen);
    const again = req.resend()!;
    req.context.set(RELOGGED, true);
    req.context.set(STARTED, c.started);
    await c.strategy.authorize?.(again, c.context);
    return next(again);
  };
}

/**
 * A token login's request refused for `insufficient_scope` (RFC 6750 §3.1; Spring's
 * BearerTokenAccessDeniedHandler): a fresh token would have the same scopes, so nothing is retried.
 */
async function refuseInsufficientScope(res: Response, req: PreparedRequest): Promise<void> {
  if (res.status !== 403 && res.status !== 401) return;
  const e = bearerError(res.headers.getAll('www-authenticate'));
  if (e?.error !== 'insufficient_scope') return;
  await res.cancel();
  const what = e.scope ? `the scope ${e.scope}` : 'a scope it does not have';
  throw new AuthenticationError(`the access token lacks ${what}${e.description ? ` (${e.description})` : ''}`, { method: req.method, url: req.url, status: res.status, accessDenied: true });
}

/** The same response with only the Set-Cookie fields `keep` accepts. */
async function filterCookies(res: Response, keep: (setCookie: string) => boolean): Promise<Response> {
  const fields: Record<string, string | string[] | undefined> = res.headers.toJSON();
  const kept = res.headers.getSetCookie().filter(keep);
  if (kept.length) fields['set-cookie'] = kept;
  else delete fields['set-cookie'];
  const body = res.body ? { stream: res.body } : { bytes: await res.bytes() };
  const copy = new Response({ status: res.status, statusText: res.statusText, url: res.url, headers: new Headers(fields), elapsed: res.elapsed, request: res.request, ...body });
  copy.history = res.history;
  return copy;
}

/** The cookie name of a Set-Cookie line (as the jar would store it: trimmed, up to the first `=`). */
function cookieName(setCookie: string): string {
  const semi = setCookie.indexOf(';');
  const pair = semi < 0 ? setCookie : setCookie.slice(0, semi);
  const eq = pair.indexOf('=');
  return (eq < 0 ? '' : pair.slice(0, eq)).trim();
}

/**
 * Per hop, just above the transport (below the cookie stage): a response to a request sent before a
 * login started belongs to the session generation that login replaces. On every hop of its redirect
 * chain it may add cookies but never replace or delete one the jar holds for the hop's URL, so that
 * servers that open a new session for every anonymous request (a redirect to the login page, the login
 * page itself) cannot undo the login from under it, whatever the request's Accept.
 */
export function staleCookieGuard(c: LoginCoordinator): Stage {
  return async (req, next) => {
    const res = await next(req);
    const before = req.context.get(STARTED);
    if (before === undefined || c.started === before || !res.headers.has('set-cookie')) return res;
    const held = new Set(c.context.session.cookies.getCookies(req.url).map((cookie) => cookie.name));
    return filterCookies(res, (line) => !held.has(cookieName(line)));
  };
}
