// Path rules of RFC 6265bis section 5.1.4.
/** The default-path of a request path: everything before its last `/`, or `/`. */
export function defaultPath(requestPath) {
    if (requestPath.length === 0 || requestPath.charCodeAt(0) !== 0x2f)
        return '/';
    const last = requestPath.lastIndexOf('/');
    return last === 0 ? '/' : requestPath.slice(0, last);
}
/** Path-match: `cookiePath` equals `requestPath` or is a prefix of it ending at a `/` boundary. */
export function pathMatch(requestPath, cookiePath) {
    if (requestPath === cookiePath)
        return true;
    return (requestPath.startsWith(cookiePath) &&
        (cookiePath.charCodeAt(cookiePath.length - 1) === 0x2f || requestPath.charCodeAt(cookiePath.length) === 0x2f));
}
/**
 * The cookie paths that can path-match `requestPath`, longest first: the path itself, then at each
 * `/` the prefix with and without that slash. Used by the store index so a lookup touches only paths
 * that can match instead of every path of a domain.
 */
export function candidatePaths(requestPath) {
    const out = [requestPath];
    for (let i = requestPath.lastIndexOf('/'); i >= 0; i = i === 0 ? -1 : requestPath.lastIndexOf('/', i - 1)) {
        if (i + 1 < requestPath.length)
            out.push(requestPath.slice(0, i + 1));
        if (i > 0)
            out.push(requestPath.slice(0, i));
    }
    return out;
}
