// One process, several sessions (each its own replica) on a real redis-server: sharing, merging,
// encryption, faults, TTL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/index.js';
import { redisState, type RedisStateOptions } from '../../src/redis.js';
import { startApp, type App } from '../auth/fixtures/app.js';
import { hasRedis, startRedis, type RedisServer } from '../helpers/redis.js';

const KEY = 'a'.repeat(64);

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!hasRedis)('shared state (redis-server)', () => {
  let redis: RedisServer;
  let app: App;
  const open: Session[] = [];
  const session = (o: Partial<RedisStateOptions> & { name: string }) => {
    const s = new Session({ baseUrl: app.url, shared: redisState({ url: redis.url, checkInterval: 200, ...o }) });
    open.push(s);
    return s;
  };
  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp((req) => {
      if (req.path === '/set') return { headers: { 'set-cookie': `${req.url.searchParams.get('name')}=${req.url.searchParams.get('value') ?? 'v'}; Path=/` }, body: 'set' };
      return { json: req.cookies };
    });
  });
  afterAll(async () => {
    for (const s of open) await s.close();
    await app?.close();
    await redis?.close();
  });

  it('a cookie one process gets reaches the others; cookies set at once by two are both kept', async () => {
    const a = session({ name: 'share' });
    const b = session({ name: 'share' });
    await a.get('/set?name=one');
    await until('b to see the cookie', async () => (await (await b.get('/echo')).json<Record<string, string>>()).one === 'v');
    await Promise.all([a.get('/set?name=fromA'), b.get('/set?name=fromB')]);
    await until('both cookies in both', async () => {
      const [ca, cb] = await Promise.all([a.get('/echo').then((r) => r.json<Record<string, string>>()), b.get('/echo').then((r) => r.json<Record<string, string>>())]);
      return ca.fromA === 'v' && ca.fromB === 'v' && cb.fromA === 'v' && cb.fromB === 'v';
    });
    const fields = redis.cli('HKEYS', 'sessio:{share}:state');
    expect(fields).toContain('fromA');
    expect(Number(redis.cli('PTTL', 'sessio:{share}:state'))).toBeGreaterThan(0);
  });

  it('with a key, the stored state shows no cookie name or value, and another key cannot read it', async () => {
    const a = session({ name: 'sealed', key: KEY });
    await a.get('/set?name=secretname&value=secretvalue');
    await until('the push', () => redis.cli('HLEN', 'sessio:{sealed}:state') !== '0' && redis.cli('HGET', 'sessio:{sealed}:state', 'g') !== '');
    const dump = redis.cli('HGETALL', 'sessio:{sealed}:state');
    expect(dump).not.toContain('secretname');
    expect(dump).not.toContain('secretvalue');
    const same = session({ name: 'sealed', key: KEY });
    expect((await (await same.get('/echo')).json<Record<string, string>>()).secretname).toBe('secretvalue');
    const other = session({ name: 'sealed', key: 'b'.repeat(64) });
    expect((await (await other.get('/echo')).json<Record<string, string>>()).secretname).toBeUndefined();
  });

  it('Redis unreachable at start: the request fails with an error naming the URL, without its password', async () => {
    const s = new Session({ baseUrl: app.url, shared: redisState({ url: 'redis://user:hunter2@127.0.0.1:1', name: 'down', timeout: 500 }) });
    const err = await s.get('/echo').catch((e: unknown) => e as Error & { code: string });
    expect(err).toMatchObject({ code: 'ERR_SHARED_UNREACHABLE' });
    expect((err as Error).message).toContain('redis://127.0.0.1:1');
    expect((err as Error).message).not.toContain('hunter2');
    await s.close();
  });

  it('Redis lost mid-run: requests go on, and changes made meanwhile are merged when it is back (restarted empty)', async () => {
    const a = session({ name: 'outage', timeout: 300 });
    await a.get('/set?name=before');
    await until('the push', () => redis.cli('HKEYS', 'sessio:{outage}:state').includes('before'));
    await redis.stop();
    expect((await a.get('/set?name=during')).status).toBe(200);
    expect((await (await a.get('/echo')).json<Record<string, string>>()).during).toBe('v');
    await redis.start();
    await until('the merge after the restart', () => {
      const keys = redis.cli('HKEYS', 'sessio:{outage}:state');
      return keys.includes('before') && keys.includes('during');
    });
    const b = session({ name: 'outage' });
    const seen = await (await b.get('/echo')).json<Record<string, string>>();
    expect(seen).toMatchObject({ before: 'v', during: 'v' });
  }, 60_000);

  it('checks its options', () => {
    expect(() => redisState({ name: 'a}b' })).toThrow(/name/);
    expect(() => redisState({ name: 'ok', key: 'short' })).toThrow(/32 bytes/);
    expect(() => new Session({ rateLimit: { requests: 1, shared: true } })).toThrow(/shared/);
  });
});
