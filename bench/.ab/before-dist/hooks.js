import { log } from './log/index.js';
export const DEFAULT_HOOK_RETRY_LIMIT = 2;
/** Key of the request's resolved hooks in `req.context`. */
export const HOOKS = 'hooks';
/**
 * The value an `afterResponse` hook returns to send the request again.
 *
 * @example
 * ```ts
 * afterResponse: (res) => (res.status === 503 ? retry({ delay: 500 }) : undefined)
 * ```
 */
export function retry(options = {}) {
    return options.delay === undefined ? { retry: true } : { retry: true, delay: options.delay };
}
/** Whether a hook's result asks for a retry (and is not a response). */
export function isRetryRequest(value) {
    return typeof value === 'object' && value !== null && value.retry === true && !('status' in value);
}
function list(session, request) {
    const out = [];
    for (const one of [session, request]) {
        if (one === undefined)
            continue;
        if (typeof one === 'function')
            out.push(one);
        else
            out.push(...one);
    }
    return out;
}
/** Session hooks then request hooks; undefined when there are none, so requests without hooks pay nothing. */
export function mergeHooks(session, request) {
    if (!session && !request)
        return undefined;
    const limit = request?.retryLimit ?? session?.retryLimit ?? DEFAULT_HOOK_RETRY_LIMIT;
    return {
        beforeRequest: list(session?.beforeRequest, request?.beforeRequest),
        afterResponse: list(session?.afterResponse, request?.afterResponse),
        beforeRedirect: list(session?.beforeRedirect, request?.beforeRedirect),
        beforeRetry: list(session?.beforeRetry, request?.beforeRetry),
        onError: list(session?.onError, request?.onError),
        retryLimit: Math.max(0, Math.floor(limit)),
    };
}
/** The hooks attached to a request by the session, if any. */
export function hooksOf(req) {
    return req.context[HOOKS];
}
/** Runs `beforeRequest` hooks in order; the first response returned wins and stops the rest. */
export async function runBeforeRequest(req) {
    const hooks = hooksOf(req);
    if (!hooks)
        return undefined;
    for (const hook of hooks.beforeRequest) {
        const result = await hook(req);
        if (result)
            return result;
    }
    return undefined;
}
/**
 * Runs `afterResponse` hooks in order, each seeing the response the previous one returned. A retry
 * request stops the chain.
 */
export async function runAfterResponse(res, req, attempt) {
    const hooks = hooksOf(req);
    if (!hooks)
        return res;
    let current = res;
    for (const hook of hooks.afterResponse) {
        const result = await hook(current, req, { attempt });
        if (!result)
            continue;
        if (isRetryRequest(result))
            return result;
        current = result;
    }
    return current;
}
/** Runs `beforeRedirect` hooks; the redirect stage calls it for each hop. */
export async function runBeforeRedirect(next, res) {
    const hooks = hooksOf(next);
    if (!hooks)
        return;
    for (const hook of hooks.beforeRedirect)
        await hook(next, res);
}
/**
 * Runs `beforeRetry` hooks. Any stage that retries a request (the retry option, a hook retry) calls
 * this before sending it again, with the error or response that caused the retry.
 *
 * @example
 * ```ts
 * // in a retry stage
 * await runBeforeRetry(req, errOrResponse, attempt);
 * ```
 */
export async function runBeforeRetry(req, reason, attempt) {
    const hooks = hooksOf(req);
    if (!hooks)
        return;
    for (const hook of hooks.beforeRetry)
        await hook(req, reason, attempt);
}
/** Runs `onError` hooks; returns the error to throw or a response that recovers from it. */
export async function runOnError(err, req) {
    const hooks = hooksOf(req);
    if (!hooks)
        return err;
    let current = err;
    for (const hook of hooks.onError) {
        const result = await hook(current, req);
        if (result instanceof Error)
            current = result;
        else if (result)
            return result;
    }
    return current;
}
/**
 * What a stage that sends a request again must call first: logs the retry (`sessio:retry`), publishes
 * it on the `sessio:retry` diagnostics channel and runs the `beforeRetry` hooks, which may change `req`.
 *
 * @example
 * ```ts
 * // in a retry stage, once the delay is known and before waiting it
 * await announceRetry(req, outcome.error ?? outcome.response, attempt, delay);
 * ```
 */
export async function announceRetry(req, reason, attempt, delay) {
    log.retry(req, { attempt, delay, reason });
    await runBeforeRetry(req, reason, attempt);
}
