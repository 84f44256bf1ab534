// The same shared session on a 3-master Redis Cluster on loopback: every key in one slot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Session, formLogin } from '../../src/index.js';
import { redisState } from '../../src/redis.js';
import { hasRedis, startCluster, type RedisCluster } from '../helpers/redis.js';
import { startFleetApp, type FleetApp } from './fixtures/fleet-app.js';

describe.skipIf(!hasRedis)('shared session on a Redis Cluster', () => {
  let cluster: RedisCluster;
  let app: FleetApp;
  beforeAll(async () => {
    cluster = await startCluster();
    app = await startFleetApp();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await cluster?.close();
  });

  it('shares one login and one rate budget, and keeps every key of a name in one slot', async () => {
    const make = () => new Session({
      baseUrl: app.url,
      login: formLogin({ url: '/login', username: 'svc', password: 'pw' }),
      shared: redisState({ cluster: cluster.urls, name: 'crm' }),
      rateLimit: { requests: 50, interval: 1000, shared: true },
    });
    const a = make();
    const b = make();
    try {
      const [ra, rb] = await Promise.all([a.get('/api/data'), b.get('/api/data')]);
      expect([ra.status, rb.status]).toEqual([200, 200]);
      expect(app.stats.logins).toBe(1);
      await Promise.all(Array.from({ length: 10 }, () => b.get('/rate')));
      const port = new URL(cluster.urls[0]!).port;
      const slots = ['state', 'fence', 'rate:' + app.url].map((k) =>
        spawnSync('redis-cli', ['-p', port, 'CLUSTER', 'KEYSLOT', `sessio:{crm}:${k}`]).stdout.toString().trim());
      expect(new Set(slots).size).toBe(1);
      const owner = cluster.urls.map((u) => spawnSync('redis-cli', ['-c', '-p', new URL(u).port, 'EXISTS', 'sessio:{crm}:state']).stdout.toString().trim());
      expect(owner).toEqual(['1', '1', '1']); // -c follows the redirect to the slot's master
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);
});
