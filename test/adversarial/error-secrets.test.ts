/**
 * Issue 12, bug 4: what `console.error(err)` prints — `util.inspect(err)` — carries no secret, on any
 * object reachable from the error: the request's headers on `HTTPError.response.request`, URLs in a
 * `TooManyRedirectsError`'s history, the raw URL in `cause.input`, a password with `/` in it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTPError, InvalidURLError, Session, TooManyRedirectsError } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

const PASSWORD = 'pw-s3cret';
const TOKEN = 'tok-s3cret';
let server: TestServer<import('node:http').Server>;

beforeAll(async () => {
  server = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url!.startsWith('/loop')) {
      return void res.writeHead(302, { location: `http://u:${PASSWORD}@127.0.0.1:${server.port}/loop?access_token=${TOKEN}`, 'set-cookie': `sid=${TOKEN}` }).end();
    }
    res.writeHead(500, { 'set-cookie': `sid=${TOKEN}` }).end('broken');
  });
});
afterAll(() => server?.close());

/** Every string the error's full inspection shows, with no depth limit. */
function printed(err: unknown): string {
  return inspect(err, { depth: Infinity, showHidden: false });
}

describe('util.inspect of a thrown error', () => {
  it('InvalidURLError: a password containing "/" appears neither in the message nor in the cause', async () => {
    await using s = new Session();
    const err = await s.get(`http://user:${PASSWORD}/x@127.0.0.1:${server.port}/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidURLError);
    expect((err as Error).message).not.toContain(PASSWORD);
    expect((err as Error).message).toContain('127.0.0.1');
    expect(printed(err)).not.toContain(PASSWORD);
    expect(printed(err)).not.toContain('x@127');
  });

  it('HTTPError: Basic credentials, sensitive headers and cookies of response.request are redacted', async () => {
    await using s = new Session({ throwHttpErrors: true, auth: { username: 'alice', password: PASSWORD }, sensitiveHeaders: ['x-team-key'] });
    s.cookies.setCookie(`jar=${TOKEN}-jar`, server.url);
    const err = await s.get(`${server.url}/fail`, { headers: { 'x-team-key': `${TOKEN}-h`, 'x-visible': 'shown' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPError);
    const text = printed(err);
    expect(text).toContain('shown'); // the redacted copy still shows what is not secret
    expect(text).toContain('HTTPError');
    for (const secret of [PASSWORD, Buffer.from(`alice:${PASSWORD}`).toString('base64'), `${TOKEN}-h`, `${TOKEN}-jar`]) expect(text).not.toContain(secret);
  });

  it('TooManyRedirectsError: userinfo and access_token in the history and message are redacted', async () => {
    await using s = new Session({ maxRedirects: 3 });
    const err = await s.get(`${server.url}/loop?access_token=${TOKEN}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooManyRedirectsError);
    const text = printed(err);
    expect(text).toContain('/loop');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(TOKEN);
  });
});
