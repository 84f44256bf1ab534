// What console.log prints of every object a user holds after a login: no secret anywhere (issue 14:
// a scratch field of the jar once printed the real JSESSIONID).
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HTTPError, Session, formLogin } from '../../src/index.js';
import { startDemoServer } from '../../demo/server.js';

describe('util.inspect of public objects', () => {
  it('shows no password, session id, CSRF token or Basic credentials after a login', async () => {
    const demo = await startDemoServer();
    const password = 'secret';
    try {
      await using s = new Session({
        baseUrl: demo.url,
        csrf: 'spring',
        headers: { 'X-Api-Key': 'key-4b1d3' },
        login: formLogin({ url: '/login', username: 'alice', password }),
        har: true,
      });
      const me = await s.get('/api/me');
      const post = await s.post('/api/items', { json: { name: 'x' } });
      const err = await s.get('/api/nothing-here', { throwHttpErrors: true, auth: { username: 'bob', password: 'basic-pw-7' } }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(HTTPError);
      const secrets = [
        ...s.cookies.getCookies(new URL(demo.url)).map((c) => c.value),
        'key-4b1d3',
        Buffer.from('bob:basic-pw-7').toString('base64'),
        'basic-pw-7',
        String(post.request.headers['x-csrf-token'] ?? 'no-token-sent'),
      ];
      expect(secrets[0]!.length).toBeGreaterThan(8); // there is a session id to leak
      expect(post.request.headers['x-csrf-token']).toBeDefined();
      const objects = { s, jar: s.cookies, me, post, request: post.request, history: me.history, err, prepared: s.prepare('GET', '/api/me'), explain: s.explain('/api/me'), har: s.har(), stats: s.stats(), strategy: s.config.login };
      const printed = [
        inspect(objects, { depth: Infinity, showHidden: true, getters: true }),
        ...Object.values(objects).map((o) => String(o)),
        JSON.stringify(objects.request), JSON.stringify(objects.explain), JSON.stringify(objects.har),
      ].join('\n');
      for (const secret of secrets) expect(printed).not.toContain(secret);
      expect(printed).not.toContain(password === 'secret' ? 'password=secret' : password);
      // The hop as sent, not sessio's TLS bookkeeping (a constructor parameter property once showed as `extra`).
      const hop = inspect(post.request);
      expect(hop).toMatch(/^SentRequest \{/);
      expect(hop).toContain("method: 'POST'");
      expect(hop).not.toMatch(/extra|insecure|customCa/);
    } finally {
      await demo.close();
    }
  });
});
