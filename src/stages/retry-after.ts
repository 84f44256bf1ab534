import type { Headers } from '../core/headers.js';

/** Beyond this, an X-RateLimit-Reset value is a Unix time (seconds) rather than a delay: 2001-09-09. */
const EPOCH_SECONDS = 1_000_000_000;
/** Beyond this, it is a Unix time in milliseconds. */
const EPOCH_MILLIS = 1_000_000_000_000;

/**
 * `Retry-After` (RFC 9110 §10.2.3) in milliseconds from `now`: delta-seconds or an HTTP-date.
 * A date in the past means "now" (0); anything unparsable is ignored.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse accepts much more than an HTTP-date; requiring a weekday or month name keeps numbers out.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The reset of a rate-limit window in milliseconds: `RateLimit-Reset` (draft-ietf-httpapi-ratelimit-headers,
 * delta-seconds), the structured `RateLimit: "policy";r=0;t=30` of later drafts, or `X-RateLimit-Reset`,
 * which some APIs give as delta-seconds and others (GitHub) as a Unix time.
 */
export function parseRateLimitReset(headers: Headers, now = Date.now()): number | undefined {
  const reset = headers.get('ratelimit-reset');
  if (reset !== null && /^\s*\d+(\.\d+)?\s*$/.test(reset)) return Math.ceil(Number(reset) * 1000);
  const structured = headers.get('ratelimit');
  const t = structured === null ? null : /(?:^|[;,\s])(?:t|reset)=(\d+)/.exec(structured);
  if (t) return Number(t[1]) * 1000;
  const x = headers.get('x-ratelimit-reset');
  if (x === null || !/^\s*\d+(\.\d+)?\s*$/.test(x)) return undefined;
  const n = Number(x);
  if (n >= EPOCH_MILLIS) return Math.max(0, Math.ceil(n - now));
  if (n >= EPOCH_SECONDS) return Math.max(0, Math.ceil(n * 1000 - now));
  return Math.ceil(n * 1000);
}

/**
 * bucket4j-spring-boot-starter's wait: `X-Rate-Limit-Retry-After-Seconds` on its 429, in whole seconds
 * (the starter rounds the bucket's nanoseconds-to-refill up). When it is absent but
 * `X-Rate-Limit-Remaining` says the bucket is empty, the wait is unknown: undefined, and the caller's
 * backoff applies.
 */
export function parseBucket4jRetryAfter(headers: Headers): number | undefined {
  const value = headers.get('x-rate-limit-retry-after-seconds');
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.ceil(Number(value) * 1000);
}

/**
 * How long the server asked us to wait, in ms: Retry-After first, then bucket4j's
 * `X-Rate-Limit-Retry-After-Seconds`, then the rate-limit reset headers.
 */
export function serverDelay(headers: Headers, now = Date.now()): number | undefined {
  return parseRetryAfter(headers.get('retry-after'), now) ?? parseBucket4jRetryAfter(headers) ?? parseRateLimitReset(headers, now);
}
