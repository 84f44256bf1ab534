import type { EncodedBody } from '../../core/body.js';
import type { RequestHeaders } from '../../core/headers.js';
import type { LoginCoordinator } from './coordinator.js';
import { looksLoggedOut } from './detect.js';
import { currentScope } from './scope.js';
import type { Stage } from '../../core/pipeline.js';
import type { PreparedRequest } from '../../core/request.js';
import { Headers } from '../../core/headers.js';
import { Response } from '../../core/response.js';

/** Methods replayed after a re-login without asking: safe or idempotent (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

const RELOGGED = 'relogged';
const STARTED = 'loginsStartedBefore';

interface Saved {
  method: string;
  url: URL;
  headers: RequestHeaders;
  body: EncodedBody | undefined;
}

function save(req: PreparedRequest): Saved {
  return { method: req.method, url: req.url, headers: { ...req.headers }, body: req.body };
}

/** Puts the request back as it was before the redirect chain changed it. */
function restore(req: PreparedRequest, saved: Saved): void {
  req.method = saved.method;
  req.url = saved.url;
  for (const k of Object.keys(req.headers)) delete req.headers[k];
  Object.assign(req.headers, saved.headers);
  req.body = saved.body?.replay?.();
  delete req.context.authChallenged;
}

async function isLoggedOut(c: LoginCoordinator, res: Response, req: PreparedRequest): Promise<boolean> {
  if (looksLoggedOut(res, req, c.strategy.loginUrl(c.context))) return true;
  const custom = c.strategy.options.isLoggedOut;
  return custom ? await custom(res, req) : false;
}

function replayable(c: LoginCoordinator, saved: Saved): boolean {
  if (!IDEMPOTENT.has(saved.method) && !c.strategy.options.replayUnsafe) return false;
  return !saved.body || saved.body.replay !== undefined;
}

/**
 * Re-login (per request, around the redirect chain): logs in first for logins that need a token,
 * adds the login's credentials, and when the response shows the session has expired, waits for the
 * one shared re-login and replays the request once.
 */
export function reloginStage(c: LoginCoordinator): Stage {
  return async (req, next) => {
    if (currentScope() || !c.covers(req.originalUrl)) return next(req);
    // A request sent in the middle of a login would carry a half-made session.
    await c.idle();
    if (c.strategy.eager && !c.loggedIn) await c.login();
    const seen = c.generation;
    req.context[STARTED] = c.started;
    await c.strategy.authorize?.(req, c.context);
    const saved = save(req);
    const res = await next(req);
    if (req.context[RELOGGED] || c.strategy.options.relogin === false || !replayable(c, saved)) return res;
    if (!(await isLoggedOut(c, res, req))) return res;
    await res.cancel();
    await c.renew(seen);
    restore(req, saved);
    req.context[RELOGGED] = true;
    req.context[STARTED] = c.started;
    await c.strategy.authorize?.(req, c.context);
    return next(req);
  };
}

/** The same response without its Set-Cookie fields. */
async function withoutCookies(res: Response): Promise<Response> {
  const fields: Record<string, string | string[] | undefined> = res.headers.toJSON();
  delete fields['set-cookie'];
  const body = res.body ? { stream: res.body } : { bytes: await res.bytes() };
  const copy = new Response({ status: res.status, statusText: res.statusText, url: res.url, headers: new Headers(fields), elapsed: res.elapsed, request: res.request, ...body });
  copy.history = res.history;
  return copy;
}

/**
 * Per hop, just above the transport (below the cookie stage): a "logged out" response to a request
 * sent before a login started must not replace the session cookie the login is making or has made.
 * Servers that open a session for every request would otherwise undo the login from under it.
 */
export function staleCookieGuard(c: LoginCoordinator): Stage {
  return async (req, next) => {
    const res = await next(req);
    const before = req.context[STARTED] as number | undefined;
    if (before === undefined || c.started === before || !res.headers.has('set-cookie')) return res;
    if (!looksLoggedOut(res, req, c.strategy.loginUrl(c.context))) return res;
    return withoutCookies(res);
  };
}
