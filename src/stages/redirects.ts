import { RedirectError, TooManyRedirectsError } from '../core/errors.js';
import { isSecretHeader, isSensitive, redactUrl } from '../core/redact.js';
import type { PreparedRequest } from '../core/request.js';
import type { Hop, Response } from '../core/response.js';
import type { Stage } from '../core/pipeline.js';
import { sameAuthOrigin } from './auth.js';

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

function dropBody(req: PreparedRequest): void {
  req.body = undefined;
  delete req.headers['content-type'];
  delete req.headers['content-length'];
  delete req.headers['transfer-encoding'];
}

/** Removes credentials that belong to the previous origin. */
function stripCredentials(req: PreparedRequest): void {
  for (const name of Object.keys(req.headers)) {
    if (isSensitive(name, req.sensitiveHeaders) || isSecretHeader(name)) delete req.headers[name];
  }
}

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

/** Turns `req` into the next hop of the redirect `res`. */
function prepareNextHop(req: PreparedRequest, res: Response, location: string): void {
  const url = nextUrl(location, res, req);
  const method = redirectMethod(res.status, req.method);
  if (method !== req.method) dropBody(req);
  else if (req.body) {
    if (!req.body.replay) {
      throw new RedirectError(`Cannot follow ${res.status} to ${redactUrl(url)}: the request body was a stream and cannot be sent again; pass a string, Uint8Array, Blob or a file path instead`, req.method, req.url);
    }
    req.body = req.body.replay();
  }
  if (!sameAuthOrigin(req.url, url)) stripCredentials(req);
  req.method = method;
  req.url = url;
}

/**
 * Follows redirects hop by hop, so that every hop goes through the stages below (cookies stored and
 * rebuilt, credentials re-applied or dropped), and records every hop in `response.history`.
 */
export function redirectStage(beforeRedirect?: BeforeRedirect): Stage {
  return async (req, next) => {
    const history: Hop[] = [];
    let res = await next(req);
    for (;;) {
      const location = res.headers.get('location');
      if (!req.settings.followRedirects || !REDIRECTS.has(res.status) || location === null) break;
      history.push(res);
      if (history.length > req.settings.maxRedirects) {
        await res.cancel();
        throw new TooManyRedirectsError(req.settings.maxRedirects, req.method, req.url, history);
      }
      await res.cancel();
      prepareNextHop(req, res, location);
      if (beforeRedirect) await beforeRedirect(req, res);
      res = await next(req);
    }
    res.history = history;
    return res;
  };
}
