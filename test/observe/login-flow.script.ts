/**
 * Child process of debug-flow.test.ts: a whole login-and-call flow run with DEBUG=sessio*.
 * Secrets come from the environment so that this file holds none of them.
 */
import { Session, formLogin, retry } from '../../src/index.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`missing ${name}`);
  return v;
};

const base = env('FLOW_URL');
const s = new Session({
  baseUrl: base,
  login: formLogin({ url: '/login', username: 'alice', password: env('FLOW_PASSWORD') }),
  hooks: { afterResponse: (res, _req, { attempt }) => (res.status === 503 && attempt === 0 ? retry({ delay: 5 }) : undefined) },
});
try {
  await s.login();
  const home = await s.get('/home');
  const csrf = /<meta name="_csrf" content="([^"]+)"/.exec(await home.text())?.[1] ?? '';
  const token = await (await s.get('/api/token', { auth: { username: 'client', password: env('FLOW_CLIENT_SECRET') } })).json<{ access_token: string }>();
  const me = await s.post(`/api/me?access_token=${token.access_token}`, {
    headers: { authorization: `Bearer ${token.access_token}`, 'x-csrf-token': csrf },
    json: { note: 'hello', password: env('FLOW_PASSWORD') },
  });
  const flaky = await s.get('/flaky');
  const flaky2 = await s.get('/flaky2', { retry: 1 });
  process.stdout.write(`flow done: me ${me.status} flaky ${flaky.status} flaky2 ${flaky2.status}\n`);
} finally {
  await s.close();
}
