import { ContextKey } from '../core/context.js';
import { RequestError, type SessioError } from '../core/errors.js';
import type { PreparedRequest } from '../core/request.js';
import type { Response } from '../core/response.js';

/** What a retry hook is told about the attempt that failed and the one to come. */
export interface RetryContext {
  /** The number of the retry about to be made: 1 for the first retry. */
  readonly attempt: number;
  /** The hop being retried (method, URL, headers as they will be sent again). */
  readonly request: PreparedRequest;
  /** The response that asked for a retry, when there was one (its body is already read or released). */
  readonly response?: Response;
  /** The error that asked for a retry, when the hop failed without a response. */
  readonly error?: SessioError;
  /** How long sessio will wait before the retry, ms (from Retry-After or the backoff). */
  readonly delay: number;
}

/** Exponential backoff with full jitter: a random wait in `[0, min(max, base·2^(attempt-1))]`. */
export interface BackoffOptions {
  /** The first retry waits up to this long, ms. Default 500. */
  base?: number;
  /** No wait is longer than this, ms. Default 30 000. */
  max?: number;
}

/**
 * The `retry` option: which hops are sent again, how often, and how long to wait in between.
 * Retries are per hop: each redirect hop gets its own `limit`.
 *
 * Without the option sessio makes no retries (as requests): only a keep-alive socket that the server
 * had already closed is retried once, transparently. `retry: 2` is `{ limit: 2 }`, and an object
 * without `limit` means `limit: 2` (as got).
 *
 * A body that cannot be sent twice (a stream) is never retried, whatever the options say.
 *
 * @example
 * ```ts
 * const s = new Session({
 *   retry: {
 *     limit: 3,
 *     statusCodes: [429, 503],
 *     backoff: { base: 200, max: 5_000 },
 *     maxRetryAfter: 30_000,
 *     onRetry: ({ attempt, delay, response, error }) =>
 *       console.warn(`retry ${attempt} in ${delay} ms after ${response?.status ?? error?.code}`),
 *   },
 * });
 * ```
 */
export interface RetryOptions {
  /** Retries per hop (not counting the first attempt). Default 2 when `retry` is given, else 0. */
  limit?: number;
  /** Methods that may be retried. Default the idempotent ones: GET, HEAD, OPTIONS, TRACE, PUT, DELETE. */
  methods?: readonly string[];
  /** Response statuses that are retried. Default 408, 429, 500, 502, 503, 504. */
  statusCodes?: readonly number[];
  /**
   * Error codes that are retried, matched against the sessio error's `code` and the codes of its causes
   * (`ECONNRESET`, `UND_ERR_SOCKET`…). Default: resets, refused or unreachable connections, DNS failures
   * and connect/response timeouts (never the total timeout, an abort or a TLS failure).
   */
  errorCodes?: readonly string[];
  /** Backoff between retries when the server did not say how long to wait, or a function of the attempt. */
  backoff?: BackoffOptions | ((attempt: number) => number);
  /**
   * The longest wait asked by `Retry-After`, `RateLimit-Reset` or `X-RateLimit-Reset` that is honoured, ms:
   * when the server asks for more, the response is returned as is. Default 60 000. A wait that would
   * outlast the request's total timeout is never started either.
   */
  maxRetryAfter?: number;
  /**
   * Decides instead of `methods`, `statusCodes` and `errorCodes` whether to retry (`limit` and the body
   * rule still apply).
   */
  shouldRetry?: (ctx: RetryContext) => boolean | Promise<boolean>;
  /** Called before each retry, before the wait: for logging or metrics. Throwing stops the request. */
  onRetry?: (ctx: RetryContext) => void | Promise<void>;
}

/** What the `retry` option takes: options, a limit, or `false`/`0` for none. */
export type RetryInit = RetryOptions | number | boolean;

/** The `retry` option with every default filled in. */
export interface RetryPolicy {
  limit: number;
  methods: ReadonlySet<string>;
  statusCodes: ReadonlySet<number>;
  errorCodes: ReadonlySet<string>;
  backoff: (attempt: number) => number;
  maxRetryAfter: number;
  shouldRetry: RetryOptions['shouldRetry'];
  onRetry: RetryOptions['onRetry'];
}

/** The call's retry policy, resolved by the session from its and the request's `retry` options. */
export const RETRY = new ContextKey<RetryPolicy>('retry');

export const DEFAULT_RETRY_LIMIT = 2;
export const DEFAULT_RETRY_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'];
export const DEFAULT_RETRY_STATUS_CODES: readonly number[] = [408, 429, 500, 502, 503, 504];
export const DEFAULT_RETRY_ERROR_CODES: readonly string[] = [
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'EADDRINUSE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
];
const DEFAULT_BASE = 500;
const DEFAULT_MAX = 30_000;
export const DEFAULT_MAX_RETRY_AFTER = 60_000;

/** Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): spreads clients that failed together. */
export function fullJitter(base: number, max: number): (attempt: number) => number {
  return (attempt) => Math.round(Math.random() * Math.min(max, base * 2 ** (attempt - 1)));
}

function toOptions(init: RetryInit | null | undefined): RetryOptions | undefined {
  if (init === undefined || init === null) return undefined;
  if (typeof init === 'number') return { limit: init };
  if (typeof init === 'boolean') return { limit: init ? DEFAULT_RETRY_LIMIT : 0 };
  return init;
}

/**
 * Merges the session's and the request's `retry` options (the request's fields win; `null` or `false`
 * on the request turns retries off) and fills in the defaults.
 */
export function resolveRetry(session: RetryInit | null | undefined, request: RetryInit | null | undefined): RetryPolicy {
  // The common case, no retry anywhere: one shared policy instead of three Sets per request.
  if ((session === undefined || session === null || session === false) && (request === undefined || request === null || request === false)) return NO_RETRY;
  const s = toOptions(session);
  const r = toOptions(request);
  const off = request === null || request === false;
  const o: RetryOptions = off ? { limit: 0 } : { ...s, ...r };
  const given = !off && (s !== undefined || r !== undefined);
  const limit = o.limit ?? (given ? DEFAULT_RETRY_LIMIT : 0);
  if (!Number.isInteger(limit) || limit < 0) throw new RequestError(`retry.limit must be a whole number >= 0, not ${o.limit}`, { code: 'ERR_INVALID_OPTION' });
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

const NO_RETRY: RetryPolicy = Object.freeze({
  limit: 0,
  methods: new Set<string>(),
  statusCodes: new Set<number>(),
  errorCodes: new Set<string>(),
  backoff: () => 0,
  maxRetryAfter: 0,
  shouldRetry: undefined,
  onRetry: undefined,
});

/** The codes of an error and of its causes, so that `ECONNRESET` matches a NetworkError caused by it. */
export function errorCodesOf(err: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}
