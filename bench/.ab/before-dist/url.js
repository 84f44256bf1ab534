import { InvalidURLError } from './errors.js';
const ABSOLUTE = /^[a-zA-Z][a-zA-Z\d+\-.]*:/;
/**
 * Resolves `input` against `baseUrl` by joining paths, as axios and ky do: `http://h/api` + `/users` is
 * `http://h/api/users` (WHATWG resolution would drop `/api`). An absolute URL ignores the base.
 */
export function resolveUrl(input, baseUrl) {
    if (input instanceof URL)
        return new URL(input.href);
    let href = input;
    if (!ABSOLUTE.test(input) && baseUrl !== undefined)
        href = joinBase(String(baseUrl), input);
    let url;
    try {
        url = new URL(href);
    }
    catch (err) {
        const hint = baseUrl === undefined && !ABSOLUTE.test(input) ? 'relative URL and no baseUrl set' : 'cannot be parsed';
        throw new InvalidURLError(href, hint, err);
    }
    checkScheme(url, href);
    return url;
}
/** `http://h/api?v=1` + `/users?x=2` → `http://h/api/users?v=1&x=2`: the base's query is kept. */
function joinBase(baseUrl, input) {
    const cut = baseUrl.search(/[?#]/);
    const base = (cut < 0 ? baseUrl : baseUrl.slice(0, cut)).replace(/\/+$/, '');
    const baseQuery = cut < 0 ? '' : baseUrl.slice(cut).replace(/#.*$/, '').slice(1);
    let href = input === '' ? base : `${base}/${input.replace(/^\/+/, '')}`;
    if (baseQuery) {
        const hash = href.indexOf('#');
        const [path, fragment] = hash < 0 ? [href, ''] : [href.slice(0, hash), href.slice(hash)];
        href = `${path}${path.includes('?') ? '&' : '?'}${baseQuery}${fragment}`;
    }
    return href;
}
export function checkScheme(url, input = url.href) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new InvalidURLError(input, `scheme ${url.protocol} is not supported (use http: or https:)`);
    }
}
function paramEntries(init) {
    if (init instanceof URLSearchParams || Symbol.iterator in init)
        return init;
    return Object.entries(init);
}
/**
 * Merges session and request params as requests does: the request's keys replace the session's, and
 * `null`/`undefined` removes one. Returns `[name, value]` pairs in order.
 */
export function mergeParams(session, request) {
    const merged = new Map();
    for (const init of [session, request]) {
        if (!init)
            continue;
        const seen = new Set();
        for (const [k, v] of paramEntries(init)) {
            // Pairs may repeat a key; collect them instead of letting the last one win.
            if (seen.has(k) && v !== null && v !== undefined) {
                const prev = merged.get(k);
                merged.set(k, [...(Array.isArray(prev) ? prev : [prev]), v]);
                continue;
            }
            seen.add(k);
            merged.set(k, v);
        }
    }
    const out = [];
    for (const [k, v] of merged) {
        if (v === null || v === undefined)
            continue;
        for (const one of Array.isArray(v) ? v : [v])
            out.push([k, String(one)]);
    }
    return out;
}
/**
 * Appends params to the URL's query without re-encoding what is there already: signed and presigned
 * URLs must reach the server byte for byte.
 */
export function appendParams(url, params) {
    if (params.length === 0)
        return;
    const added = new URLSearchParams(params).toString();
    url.search = url.search.length > 1 ? `${url.search.slice(1)}&${added}` : added;
}
/** `scheme://host:port` of a URL, default ports omitted (URL.origin already does). */
export function originOf(url) {
    return url.origin;
}
