import { RedirectError, TooManyRedirectsError } from '../core/errors.js';
import { isSecretHeader, isSensitive, redactUrl } from '../core/redact.js';
import type { RequestHeaders } from '../core/headers.js';
import { RAW_PATH } from '../core/path-as-is.js';
import type { PreparedRequest } from '../core/request.js';
import type { Hop, Response } from '../core/response.js';
import type { Stage } from '../core/pipeline.js';
import { sameAuthOrigin } from '../auth/scheme.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Called before each redirect hop is sent; it may change the next request. */
export type BeforeRedirect = (next: PreparedRequest, response: Response) => void | Promise<void>;

/**
 * The method of the next hop, as browsers do it (the Fetch standard, RFC 9110 §15.4): 303 turns
 * anything but HEAD into GET, 301 and 302 turn POST into GET; otherwise the method and its body are
 * kept (307 and 308 always keep them).
 */
export function redirectMethod(status: number, method: string): string {
  if (status === 303 && method !== 'HEAD') return 'GET';
  if ((status === 301 || status === 302) && method === 'POST') return 'GET';
  return method;
}

/** The request's headers for the next hop: without the body's when the body is dropped, without credentials across origins. */
function nextHeaders(req: PreparedRequest, url: URL, dropBody: boolean): RequestHeaders {
  const crossOrigin = !sameAuthOrigin(req.url, url);
  const out: RequestHeaders = {};
  for (const name in req.headers) {
    if (dropBody && BODY_HEADERS.has(name)) continue;
    if (crossOrigin && (isSensitive(name, req.sensitiveHeaders) || isSecretHeader(name))) continue;
    const v = req.headers[name]!;
    out[name] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

const BODY_HEADERS = new Set(['content-type', 'content-length', 'transfer-encoding']);

function nextUrl(location: string, res: Response, req: PreparedRequest): URL {
  let url: URL;
  try {
    url = new URL(location, req.url);
  } catch {
    // redactUrl cuts userinfo even from an unparsable URL (redactUrlText needs a well-formed authority).
    throw new RedirectError(`Redirect ${res.status} has an invalid Location ${JSON.stringify(redactUrl(location).slice(0, 200))}`, req.method, req.url);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RedirectError(`Refusing redirect to ${url.protocol} URL (only http and https are followed)`, req.method, req.url);
  }
  if (!url.hash && req.url.hash) url.hash = req.url.hash; // RFC 9110 §10.2.2: keep the fragment
  return url;
}

/** The next hop of the redirect `res`, made from the request the previous hop started from. */
function nextHop(req: PreparedRequest, res: Response, location: string): PreparedRequest {
  const url = nextUrl(location, res, req);
  const method = redirectMethod(res.status, req.method);
  const dropBody = method !== req.method;
  let body = dropBody ? undefined : req.body;
  if (body) {
    if (!body.replay) {
      throw new RedirectError(`Cannot follow ${res.status} to ${redactUrl(url)}: the request body was a stream and cannot be sent again; pass a string, Uint8Array, Blob or a file path instead`, req.method, req.url);
    }
    body = body.replay();
  }
  // A written path (pathAsIs) is for the URL given only: a server that tidies it and redirects to the
  // tidy URL must get that one, not the same written path again.
  req.context.delete(RAW_PATH);
  return req.nextHop({ method, url, headers: nextHeaders(req, url, dropBody), body });
}

/**
 * Follows redirects hop by hop, so that every hop goes through the stages below (cookies stored and
 * rebuilt, credentials re-applied or dropped), and records every hop in `response.history`.
 */
export function redirectStage(beforeRedirect?: BeforeRedirect): Stage {
  return async (first, next) => {
    const history: Hop[] = [];
    // Every hop is sent as a copy: the stages below add credentials, cookies and tokens to the copy,
    // and the next hop is made from `hop`, which holds only what the caller and the redirects gave.
    let hop = first;
    let res = await next(hop.nextHop());
    for (;;) {
      const location = res.headers.get('location');
      if (!hop.settings.followRedirects || !REDIRECTS.has(res.status) || location === null) break;
      history.push(res);
      // A body that was read already (the default) has nothing to cancel: no await, no tick.
      if (res.body) await res.cancel();
      if (history.length > hop.settings.maxRedirects) throw new TooManyRedirectsError(hop.settings.maxRedirects, hop.method, hop.url, history);
      hop = nextHop(hop, res, location);
      const before = beforeRedirect?.(hop, res);
      if (before) await before;
      res = await next(hop.nextHop());
    }
    res.history = history;
    return res;
  };
}
