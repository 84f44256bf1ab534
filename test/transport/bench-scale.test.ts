/**
 * bench/sessions.ts in a small form, so it cannot rot: forked sessions log in (form + CSRF) and make
 * their requests over one bounded pool. No timing or heap size is asserted here.
 */
import { describe, expect, it } from 'vitest';
import { runSessions } from '../../bench/sessions.js';

describe('bench/sessions.ts', () => {
  it('logs in every forked session and keeps the sockets within the pool', { timeout: 120_000 }, async () => {
    const r = await runSessions(40, 'src');
    expect(r.failures).toEqual([]);
    expect(r.succeeded).toBe(r.requests);
    expect(r.requests).toBe(400);
    expect(r.mostOpen).toBeLessThanOrEqual(r.pool);
    expect(r.socketsOpened).toBeGreaterThan(0);
  });
});
