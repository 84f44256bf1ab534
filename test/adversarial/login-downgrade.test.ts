/**
 * Issue 12, bug 5: a form login configured at an https: URL never posts the password over http: — not
 * when the https login page redirects to an http copy whose form posts to itself, nor when the https
 * form's POST is redirected to http with its body (307).
 */
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, Session, formLogin } from '../../src/index.js';
import { startHttpServer, startHttpsServer, testPki, type TestServer } from '../helpers/tls.js';

const PASSWORD = 'S3CRET-pw';
let plain: TestServer<http.Server>;
let secure: TestServer<import('node:https').Server>;
const plainBodies: string[] = [];

const FORM = '<form method=post><input name=username><input type=password name=password></form>';

beforeAll(async () => {
  plain = await startHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      plainBodies.push(body);
      if (req.method === 'POST') return void res.writeHead(302, { location: '/home' }).end();
      res.setHeader('content-type', 'text/html');
      res.end(req.url === '/home' ? 'welcome' : FORM);
    });
  });
  secure = await startHttpsServer((req, res) => {
    req.resume();
    if (req.url === '/login-moved') return void res.writeHead(302, { location: `${plain.url}/login` }).end();
    if (req.method === 'POST') return void res.writeHead(307, { location: `${plain.url}/login` }).end();
    res.setHeader('content-type', 'text/html');
    res.end(FORM);
  });
});
afterAll(async () => {
  await Promise.all([plain?.close(), secure?.close()]);
});

describe('a form login configured at https', () => {
  it.each([
    ['the login page redirects to an http page whose form posts to itself', '/login-moved'],
    ['the https form\'s POST is redirected to http with its body (307)', '/login'],
  ])('%s: refused, the password never reaches http', async (_name, path) => {
    plainBodies.length = 0;
    const { ca } = await testPki();
    await using s = new Session({ baseUrl: secure.url, tls: { ca }, login: formLogin({ url: path, username: 'alice', password: PASSWORD }) });
    const err = await s.login().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(plainBodies.join('\n')).not.toContain(PASSWORD);
  });
});
