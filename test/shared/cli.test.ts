// `sessio --session redis://host:port/NAME`: two CLI processes share one login through Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../demo/server.js';
import { runCli } from '../cli/helpers/run.js';
import { hasRedis, startRedis, type RedisServer } from '../helpers/redis.js';
import { parseSharedSession } from '../../src/cli/shared-session.js';

if (!hasRedis) console.warn('test/shared/cli.test.ts skipped: redis-server is not installed (npm test installs it)');

describe('parseSharedSession', () => {
  it('takes the last path segment as the name and a number before it as the database', () => {
    expect(parseSharedSession('redis://127.0.0.1:6379/crm-prod')).toEqual({ url: 'redis://127.0.0.1:6379', name: 'crm-prod' });
    expect(parseSharedSession('rediss://u:p@h:6380/2/a%20b')).toEqual({ url: 'rediss://u:p@h:6380/2', name: 'a b' });
    expect(() => parseSharedSession('redis://127.0.0.1:6379')).toThrow(/session name as the last path segment/);
    expect(() => parseSharedSession('redis://h/x/y')).toThrow(/session name/);
  });
});

describe.skipIf(!hasRedis)('CLI on a shared session (redis-server)', () => {
  let redis: RedisServer;
  let demo: DemoServer;
  beforeAll(async () => {
    [redis, demo] = await Promise.all([startRedis(), startDemoServer()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([redis?.close(), demo?.close()]);
  });

  it('a login in one process is used by the next one, with no second login', async () => {
    const session = `${redis.url}/cli-demo`;
    const login = await runCli(['login', `:${demo.port}/login`, '--user', 'alice', '--csrf', 'spring', '--session', session], { env: { SESSIO_PASSWORD: 'secret' }, timeoutMs: 90_000 });
    expect({ code: login.code, out: login.out + login.stderr }).toMatchObject({ code: 0 });
    const me = await runCli(['--session', session, `:${demo.port}/api/me`], { timeoutMs: 90_000 });
    expect(me.code).toBe(0);
    expect(me.out).toContain('"alice"');
    const post = await runCli(['--session', session, '--csrf', 'spring', '--check-status', 'POST', `:${demo.port}/api/items`, 'name=x'], { timeoutMs: 90_000 });
    expect({ code: post.code, out: post.out + post.stderr }).toMatchObject({ code: 0 });
    expect(demo.logins).toBe(1);
    expect(redis.cli('--scan', '--pattern', 'sessio:{cli-demo}*')).toMatch(/sessio:\{cli-demo\}/);
  }, 300_000);
});
