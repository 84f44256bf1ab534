/**
 * `npm run demo`: starts the bundled demo server and walks through a stateful session with the library.
 */
import { createHash } from 'node:crypto';
import { Session } from '../src/index.js';
import { startDemoServer } from './server.js';

const server = await startDemoServer();
const step = (n: number, text: string) => console.log(`\n${n}. ${text}`);
// A fingerprint, not the value: session ids are secrets even in a demo.
const jsession = (s: Session) => {
  const v = s.cookies.getCookies(new URL(server.url)).find((c) => c.name === 'JSESSIONID')?.value ?? '';
  return `#${createHash('sha256').update(v).digest('hex').slice(0, 8)}`;
};

try {
  await using s = new Session({ baseUrl: server.url, headers: { 'User-Agent': 'sessio-demo' } });
  console.log(`demo server on ${server.url}`);

  step(1, 'GET /api/me without logging in');
  const anon = await s.get('/api/me');
  console.log(`   ${anon.status} ${await anon.text()}`);

  step(2, 'GET /login: the server starts a session and puts a CSRF token in the form');
  const page = await (await s.get('/login')).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  console.log(`   JSESSIONID=${jsession(s)}  (csrf token found: ${csrf ? 'yes' : 'no'})`);

  step(3, 'POST /login: the 302 issues a NEW session id (session-fixation protection)');
  const login = await s.post('/login', { form: { username: 'alice', password: 'secret', _csrf: csrf } });
  console.log(`   ${login.history.map((h) => `${h.status} ${new URL(h.url).pathname}`).join(' -> ')} -> ${login.status} ${new URL(login.url).pathname}`);
  console.log(`   JSESSIONID=${jsession(s)}  (rotated, kept by the session)`);

  step(4, 'GET /api/me with the session cookie');
  console.log(`   ${JSON.stringify(await (await s.get('/api/me')).json())}`);

  step(5, 'POST /api/items with the CSRF header');
  const token = (await (await s.get('/api/csrf')).json<{ token: string }>()).token;
  const item = await s.post('/api/items', { json: { name: 'first item' }, headers: { 'X-CSRF-TOKEN': token } });
  console.log(`   ${item.status} ${await item.text()}`);

  step(6, 'What was sent, redacted');
  console.log(String(item.request).replace(/^/gm, '   '));
  console.log(`\nconnections per origin: ${JSON.stringify(s.stats())}`);
} finally {
  await server.close();
}
