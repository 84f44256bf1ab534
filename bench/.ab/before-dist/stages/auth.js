/** HTTP Basic (RFC 7617), UTF-8 encoded as browsers and requests do. */
export function basicAuth(username, password) {
    const value = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
    return { apply: (req) => void (req.headers.authorization = value) };
}
/** Turns the `auth` option into a scheme. */
export function toAuthScheme(init) {
    if (!init)
        return undefined;
    if (typeof init.apply === 'function')
        return init;
    const { username, password } = init;
    return basicAuth(username, password);
}
/**
 * Whether credentials given for `from` may be sent to `to`: same scheme, host and port, or the
 * same host upgraded from http:80 to https:443 (requests' should_strip_auth).
 */
export function sameAuthOrigin(from, to) {
    if (from.origin === to.origin)
        return true;
    return from.hostname === to.hostname && from.protocol === 'http:' && to.protocol === 'https:' && from.port === '' && to.port === '';
}
/** Key under which the session stores the request's auth scheme in `req.context`. */
export const AUTH = 'auth';
/**
 * Applies the request's auth scheme on every hop that goes to the origin it was given for, and lets
 * the scheme answer one 401 challenge (Digest) per hop.
 */
export const authStage = async (req, next) => {
    const scheme = req.context[AUTH];
    if (!scheme || !sameAuthOrigin(req.originalUrl, req.url))
        return next(req);
    await scheme.apply(req);
    const res = await next(req);
    if (res.status !== 401 || !scheme.challenge || req.context.authChallenged)
        return res;
    if (!(await scheme.challenge(res, req)))
        return res;
    if (req.body && !req.body.replay)
        return res; // the body is gone; the caller sees the 401
    req.context.authChallenged = true;
    if (req.body)
        req.body = req.body.replay();
    await res.cancel();
    return next(req);
};
