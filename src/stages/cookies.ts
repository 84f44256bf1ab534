import { ContextKey } from '../core/context.js';
import type { Stage } from '../core/pipeline.js';

/** The part of a cookie jar the session uses (the `CookieJar` class implements it). */
export interface CookieJarLike {
  /** Stores a Set-Cookie without building a copy to return (the hot path of every response). */
  acceptSetCookie(setCookie: string, url: URL): boolean;
  getCookieHeader(url: URL): string;
}

/** The request's own cookies (the `cookies` option and a user Cookie header), set by the session. */
export const REQUEST_COOKIES = new ContextKey<string>('requestCookies');

/**
 * Cookies of the jar not sent with this call: a login's remember-me cookie, which only its re-login
 * may carry (Spring's persistent remember-me treats two requests using one cookie value as theft).
 */
export const WITHHELD_COOKIES = new ContextKey<ReadonlySet<string>>('withheldCookies');

function without(header: string, names: ReadonlySet<string>): string {
  return header.split('; ').filter((pair) => {
    const eq = pair.indexOf('=');
    return !names.has(eq < 0 ? '' : pair.slice(0, eq));
  }).join('; ');
}

/**
 * Sends the jar's cookies for each hop's URL, plus the request's own cookies while the hop stays on
 * the original origin; stores every Set-Cookie of every response, redirects included.
 */
export function cookieStage(jar: CookieJarLike): Stage {
  return async (req, next) => {
    // The origin check reads URL.origin twice; skip it when the request brought no cookies of its own.
    const given = req.context.get(REQUEST_COOKIES);
    const own = given !== undefined && req.isOriginal() ? given : undefined;
    const withheld = req.context.get(WITHHELD_COOKIES);
    const all = jar.getCookieHeader(req.url);
    const fromJar = withheld && all ? without(all, withheld) : all;
    const header = own && fromJar ? `${own}; ${fromJar}` : own || fromJar;
    if (header) req.headers.cookie = header;
    else delete req.headers.cookie;
    const res = await next(req);
    const setCookies = res.headers.getSetCookie();
    for (let i = 0; i < setCookies.length; i++) jar.acceptSetCookie(setCookies[i]!, req.url);
    return res;
  };
}
