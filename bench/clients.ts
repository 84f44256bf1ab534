/**
 * The clients the bench compares, each set up the way its users would: a keep-alive pool, a cookie jar
 * where the client has one, JSON parsed from every response, redirects followed with cookies per hop.
 */
import http from 'node:http';
import https from 'node:https';
import axios from 'axios';
import { wrapper } from 'axios-cookiejar-support';
import fetchCookie from 'fetch-cookie';
import got from 'got';
import { HttpCookieAgent, HttpsCookieAgent } from 'http-cookie-agent/http';
import { CookieJar as ToughJar } from 'tough-cookie';
import { Agent, request as undiciRequest } from 'undici';

/** The sessio module under test (built dist/ for `npm run bench`, src/ for the smoke test). */
export type SessioModule = typeof import('../src/index.js');

/** Where a client sends its requests. */
export interface Target {
  origin: string;
  /** CA for HTTPS targets. */
  ca?: string;
}

/** One client under test. Every method resolves with the parsed JSON body of the final response. */
export interface BenchClient {
  readonly name: string;
  /** False for raw undici, which sends no cookies. */
  readonly hasJar: boolean;
  get(path: string): Promise<unknown>;
  postJson(path: string, body: unknown): Promise<unknown>;
  /** POSTs the login form and follows its redirect chain, storing and sending cookies on every hop. */
  login(): Promise<unknown>;
  close(): Promise<void>;
}

export type ClientFactory = (target: Target, sessio: SessioModule) => BenchClient;

const LOGIN_FORM = 'username=alice&password=secret';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const MAX_HOPS = 10;

export function sessioClient(target: Target, sessio: SessioModule): BenchClient {
  const s = new sessio.Session({ baseUrl: target.origin, ...(target.ca && { tls: { ca: target.ca } }) });
  return {
    name: 'sessio',
    hasJar: true,
    get: async (path) => (await s.get(path)).json(),
    postJson: async (path, body) => (await s.post(path, { json: body })).json(),
    login: async () => (await s.post('/login', { form: { username: 'alice', password: 'secret' } })).json(),
    close: () => s.close(),
  };
}

type Jarless = { getCookieString?: undefined };
type Jar = Jarless | ToughJar;

/** undici.request by hand: redirects followed in a loop, cookies (when there is a jar) read and stored per hop. */
function undiciClient(name: string, jar: Jar, target: Target): BenchClient {
  const agent = new Agent(target.ca ? { connect: { ca: target.ca } } : {});
  const send = async (method: 'GET' | 'POST', path: string, body?: string, contentType?: string): Promise<unknown> => {
    let url = new URL(path, target.origin);
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const headers: Record<string, string> = {};
      if (contentType) headers['content-type'] = contentType;
      const cookie = jar.getCookieString ? await jar.getCookieString(url.href) : '';
      if (cookie) headers.cookie = cookie;
      const res = await undiciRequest(url, { method, headers, body: body ?? null, dispatcher: agent });
      const setCookie = res.headers['set-cookie'];
      if (setCookie && jar.getCookieString) {
        for (const sc of Array.isArray(setCookie) ? setCookie : [setCookie]) await (jar as ToughJar).setCookie(sc, url.href);
      }
      const location = res.headers.location;
      if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
        await res.body.dump();
        url = new URL(location, url);
        method = 'GET';
        body = undefined;
        contentType = undefined;
        continue;
      }
      return res.body.json();
    }
    throw new Error(`${name}: too many redirects`);
  };
  return {
    name,
    hasJar: jar.getCookieString !== undefined,
    get: (path) => send('GET', path),
    postJson: (path, body) => send('POST', path, JSON.stringify(body), JSON_TYPE),
    login: () => send('POST', '/login', LOGIN_FORM, FORM_TYPE),
    close: () => agent.close(),
  };
}

function fetchClient(target: Target): BenchClient {
  const f = fetchCookie(fetch, new ToughJar());
  // Global fetch has no CA option; a dispatcher carrying the CA is what users pass for that.
  const dispatcher = target.ca ? new Agent({ connect: { ca: target.ca } }) : undefined;
  const call = async (path: string, init: RequestInit): Promise<unknown> => {
    const res = await f(new URL(path, target.origin).href, { ...init, ...(dispatcher && { dispatcher }) } as RequestInit);
    return res.json();
  };
  return {
    name: 'fetch + fetch-cookie',
    hasJar: true,
    get: (path) => call(path, {}),
    postJson: (path, body) => call(path, { method: 'POST', headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) }),
    login: () => call('/login', { method: 'POST', headers: { 'content-type': FORM_TYPE }, body: LOGIN_FORM }),
    close: async () => dispatcher?.close(),
  };
}

/**
 * axios-cookiejar-support over http (it makes its own agent per request and takes no CA); over https,
 * http-cookie-agent (the library it wraps) with keep-alive and the CA, as its docs advise for custom agents.
 */
function axiosClient(target: Target): BenchClient {
  const jar = new ToughJar();
  // http-cookie-agent's typings name tough-cookie's CommonJS build; the jar is the same class.
  const cookies = { jar: jar as never };
  const instance = target.ca
    ? axios.create({
        baseURL: target.origin,
        httpsAgent: new HttpsCookieAgent({ cookies, keepAlive: true, ca: target.ca }),
        httpAgent: new HttpCookieAgent({ cookies, keepAlive: true }),
      })
    : wrapper(axios.create({ baseURL: target.origin, jar }));
  return {
    name: 'axios + cookiejar',
    hasJar: true,
    get: async (path) => (await instance.get(path)).data as unknown,
    postJson: async (path, body) => (await instance.post(path, body)).data as unknown,
    login: async () => (await instance.post('/login', LOGIN_FORM, { headers: { 'content-type': FORM_TYPE } })).data as unknown,
    close: async () => undefined,
  };
}

function gotClient(target: Target): BenchClient {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true, ...(target.ca && { ca: target.ca }) });
  const client = got.extend({
    prefixUrl: target.origin,
    cookieJar: new ToughJar(),
    agent: { http: httpAgent, https: httpsAgent },
    retry: { limit: 0 },
    // Browsers and requests turn a POST into a GET on 302; got only does on 303 unless told.
    methodRewriting: true,
  });
  const strip = (path: string) => path.replace(/^\//, ''); // got's prefixUrl refuses a leading slash
  return {
    name: 'got + tough-cookie',
    hasJar: true,
    get: (path) => client.get(strip(path)).json(),
    postJson: (path, body) => client.post(strip(path), { json: body }).json(),
    login: () => client.post('login', { body: LOGIN_FORM, headers: { 'content-type': FORM_TYPE } }).json(),
    close: async () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** The baseline the ratios divide by. */
export const BASELINE = 'undici.request';

/** All clients, baseline first. */
export const CLIENTS: readonly ClientFactory[] = [
  (t) => undiciClient(BASELINE, {}, t),
  sessioClient,
  (t) => undiciClient('undici + tough-cookie', new ToughJar(), t),
  (t) => fetchClient(t),
  (t) => axiosClient(t),
  (t) => gotClient(t),
];
