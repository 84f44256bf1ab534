import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, formLogin } from '../../src/index.js';
import { hasPasswordInput } from '../../src/features/login/detect.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

describe('hasPasswordInput', () => {
  it('finds a password input whatever the case, quoting and attribute order', () => {
    expect(hasPasswordInput('<form><input name=p type=password></form>')).toBe(true);
    expect(hasPasswordInput('<INPUT NAME="p" TYPE = "Password" >')).toBe(true);
    expect(hasPasswordInput("<input\ttype='password'/>")).toBe(true);
    expect(hasPasswordInput('<input type="text" name="q"><input/type=password>')).toBe(true);
  });

  it('ignores look-alikes', () => {
    expect(hasPasswordInput('<input type="text" data-type=password>')).toBe(false);
    expect(hasPasswordInput('<inputs type=password>')).toBe(false);
    expect(hasPasswordInput('<p>type=password</p>')).toBe(false);
    expect(hasPasswordInput('')).toBe(false);
  });

  it('reads only the first 64 KB', () => {
    expect(hasPasswordInput(`${' '.repeat(70 * 1024)}<input type=password>`)).toBe(false);
    expect(hasPasswordInput(`${' '.repeat(60 * 1024)}<input type=password>`)).toBe(true);
  });

  it('answers for adversarial pages of repeated, unterminated inputs', () => {
    expect(hasPasswordInput('<input '.repeat(200_000))).toBe(false);
    expect(hasPasswordInput('<input type '.repeat(100_000))).toBe(false);
    expect(hasPasswordInput(`${'<input '.repeat(5_000)}type=password>`)).toBe(true);
  });
});

describe('the logged-out check on a large adversarial page', () => {
  let app: TestServer<http.Server>;
  let logins = 0;
  beforeAll(async () => {
    app = await startHttpServer((req, res) => {
      if (req.url === '/login') logins++;
      res.setHeader('content-type', 'text/html');
      res.end('<input '.repeat(100_000));
    });
  });
  afterAll(() => app?.close());

  it('completes and does not take the page for a login page', async () => {
    const s = new Session({ baseUrl: app.url, login: formLogin({ url: '/login', username: 'u', password: 'p' }) });
    const res = await s.get('/api/me', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect((await res.text()).length).toBe(700_000);
    expect(logins).toBe(0);
    await s.close();
  });
});
