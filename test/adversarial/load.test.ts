/**
 * Concurrency under load (issue 12): concurrent savers of one session file lose nothing, and 10,000
 * requests started at once all complete over a bounded number of sockets. Prints the figures.
 */
import http from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-adv-load-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('concurrent savers', () => {
  it('12 sessions saving the same file 5 times each, all at once: every cookie survives', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'shared.json');
    const savers = 12;
    const sessions = Array.from({ length: savers }, (_, i) => {
      const s = new Session();
      s.cookies.setCookie(`c${i}=v${i}; Max-Age=3600`, 'http://app.test/');
      return s;
    });
    try {
      await Promise.all(sessions.map(async (s, i) => {
        for (let round = 0; round < 5; round++) {
          s.cookies.setCookie(`c${i}=v${i}-${round}; Max-Age=3600`, 'http://app.test/');
          await s.save(file, { lock: { timeout: 60_000 } });
        }
      }));
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
    }
    const loaded = await Session.load(file);
    const names = loaded.cookies.getCookies('http://app.test/').map((c) => `${c.name}=${c.value}`).sort();
    await loaded.close();
    const expected = Array.from({ length: savers }, (_, i) => `c${i}=v${i}-4`).sort();
    const lost = expected.filter((c) => !names.includes(c));
    console.log(`[adversarial] concurrent savers: ${savers} sessions × 5 saves, ${lost.length} cookies lost, ${(await readdir(dir)).length - 1} files left over`);
    expect(lost).toEqual([]);
    expect(await readdir(dir)).toEqual(['shared.json']);
  });
});

describe('10,000 requests at once', () => {
  let server: TestServer<http.Server>;
  let open = 0;
  let mostOpen = 0;
  beforeAll(async () => {
    server = await startHttpServer((_req, res) => res.end('ok'));
    server.server.on('connection', (socket) => {
      mostOpen = Math.max(mostOpen, ++open);
      socket.on('close', () => open--);
    });
  });
  afterAll(() => server?.close());

  it('all complete, over at most the pool\'s connections', { timeout: 180_000 }, async () => {
    const count = 10_000;
    const connections = 16;
    await using s = new Session({ baseUrl: server.url, pool: { connections }, timeout: { response: 60_000 } });
    const started = performance.now();
    const rssBefore = process.memoryUsage().rss;
    const statuses = await Promise.all(Array.from({ length: count }, (_, i) => s.get(`/r/${i}`).then(
      async (r) => {
        await r.text();
        return r.status;
      },
      (e: unknown) => (e as Error).name,
    )));
    const failed = statuses.filter((x) => x !== 200);
    const ms = Math.round(performance.now() - started);
    const rssGrowth = Math.round((process.memoryUsage().rss - rssBefore) / 1024 / 1024);
    console.log(`[adversarial] 10,000 at once: ${count - failed.length} ok, ${failed.length} failed, ${mostOpen} sockets at most (pool ${connections}), ${ms} ms, RSS +${rssGrowth} MiB`);
    expect(failed).toEqual([]);
    expect(mostOpen).toBeLessThanOrEqual(connections);
  });
});
