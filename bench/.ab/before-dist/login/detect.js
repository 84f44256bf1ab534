const PASSWORD_INPUT = /<input\b[^>]*\btype\s*=\s*["']?password/i;
function isLoginPage(url, login, base) {
    if (url === null)
        return false;
    try {
        const u = new URL(url, base);
        return u.origin === login.origin && u.pathname === login.pathname;
    }
    catch {
        return false;
    }
}
/** Whether the caller asked for JSON and not for HTML. */
function wantsJson(req) {
    const accept = String(req.headers.accept ?? '').toLowerCase();
    return accept.includes('json') && !accept.includes('html');
}
/**
 * The built-in signs that a session is no longer logged in: a 401; a redirect to the login page (followed
 * or not); an HTML page with a password field where JSON was asked for.
 */
export function looksLoggedOut(res, req, login) {
    if (isLoginPage(req.originalUrl, login))
        return false; // the login page itself is not a sign of anything
    if (res.status === 401)
        return true;
    if (res.history.some((hop) => isLoginPage(hop.headers.get('location'), login, hop.url)))
        return true;
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && isLoginPage(location, login, res.url))
        return true;
    if (isLoginPage(res.url, login) && res.history.length > 0)
        return true;
    const type = res.headers.get('content-type') ?? '';
    return res.status === 200 && /html/i.test(type) && wantsJson(req) && res.body === undefined && PASSWORD_INPUT.test(res.peekText());
}
