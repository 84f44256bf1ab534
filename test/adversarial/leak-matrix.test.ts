/**
 * The redirect leak matrix (issue 12): each secret a request can carry × each kind of redirect that
 * leaves its origin. A cell leaks when the landing server sees the secret. Prints the figures.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, bearerAuth, digestAuth, type RequestOptions, type SessionInit } from '../../src/index.js';
import { startHttpServer, startHttpsServer, testPki, type TestServer } from '../helpers/tls.js';

interface Landing { host: string; headers: IncomingMessage['headers']; url: string }
const landings: Landing[] = [];

/** Records every request to `/land`; `/start?to=URL&status=N` redirects, after a Digest challenge when asked. */
function handler(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const url = new URL(req.url!, 'http://x');
  if (url.pathname === '/land') {
    landings.push({ host: req.headers.host!, headers: req.headers, url: req.url! });
    return void res.end('landed');
  }
  if (url.searchParams.has('digest') && !String(req.headers.authorization ?? '').startsWith('Digest ')) {
    return void res.writeHead(401, { 'www-authenticate': 'Digest realm="m", qop="auth", nonce="n0nce", opaque="o", algorithm=MD5' }).end();
  }
  res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to')! }).end();
}

let source: TestServer<import('node:http').Server>;
let secureSource: TestServer<import('node:https').Server>;
let target: TestServer<import('node:http').Server>;
let ca: string;

beforeAll(async () => {
  [source, secureSource, target, { ca }] = await Promise.all([startHttpServer(handler), startHttpsServer(handler), startHttpServer(handler), testPki()]);
});
afterAll(async () => {
  await Promise.all([source?.close(), secureSource?.close(), target?.close()]);
});

interface Secret {
  name: string;
  session: SessionInit;
  request: RequestOptions;
  digest?: boolean;
  /** Whether what the landing server saw carries this secret. */
  leaked(l: Landing): boolean;
}

const seen = (l: Landing, text: string) => JSON.stringify(l.headers).includes(text) || l.url.includes(text);

const SECRETS: Secret[] = [
  { name: 'Basic', session: { auth: { username: 'u', password: 'BASIC-PW' } }, request: {}, leaked: (l) => seen(l, Buffer.from('u:BASIC-PW').toString('base64')) || seen(l, 'BASIC-PW') },
  { name: 'Digest', session: { auth: digestAuth('digest-user', 'DIGEST-PW') }, request: {}, digest: true, leaked: (l) => l.headers.authorization !== undefined || seen(l, 'digest-user') },
  { name: 'Bearer', session: { auth: bearerAuth('BEARER-TOKEN') }, request: {}, leaked: (l) => seen(l, 'BEARER-TOKEN') },
  { name: 'sensitiveHeaders', session: { sensitiveHeaders: ['x-team-key'], headers: { 'x-team-key': 'TEAM-KEY' } }, request: {}, leaked: (l) => seen(l, 'TEAM-KEY') },
  { name: 'own Cookie', session: {}, request: { headers: { cookie: 'own=OWN-COOKIE' } }, leaked: (l) => seen(l, 'OWN-COOKIE') },
  { name: 'cookies option', session: {}, request: { cookies: { opt: 'OPT-COOKIE' } }, leaked: (l) => seen(l, 'OPT-COOKIE') },
  { name: 'CSRF header', session: {}, request: { headers: { 'x-csrf-token': 'CSRF-TOKEN' } }, leaked: (l) => seen(l, 'CSRF-TOKEN') },
  { name: 'Proxy-Authorization', session: {}, request: { headers: { 'proxy-authorization': 'Basic PROXY-AUTH' } }, leaked: (l) => seen(l, 'PROXY-AUTH') },
];

interface Kind {
  name: string;
  /** The source's origin and the Location it answers. */
  from: () => string;
  location: () => string;
  status?: number;
  post?: boolean;
}

const KINDS: Kind[] = [
  { name: 'other host', from: () => source.url, location: () => `http://localhost:${source.port}/land` },
  { name: 'other port', from: () => source.url, location: () => `${target.url}/land` },
  { name: 'https→http', from: () => secureSource.url, location: () => `${target.url}/land` },
  { name: 'userinfo in Location', from: () => source.url, location: () => `http://intruder:x@127.0.0.1:${target.port}/land` },
  { name: '//host', from: () => source.url, location: () => `//127.0.0.1:${target.port}/land` },
  { name: '307 with a body', from: () => source.url, location: () => `${target.url}/land`, status: 307, post: true },
];

describe('redirect leak matrix', () => {
  it(`${SECRETS.length} secrets × ${KINDS.length} redirect kinds: no secret reaches the other origin`, async () => {
    const leaks: string[] = [];
    const unfollowed: string[] = [];
    for (const secret of SECRETS) {
      for (const kind of KINDS) {
        landings.length = 0;
        await using s = new Session({ tls: { ca }, trustEnv: false, ...secret.session });
        const query = new URLSearchParams({ to: kind.location(), status: String(kind.status ?? 302), ...(secret.digest && { digest: '1' }) });
        const url = `${kind.from()}/start?${query}`;
        const res = await (kind.post ? s.post(url, { ...secret.request, form: { field: 'value' } }) : s.get(url, secret.request));
        await res.text();
        const cell = `${secret.name} × ${kind.name}`;
        if (landings.length !== 1) unfollowed.push(cell);
        if (landings.some((l) => secret.leaked(l))) leaks.push(cell);
      }
    }
    const cells = SECRETS.length * KINDS.length;
    console.log(`[adversarial] leak matrix: ${cells} cells, ${leaks.length} leaks, ${unfollowed.length} not followed${leaks.length ? `: ${leaks.join('; ')}` : ''}`);
    expect(unfollowed).toEqual([]);
    expect(leaks).toEqual([]);
  });
});

describe('the matrix\'s control: a same-origin redirect', () => {
  it('keeps each secret (so a cell above that saw none really dropped it)', async () => {
    const missing: string[] = [];
    for (const secret of SECRETS.filter((x) => x.name !== 'Proxy-Authorization')) {
      landings.length = 0;
      await using s = new Session({ trustEnv: false, ...secret.session });
      const query = new URLSearchParams({ to: `${source.url}/land`, ...(secret.digest && { digest: '1' }) });
      await (await s.get(`${source.url}/start?${query}`, secret.request)).text();
      if (!landings.some((l) => secret.leaked(l))) missing.push(secret.name);
    }
    expect(missing).toEqual([]);
  });
});
