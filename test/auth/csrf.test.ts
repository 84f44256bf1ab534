import { describe, expect, it } from 'vitest';
import { Session } from '../../src/index.js';
import { testPki } from '../helpers/tls.js';
import { startApp, type AppReply } from './fixtures/app.js';
import { closeAfterEach } from './fixtures/cleanup.js';
import { startDjango } from './fixtures/django.js';
import { startRails } from './fixtures/rails.js';
import { startXsrfCookieApp } from './fixtures/xsrf-cookie.js';

const { track, session } = closeAfterEach();

describe('csrf: django profile', () => {
  it('sends the csrftoken cookie as X-CSRFToken on unsafe requests only', async () => {
    const app = await track(startDjango());
    const s = session({ baseUrl: app.url, csrf: 'django' });
    await s.get('/form/');
    const res = await s.post('/api/items/', { json: { a: 1 } });
    expect(res.status).toBe(201);
    const post = app.seen.find((r) => r.method === 'POST')!;
    expect(post.headers['x-csrftoken']).toBe(post.cookies.csrftoken);
    await s.get('/form/');
    expect(app.seen.at(-1)!.headers['x-csrftoken']).toBeUndefined();
  });

  it('adds a same-origin Referer on https, which Django requires', async () => {
    const app = await track(startDjango({ https: true }));
    const { ca } = await testPki();
    const s = session({ baseUrl: app.url, csrf: 'django', tls: { ca } });
    await s.get('/form/');
    const res = await s.post('/api/items/', { form: { a: '1' } });
    expect(res.status).toBe(201);
    expect(app.seen.at(-1)!.headers.referer).toBe(`${app.url}/`);
  });

  it('without the csrf option nothing is added and Django refuses', async () => {
    const app = await track(startDjango());
    const s = session({ baseUrl: app.url });
    await s.get('/form/');
    const res = await s.post('/api/items/', { json: {} });
    expect(res.status).toBe(403);
    expect(app.seen.at(-1)!.headers['x-csrftoken']).toBeUndefined();
  });
});

describe('csrf: rails profile', () => {
  it('learns the meta csrf-token from HTML and sends X-CSRF-Token', async () => {
    const app = await track(startRails());
    const s = session({ baseUrl: app.url, csrf: 'rails' });
    await s.get('/');
    const res = await s.post('/items', { json: { name: 'x' } });
    expect(res.status).toBe(201);
    expect(app.seen.at(-1)!.headers['x-csrf-token']).toMatch(/\w+/);
  });

  it('on a 422 InvalidAuthenticityToken re-reads the page the token came from and replays once', async () => {
    const app = await track(startRails());
    const s = session({ baseUrl: app.url, csrf: 'rails' });
    await s.get('/');
    await s.post('/rotate');
    const before = app.seen.length;
    const res = await s.post('/items', { json: { name: 'x' } });
    expect(res.status).toBe(201);
    const after = app.seen.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(after).toEqual(['POST /items', 'GET /', 'POST /items']);
    expect(app.seen.at(-1)!.headers['x-csrf-token']).not.toBe(app.seen[before]!.headers['x-csrf-token']);
  });

  it('replays at most once when the token keeps failing', async () => {
    const app = await track(startApp((req) => (req.method === 'GET'
      ? { html: `<meta name="csrf-token" content="t${Math.random()}">` }
      : { status: 422, html: 'InvalidAuthenticityToken' })));
    const s = session({ baseUrl: app.url, csrf: 'rails' });
    await s.get('/');
    const res = await s.post('/items', { json: {} });
    expect(res.status).toBe(422);
    expect(app.seen.filter((r) => r.method === 'POST')).toHaveLength(2);
  });
});

