/**
 * The bench suite in its quick form, so it cannot rot: every client must complete every request with
 * the right response (the bench checks bodies and cookies itself). No timing is asserted here.
 */
import { describe, expect, it } from 'vitest';
import { runBench } from '../bench/index.js';
import { CLIENTS } from '../bench/clients.js';
import { renderReport } from '../bench/report.js';

const SMOKE_TIMEOUT_MS = 240_000;

describe('bench smoke (npm run bench -- --quick)', () => {
  it('runs every case with every client to completion', { timeout: SMOKE_TIMEOUT_MS }, async () => {
    const result = await runBench({ quick: true, source: 'src' });

    expect(result.cases.map((c) => c.id)).toEqual(['get', 'post', 'login', 'https']);
    for (const c of result.cases) {
      expect(c.clients).toHaveLength(CLIENTS.length);
      for (const client of c.clients) {
        expect({ case: c.id, client: client.name, completed: client.completed }).toEqual({ case: c.id, client: client.name, completed: client.expected });
        expect(client.expected).toBeGreaterThan(0);
        expect(client.cpuUsPerRequest.median).toBeGreaterThan(0);
      }
    }

    const m = result.memory!;
    expect(m.completed).toBe(m.total);
    expect(m.burstSucceeded).toBe(m.burst);
    expect(m.burstConnections).toBeLessThanOrEqual(16);

    expect(result.importTimes.map((t) => t.name)).toContain('sessio');
    for (const t of result.importTimes) expect(t.ms.median).toBeGreaterThan(0);

    // The cookie-jar case runs in a child process and reports its rows as JSON.
    if (!Array.isArray(result.cookieJar)) expect.fail(`cookie-jar case: ${result.cookieJar}`);
    const jarRows = result.cookieJar;
    expect(jarRows.map((r) => r.name)).toEqual(expect.arrayContaining(['Set-Cookie ingest, 10k cookies / 1,000 domains', 'Cookie header lookup, 10k cookies']));
    for (const r of jarRows) expect(r.sessio).toBeGreaterThan(0);

    const report = renderReport(result, 'npm run bench -- --quick', 'test');
    expect(report).toContain('| **sessio** |');
    expect(report).toContain('Set-Cookie ingest, 10k cookies / 1,000 domains: ≥ 5× faster than tough-cookie');
  });
});
