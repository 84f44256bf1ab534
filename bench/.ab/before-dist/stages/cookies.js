/** Key under which the session keeps the request's own cookies (the `cookies` option and a user Cookie header). */
export const REQUEST_COOKIES = 'requestCookies';
/**
 * Sends the jar's cookies for each hop's URL, plus the request's own cookies while the hop stays on
 * the original origin; stores every Set-Cookie of every response, redirects included.
 */
export function cookieStage(jar) {
    return async (req, next) => {
        const own = req.isOriginal() ? req.context[REQUEST_COOKIES] : undefined;
        const fromJar = jar.getCookieHeader(req.url);
        const header = own && fromJar ? `${own}; ${fromJar}` : own || fromJar;
        if (header)
            req.headers.cookie = header;
        else
            delete req.headers.cookie;
        const res = await next(req);
        const setCookies = res.headers.getSetCookie();
        for (let i = 0; i < setCookies.length; i++)
            jar.setCookie(setCookies[i], req.url);
        return res;
    };
}
