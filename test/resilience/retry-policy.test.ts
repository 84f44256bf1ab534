/** Retry-After and rate-limit reset parsing, backoff bounds and option merging (pure functions). */
import { describe, expect, it } from 'vitest';
import { Headers, RequestError } from '../../src/index.js';
import { parseRateLimitReset, parseRetryAfter, serverDelay } from '../../src/stages/retry-after.js';
import { fullJitter, resolveRetry } from '../../src/stages/retry-policy.js';

const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP-dates; a past date means now', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', NOW)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    for (const v of ['-1', '1.5', 'soon', '', '2015-10-21']) expect(parseRetryAfter(v, NOW), v).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });
});

describe('rate-limit reset headers', () => {
  const h = (fields: Record<string, string>) => new Headers(fields);
  it('reads RateLimit-Reset, the structured RateLimit field, and X-RateLimit-Reset as delta or Unix time', () => {
    expect(parseRateLimitReset(h({ 'ratelimit-reset': '7' }), NOW)).toBe(7_000);
    expect(parseRateLimitReset(h({ ratelimit: '"default";r=0;t=12' }), NOW)).toBe(12_000);
    expect(parseRateLimitReset(h({ ratelimit: 'limit=10, remaining=0, reset=5' }), NOW)).toBe(5_000);
    expect(parseRateLimitReset(h({ 'x-ratelimit-reset': '30' }), NOW)).toBe(30_000);
    expect(parseRateLimitReset(h({ 'x-ratelimit-reset': String(NOW / 1000 + 45) }), NOW)).toBe(45_000);
    expect(parseRateLimitReset(h({ 'x-ratelimit-reset': String(NOW + 2_500) }), NOW)).toBe(2_500);
    expect(parseRateLimitReset(h({ 'x-ratelimit-reset': 'tomorrow' }), NOW)).toBeUndefined();
  });

  it('prefers Retry-After over the reset headers', () => {
    expect(serverDelay(h({ 'retry-after': '3', 'ratelimit-reset': '60' }), NOW)).toBe(3_000);
    expect(serverDelay(h({ 'ratelimit-reset': '60' }), NOW)).toBe(60_000);
    expect(serverDelay(h({}), NOW)).toBeUndefined();
  });
});

describe('backoff and options', () => {
  it('keeps full-jitter waits within [0, min(max, base·2^(n-1))]', () => {
    const backoff = fullJitter(100, 1_000);
    for (let attempt = 1; attempt <= 8; attempt++) {
      for (let i = 0; i < 50; i++) {
        const d = backoff(attempt);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(Math.min(1_000, 100 * 2 ** (attempt - 1)));
      }
    }
  });

  it('makes no retries by default, two when the option is given, and lets the request override', () => {
    expect(resolveRetry(undefined, undefined).limit).toBe(0);
    expect(resolveRetry({}, undefined).limit).toBe(2);
    expect(resolveRetry(true, undefined).limit).toBe(2);
    expect(resolveRetry(5, undefined).limit).toBe(5);
    expect(resolveRetry(5, null).limit).toBe(0);
    expect(resolveRetry(5, false).limit).toBe(0);
    const merged = resolveRetry({ limit: 4, statusCodes: [503] }, { methods: ['post'] });
    expect(merged.limit).toBe(4);
    expect([...merged.statusCodes]).toEqual([503]);
    expect([...merged.methods]).toEqual(['POST']);
    expect([...resolveRetry(1, undefined).methods]).toEqual(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
    expect(() => resolveRetry(-1, undefined)).toThrow(RequestError);
  });
});