describe('csrf: angular and laravel profiles', () => {
  it('angular: sends the URL-decoded XSRF-TOKEN cookie as X-XSRF-TOKEN', async () => {
    const app = await track(startXsrfCookieApp());
    const s = session({ baseUrl: app.url, csrf: 'angular' });
    await s.get('/');
    const res = await s.post('/api/things', { json: {} });
    expect(res.status).toBe(201);
    expect(app.seen.at(-1)!.headers['x-xsrf-token']).toBe('eyJpdiI6Ik1a+b/c==1');
  });

  it('laravel: a 419 that sets a new cookie is replayed with the new token', async () => {
    const app = await track(startXsrfCookieApp({ laravel: true }));
    const s = session({ baseUrl: app.url, csrf: 'laravel' });
    await s.get('/');
    await s.post('/rotate-silently');
    const res = await s.post('/api/things', { json: { a: 1 } });
    expect(res.status).toBe(201);
    const posts = app.seen.filter((r) => r.path === '/api/things');
    expect(posts.map((r) => r.headers['x-xsrf-token'])).toEqual(['eyJpdiI6Ik1a+b/c==1', 'eyJpdiI6Ik1a+b/c==2']);
    expect(posts[1]!.body).toBe('{"a":1}');
  });

  it('a custom profile: own cookie and header names', async () => {
    const app = await track(startApp((req) => (req.method === 'GET'
      ? { headers: { 'set-cookie': 'my-token=abc%20def; Path=/' }, json: {} }
      : { status: req.headers['x-my-token'] === 'abc def' ? 201 : 403, json: {} })));
    const s = session({ baseUrl: app.url, csrf: { header: 'X-My-Token', cookie: { name: 'my-token', header: 'x-my-token' } } });
    await s.get('/');
    expect((await s.put('/x', { json: {} })).status).toBe(201);
  });

  it('refuses an unknown profile name and a custom profile without a header', () => {
    expect(() => new Session({ csrf: 'struts' as 'spring' })).toThrow(/Unknown csrf profile/);
    expect(() => new Session({ csrf: { cookie: { name: 'a', header: 'b' } } })).toThrow(/needs `header`/);
  });
});

describe('csrf: spring profile with Node pages', () => {
  it('a hidden _csrf input alone is enough: sent as X-CSRF-TOKEN', async () => {
    const app = await track(startApp((req) => (req.method === 'GET'
      ? { html: '<form><input type="hidden" name="_csrf" value="hidden-tok"></form>' }
      : { status: req.headers['x-csrf-token'] === 'hidden-tok' ? 201 : 403, json: {} })));
    const s = session({ baseUrl: app.url, csrf: 'spring' });
    await s.get('/');
    expect((await s.delete('/x')).status).toBe(201);
  });

  it('tokenUrl: fetched lazily before the first unsafe request, once for concurrent ones, with the header it names', async () => {
    let fetched = 0;
    const app = await track(startApp((req) => {
      if (req.path === '/csrf') {
        fetched++;
        return { json: { headerName: 'X-Api-Csrf', parameterName: '_csrf', token: `tok${fetched}` } };
      }
      return { status: req.headers['x-api-csrf'] === 'tok1' ? 201 : 403, json: { csrf: 'Invalid CSRF Token' } };
    }));
    const s = session({ baseUrl: app.url, csrf: { profile: 'spring', tokenUrl: '/csrf' } });
    const all = await Promise.all(Array.from({ length: 5 }, () => s.post('/items', { json: {} })));
    expect(all.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(fetched).toBe(1);
  });
});

describe('csrf: the token stays with its origin', () => {
  async function twoOrigins() {
    const other = await track(startApp(() => ({ json: { other: true } })));
    const home = await track(startApp((req): AppReply => {
      if (req.method === 'GET') {
        return {
          headers: { 'set-cookie': 'XSRF-TOKEN=cookie-token; Path=/' },
          html: '<meta name="_csrf" content="meta-token"><meta name="_csrf_header" content="X-Custom-Csrf">',
        };
      }
      if (req.path === '/go') return { status: 307, headers: { location: `${other.url}/collect` } };
      return { status: 201, json: {} };
    }));
    return { home, other };
  }

  it('is never sent to a second origin, directly or through a 307 redirect', async () => {
    const { home, other } = await twoOrigins();
    const s = session({ baseUrl: home.url, csrf: 'spring' });
    await s.get('/');
    expect((await s.post('/save', { json: {} })).status).toBe(201);
    expect(home.seen.at(-1)!.headers['x-custom-csrf']).toBe('meta-token');
    await s.post(`${other.url}/direct`, { json: {} });
    const redirected = await s.post('/go', { json: { x: 1 } });
    expect(redirected.status).toBe(200);
    expect(other.seen.map((r) => r.path)).toEqual(['/direct', '/collect']);
    for (const r of other.seen) {
      expect(r.headers['x-custom-csrf']).toBeUndefined();
      expect(r.headers['x-xsrf-token']).toBeUndefined();
      expect(r.headers['x-csrf-token']).toBeUndefined();
    }
  });

  it('does not read HTML bodies of streaming responses', async () => {
    const { home } = await twoOrigins();
    const s = session({ baseUrl: home.url, csrf: { profile: 'spring', cookie: undefined } });
    const res = await s.get('/', { stream: true });
    await res.text();
    await s.post('/save', { json: {} });
    expect(home.seen.at(-1)!.headers['x-custom-csrf']).toBeUndefined();
  });
});
