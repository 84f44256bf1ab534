import { ContextKey } from '../core/context.js';
import { log } from '../core/log/index.js';
import type { PreparedRequest } from '../core/request.js';
import type { Response } from '../core/response.js';

/** What an `afterResponse` hook returns to have the whole request sent again. */
export interface RetryRequest {
  readonly retry: true;
  /** Milliseconds to wait before the retry (default 0). */
  readonly delay?: number;
}

/**
 * Runs before a request is sent (once per attempt, before its redirect chain). It may change the
 * request in place, or return a response to use instead of sending it.
 */
export type BeforeRequestHook = (req: PreparedRequest) => void | Response | Promise<void | Response>;

/**
 * Runs on the final response of a request (after redirects). It may return a replacement response,
 * or `{ retry: true }` (see {@link retry}) to send the request again, at most `retryLimit` times.
 */
export type AfterResponseHook = (
  res: Response,
  req: PreparedRequest,
  info: { readonly attempt: number },
) => void | Response | RetryRequest | Promise<void | Response | RetryRequest>;

/** Runs before each redirect hop is sent; `next` is the next hop's request and may be changed. */
export type BeforeRedirectHook = (next: PreparedRequest, res: Response) => void | Promise<void>;

/**
 * Runs before a request is retried, by the retry option or an `afterResponse` hook; `reason` is the
 * error or the response that caused the retry, `attempt` counts retries from 1.
 */
export type BeforeRetryHook = (req: PreparedRequest, reason: Error | Response, attempt: number) => void | Promise<void>;

/**
 * Runs when the request fails (network, TLS, timeout, redirect errors…). It may return an error to
 * throw instead, or a response to recover with; returning nothing rethrows the original error.
 */
export type OnErrorHook = (err: Error, req: PreparedRequest) => void | Error | Response | Promise<void | Error | Response>;

export type OneOrMany<T> = T | readonly T[];

/**
 * Hooks of a session or of one request. Each may be one function or a list; a request's hooks run
 * after the session's.
 *
 * @example
 * ```ts
 * const s = new Session({
 *   hooks: {
 *     beforeRequest: (req) => { req.headers['x-request-id'] = crypto.randomUUID(); },
 *     afterResponse: async (res, req, { attempt }) => {
 *       if (res.status === 401 && attempt === 0) { await refreshToken(); return retry(); }
 *     },
 *   },
 * });
 * await s.get('/api/me', { hooks: { onError: (err) => console.error(err.message) } });
 * ```
 */
export interface Hooks {
  beforeRequest?: OneOrMany<BeforeRequestHook>;
  afterResponse?: OneOrMany<AfterResponseHook>;
  beforeRedirect?: OneOrMany<BeforeRedirectHook>;
  beforeRetry?: OneOrMany<BeforeRetryHook>;
  onError?: OneOrMany<OnErrorHook>;
  /** How many times `afterResponse` hooks may ask for a retry of one request (default 2). */
  retryLimit?: number;
}

/** Hooks of a request merged with its session's, as lists. */
export interface ResolvedHooks {
  readonly beforeRequest: readonly BeforeRequestHook[];
  readonly afterResponse: readonly AfterResponseHook[];
  readonly beforeRedirect: readonly BeforeRedirectHook[];
  readonly beforeRetry: readonly BeforeRetryHook[];
  readonly onError: readonly OnErrorHook[];
  readonly retryLimit: number;
}

export const DEFAULT_HOOK_RETRY_LIMIT = 2;

/** The request's resolved hooks, set by the session. */
export const HOOKS = new ContextKey<ResolvedHooks>('hooks');

/**
 * The value an `afterResponse` hook returns to send the request again.
 *
 * @example
 * ```ts
 * afterResponse: (res) => (res.status === 503 ? retry({ delay: 500 }) : undefined)
 * ```
 */
export function retry(options: { delay?: number } = {}): RetryRequest {
  return options.delay === undefined ? { retry: true } : { retry: true, delay: options.delay };
}

/** Whether a hook's result asks for a retry (and is not a response). */
export function isRetryRequest(value: unknown): value is RetryRequest {
  return typeof value === 'object' && value !== null && (value as { retry?: unknown }).retry === true && !('status' in value);
}

function list<T>(session: OneOrMany<T> | undefined, request: OneOrMany<T> | undefined): T[] {
  const out: T[] = [];
  for (const one of [session, request]) {
    if (one === undefined) continue;
    if (typeof one === 'function') out.push(one);
    else out.push(...(one as readonly T[]));
  }
  return out;
}

/** Session hooks then request hooks; undefined when there are none, so requests without hooks pay nothing. */
export function mergeHooks(session: Hooks | undefined, request: Hooks | undefined): ResolvedHooks | undefined {
  if (!session && !request) return undefined;
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
export function hooksOf(req: PreparedRequest): ResolvedHooks | undefined {
  return req.context.get(HOOKS);
}

/** Runs `beforeRequest` hooks in order; the first response returned wins and stops the rest. */
export async function runBeforeRequest(req: PreparedRequest): Promise<Response | undefined> {
  const hooks = hooksOf(req);
  if (!hooks) return undefined;
  for (const hook of hooks.beforeRequest) {
    const result = await hook(req);
    if (result) return result;
  }
  return undefined;
}

/**
 * Runs `afterResponse` hooks in order, each seeing the response the previous one returned. A retry
 * request stops the chain.
 */
export async function runAfterResponse(res: Response, req: PreparedRequest, attempt: number): Promise<Response | RetryRequest> {
  const hooks = hooksOf(req);
  if (!hooks) return res;
  let current = res;
  for (const hook of hooks.afterResponse) {
    const result = await hook(current, req, { attempt });
    if (!result) continue;
    if (isRetryRequest(result)) return result;
    current = result;
  }
  return current;
}

/** Runs `beforeRedirect` hooks; the redirect stage calls it for each hop. */
export async function runBeforeRedirect(next: PreparedRequest, res: Response): Promise<void> {
  const hooks = hooksOf(next);
  if (!hooks) return;
  for (const hook of hooks.beforeRedirect) await hook(next, res);
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
export async function runBeforeRetry(req: PreparedRequest, reason: Error | Response, attempt: number): Promise<void> {
  const hooks = hooksOf(req);
  if (!hooks) return;
  for (const hook of hooks.beforeRetry) await hook(req, reason, attempt);
}

/** Runs `onError` hooks; returns the error to throw or a response that recovers from it. */
export async function runOnError(err: Error, req: PreparedRequest): Promise<Error | Response> {
  const hooks = hooksOf(req);
  if (!hooks) return err;
  let current: Error = err;
  for (const hook of hooks.onError) {
    const result = await hook(current, req);
    if (result instanceof Error) current = result;
    else if (result) return result;
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
export async function announceRetry(req: PreparedRequest, reason: Error | Response, attempt: number, delay: number): Promise<void> {
  log.retry(req, { attempt, delay, reason });
  await runBeforeRetry(req, reason, attempt);
}
