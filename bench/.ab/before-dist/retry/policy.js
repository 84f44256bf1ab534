import { RequestError } from '../errors.js';
export const DEFAULT_RETRY_LIMIT = 2;
export const DEFAULT_RETRY_METHODS = ['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'];
export const DEFAULT_RETRY_STATUS_CODES = [408, 429, 500, 502, 503, 504];
export const DEFAULT_RETRY_ERROR_CODES = [
    'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
    'EADDRINUSE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
];
const DEFAULT_BASE = 500;
const DEFAULT_MAX = 30_000;
export const DEFAULT_MAX_RETRY_AFTER = 60_000;
/** Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): spreads clients that failed together. */
export function fullJitter(base, max) {
    return (attempt) => Math.round(Math.random() * Math.min(max, base * 2 ** (attempt - 1)));
}
function toOptions(init) {
    if (init === undefined || init === null)
        return undefined;
    if (typeof init === 'number')
        return { limit: init };
    if (typeof init === 'boolean')
        return { limit: init ? DEFAULT_RETRY_LIMIT : 0 };
    return init;
}
/**
 * Merges the session's and the request's `retry` options (the request's fields win; `null` or `false`
 * on the request turns retries off) and fills in the defaults.
 */
export function resolveRetry(session, request) {
    const s = toOptions(session);
    const r = toOptions(request);
    const off = request === null || request === false;
    const o = off ? { limit: 0 } : { ...s, ...r };
    const given = !off && (s !== undefined || r !== undefined);
    const limit = o.limit ?? (given ? DEFAULT_RETRY_LIMIT : 0);
    if (!Number.isInteger(limit) || limit < 0)
        throw new RequestError(`retry.limit must be a whole number >= 0, not ${o.limit}`, { code: 'ERR_INVALID_OPTION' });
    const backoff = typeof o.backoff === 'function'
        ? o.backoff
        : fullJitter(o.backoff?.base ?? DEFAULT_BASE, o.backoff?.max ?? DEFAULT_MAX);
    return {
        limit,
        methods: new Set((o.methods ?? DEFAULT_RETRY_METHODS).map((m) => m.toUpperCase())),
        statusCodes: new Set(o.statusCodes ?? DEFAULT_RETRY_STATUS_CODES),
        errorCodes: new Set(o.errorCodes ?? DEFAULT_RETRY_ERROR_CODES),
        backoff,
        maxRetryAfter: o.maxRetryAfter ?? DEFAULT_MAX_RETRY_AFTER,
        shouldRetry: o.shouldRetry,
        onRetry: o.onRetry,
    };
}
/** The codes of an error and of its causes, so that `ECONNRESET` matches a NetworkError caused by it. */
export function errorCodesOf(err) {
    const codes = [];
    let e = err;
    for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
        const code = e.code;
        if (typeof code === 'string')
            codes.push(code);
        e = e.cause;
    }
    return codes;
}
