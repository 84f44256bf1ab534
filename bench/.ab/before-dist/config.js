import { RequestError } from './errors.js';
import { resolveRetry } from './retry/policy.js';
export const DEFAULT_MAX_REDIRECTS = 30;
export const DEFAULT_MAX_DECODED_SIZE = 100 * 1024 * 1024;
/** Normalises the `timeout` option: a number is the total. */
export function toTimeouts(timeout) {
    if (timeout === null || timeout === undefined)
        return {};
    const t = typeof timeout === 'number' ? { total: timeout } : timeout;
    const out = {};
    for (const phase of ['connect', 'response', 'total']) {
        const ms = t[phase];
        if (ms === undefined || ms === Infinity)
            continue; // Infinity: no limit
        if (typeof ms !== 'number' || !(ms > 0) || ms > MAX_TIMER_MS) {
            throw new RequestError(`Invalid timeout.${phase} ${String(ms)}: use milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity for none`);
        }
        out[phase] = ms;
    }
    return out;
}
/** Node's timers cannot wait longer (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A request option wins when given; `null` means "not set" for the request too (requests' merge_setting). */
function pick(request, session, fallback) {
    if (request !== undefined && request !== null)
        return request;
    if (session !== undefined && session !== null)
        return session;
    return fallback;
}
/** Merges the scalar settings of a session and a request. */
export function resolveSettings(session, request) {
    const timeout = request.timeout === null ? {} : { ...toTimeouts(session.timeout), ...toTimeouts(request.timeout) };
    return {
        timeout,
        followRedirects: pick(request.followRedirects, session.followRedirects, true),
        maxRedirects: pick(request.maxRedirects, session.maxRedirects, DEFAULT_MAX_REDIRECTS),
        throwHttpErrors: pick(request.throwHttpErrors, session.throwHttpErrors, false),
        maxDecodedSize: pick(request.maxDecodedSize, session.maxDecodedSize, DEFAULT_MAX_DECODED_SIZE),
        stream: request.stream ?? false,
        signal: request.signal,
        tls: request.tls ? { ...session.tls, ...request.tls } : session.tls,
        retry: resolveRetry(session.retry, request.retry),
        proxy: request.proxy !== undefined ? request.proxy : session.proxy,
    };
}
