import { createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { Client, Pool, ProxyAgent, type Dispatcher } from 'undici';
import { ContextKey } from '../core/context.js';
import type { PoolOptions, TLSOptions } from '../core/options.js';
import { ProxyError, safeUrl } from '../core/errors.js';
import { checkHeader } from '../core/headers.js';
import type { PreparedRequest } from '../core/request.js';
import { closeAll, poolOptions } from './agents.js';

/**
 * A proxy given as an object: its URL (credentials in the userinfo are sent as proxy Basic auth),
 * extra headers for the proxy, hosts that bypass it, and TLS settings for an `https://` proxy.
 *
 * @example
 * ```ts
 * const s = new Session({
 *   proxy: { url: 'http://user:pass@proxy.internal:3128', noProxy: 'localhost,.internal', headers: { 'x-team': 'qa' } },
 * });
 * ```
 */
export interface ProxyOptions {
  /** `http://[user:password@]host:port` (or `https://` for a TLS proxy). */
  url: string | URL;
  /**
   * Headers for the proxy: sent on CONNECT, and with each forwarded plain-HTTP request (which the proxy
   * may pass on). A `Proxy-Authorization` request header is never sent; proxy credentials go here or in `url`.
   */
  headers?: Record<string, string>;
  /** Hosts reached directly, in `NO_PROXY` syntax: `host`, `.domain`, `host:port`, `10.0.0.0/8`, `*`. */
  noProxy?: string | readonly string[];
  /** TLS settings for the connection to an `https://` proxy (not to the origin: that is the `tls` option). */
  tls?: TLSOptions;
}

/**
 * What the `proxy` option takes: a URL such as `'http://user:pass@127.0.0.1:3128'`, or {@link ProxyOptions}.
 * `null` means "no proxy", the environment's included.
 */
export type ProxyInit = string | URL | ProxyOptions;

/** A proxy ready to use. */
export interface ProxyChoice {
  /** The proxy URL without credentials. */
  url: URL;
  /** `Basic …` for the proxy, from the URL's userinfo. */
  token: string | undefined;
  headers: Record<string, string>;
  tls: TLSOptions | undefined;
  noProxy: readonly string[];
}

/** The proxy the current hop went through, for errors and tunnel checks. */
export const HOP_PROXY = new ContextKey<ProxyChoice>('hopProxy', { hop: true });

/** The call's `proxy` option (the request's, else the session's); absent leaves it to the environment, `null` goes direct. */
export const PROXY = new ContextKey<ProxyInit | null>('proxy');

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Parses the `proxy` option or an environment value (`host:port` without a scheme means http). */
export function parseProxy(init: ProxyInit): ProxyChoice {
  const given = typeof init === 'object' && !(init instanceof URL) ? init : { url: init };
  const text = String(given.url).trim();
  const full = SCHEME.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(full);
  } catch (err) {
    // Node's ERR_INVALID_URL keeps the whole URL, password included, in `input`: not a safe cause.
    const cause = Object.assign(new TypeError('Invalid URL'), { code: (err as { code?: unknown }).code });
    throw new ProxyError(`Invalid proxy URL ${JSON.stringify(safeUrl(full))}`, { proxy: full, cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxyError(`Unsupported proxy scheme ${url.protocol} (use an http:// or https:// proxy)`, { proxy: url });
  }
  const token = url.username || url.password
    ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`, 'utf8').toString('base64')}`
    : undefined;
  const bare = new URL(url.origin);
  const noProxy = typeof given.noProxy === 'string' ? splitList(given.noProxy) : [...(given.noProxy ?? [])];
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(given.headers ?? {})) {
    checkHeader(name, value);
    headers[name.toLowerCase()] = value;
  }
  return { url: bare, token, headers, tls: given.tls, noProxy };
}

function splitList(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

/**
 * The proxy the environment names for `url`: `http_proxy`/`HTTP_PROXY` or `https_proxy`/`HTTPS_PROXY` by
 * scheme, then `all_proxy`/`ALL_PROXY`; lower case first, as curl and requests. Upper-case `HTTP_PROXY`
 * is ignored under CGI (`REQUEST_METHOD` set), where a client's `Proxy:` header would land in it (httpoxy).
 */
export function environmentProxy(url: URL, env: NodeJS.ProcessEnv = process.env): string | undefined {
  // Runs on every hop: the name lists are built once, not per call.
  const names = url.protocol === 'https:' ? HTTPS_PROXY_VARS : env.REQUEST_METHOD === undefined ? HTTP_PROXY_VARS : HTTP_PROXY_VARS_CGI;
  for (let i = 0; i < names.length; i++) {
    const value = env[names[i]!]?.trim();
    if (value) return value;
  }
  return undefined;
}

const HTTPS_PROXY_VARS = ['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'] as const;
const HTTP_PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'] as const;
const HTTP_PROXY_VARS_CGI = ['http_proxy', 'all_proxy', 'ALL_PROXY'] as const;

/** `no_proxy` or `NO_PROXY` from the environment. */
export function environmentNoProxy(env: NodeJS.ProcessEnv = process.env): string[] {
  return splitList(env.no_proxy ?? env.NO_PROXY ?? '');
}

/**
 * Whether `url` bypasses the proxy by a `NO_PROXY` list: `*` bypasses everything; `example.com`,
 * `.example.com` and `*.example.com` match the domain and its subdomains; `host:port` only that port;
 * IP addresses match exactly, and `10.0.0.0/8`-style ranges by prefix. IPv6 goes in brackets with a port.
 */
export function bypassesProxy(url: URL, entries: readonly string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return entries.some((raw) => matchesEntry(raw.trim().toLowerCase(), host, port));
}

function matchesEntry(entry: string, host: string, port: number): boolean {
  if (!entry) return false;
  if (entry === '*') return true;
  const { name, port: wanted } = splitHostPort(entry);
  if (wanted !== undefined && wanted !== port) return false;
  if (name.includes('/')) return inRange(name, host);
  const bare = name.replace(/^\*?\./, '');
  if (host === bare) return true;
  return isIP(host) === 0 && host.endsWith(`.${bare}`);
}

function splitHostPort(entry: string): { name: string; port: number | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1]!, port: bracketed[2] === undefined ? undefined : Number(bracketed[2]) };
  if ((entry.match(/:/g) ?? []).length > 1) return { name: entry, port: undefined }; // bare IPv6
  const m = /^(.+):(\d+)$/.exec(entry);
  return m ? { name: m[1]!, port: Number(m[2]) } : { name: entry, port: undefined };
}

function inRange(cidr: string, host: string): boolean {
  const [network, bits] = cidr.split('/');
  const family = isIP(network ?? '');
  const hostFamily = isIP(host);
  if (!family || family !== hostFamily || !/^\d+$/.test(bits ?? '')) return false;
  const list = new BlockList();
  try {
    list.addSubnet(network!, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
  } catch {
    return false; // a prefix out of range: the entry matches nothing
  }
  return list.check(host, family === 6 ? 'ipv6' : 'ipv4');
}

function fingerprint(parts: unknown[]): string {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(typeof p === 'string' || p instanceof Uint8Array ? p : JSON.stringify(p ?? null)).update('\0');
  return hash.digest('base64url');
}

/**
 * Chooses the proxy of each hop (so a redirect from a NO_PROXY host to another one goes through the
 * proxy, and back) and keeps one undici ProxyAgent per proxy, credentials, TLS settings and connect
 * timeout. Plain-HTTP origins go through the proxy in absolute form, as curl and requests do, and HTTPS
 * ones through a CONNECT tunnel, so the proxy credentials only ever reach the proxy.
 */
export class ProxyRouter {
  readonly #trustEnv: boolean;
  readonly #pool: PoolOptions;
  readonly #agents = new Map<string, ProxyAgent>();
  readonly #countSocket: ((origin: string | URL, delta: 1 | -1) => void) | undefined;
  readonly #maxHeaderSize: number | undefined;

  /** @param options.countSocket the transport's per-origin socket counter, to count proxied sockets too */
  constructor(options: { trustEnv?: boolean; pool?: PoolOptions; maxHeaderSize?: number | undefined; countSocket?: (origin: string | URL, delta: 1 | -1) => void }) {
    this.#trustEnv = options.trustEnv ?? true;
    this.#maxHeaderSize = options.maxHeaderSize;
    this.#pool = options.pool ?? {};
    this.#countSocket = options.countSocket;
  }

  /** The proxy for this hop, or undefined to go direct. */
  choose(req: PreparedRequest): ProxyChoice | undefined {
    const option = req.context.get(PROXY);
    if (option === null) return undefined;
    if (option !== undefined) {
      const choice = parseProxy(option);
      return bypassesProxy(req.url, choice.noProxy) ? undefined : choice;
    }
    if (!this.#trustEnv) return undefined;
    const fromEnv = environmentProxy(req.url);
    if (!fromEnv || bypassesProxy(req.url, environmentNoProxy())) return undefined;
    return parseProxy(fromEnv);
  }

  /** The ProxyAgent for this hop, or undefined to go direct; records the choice in `req.context`. */
  dispatcherFor(req: PreparedRequest): Dispatcher | undefined {
    const choice = this.choose(req);
    if (!choice) {
      req.context.delete(HOP_PROXY);
      return undefined;
    }
    req.context.set(HOP_PROXY, choice);
    const { tls, timeout } = req.settings;
    const key = fingerprint([choice.url.href, choice.token, choice.headers, choice.tls, tls, timeout.connect]);
    let agent = this.#agents.get(key);
    if (!agent) {
      agent = this.#create(choice, tls, timeout.connect);
      this.#agents.set(key, agent);
    }
    return agent;
  }

  #create(choice: ProxyChoice, tls: TLSOptions | undefined, connectTimeout: number | undefined): ProxyAgent {
    const timeout = connectTimeout === undefined ? {} : { timeout: connectTimeout };
    return new ProxyAgent({
      uri: choice.url.href,
      ...(choice.token && { token: choice.token }),
      headers: { ...choice.headers }, // undici adds Proxy-Authorization to the object it gets
      // Absolute-form requests for http: origins (the proxy sees and strips Proxy-Authorization);
      // https: origins still get a CONNECT tunnel.
      proxyTunnel: false,
      requestTls: { ...(tls as object), ...(tls?.ca !== undefined && { ca: tls.ca as string[] }), ...timeout },
      proxyTls: { ...(choice.tls as object), ...(choice.tls?.ca !== undefined && { ca: choice.tls.ca as string[] }), ...timeout },
      ...poolOptions(this.#pool),
      factory: this.#counted,
    });
  }

  /**
   * undici's default pool factory, plus socket counting: a tunnelled socket counts for the origin it
   * reaches, a forwarding one for the proxy. undici hands its forwarding client only `connect`, so
   * the head limit is added here for every pool, forwarding or tunnelled.
   */
  readonly #counted = (origin: string | URL, given: object): Dispatcher => {
    const opts = this.#maxHeaderSize === undefined ? given : { ...given, maxHeaderSize: this.#maxHeaderSize };
    const d = (opts as { connections?: number }).connections === 1 ? new Client(origin, opts) : new Pool(origin, opts);
    if (this.#countSocket) {
      d.on('connect', (o: URL) => this.#countSocket!(o, 1));
      d.on('disconnect', (o: URL) => this.#countSocket!(o, -1));
    }
    return d;
  };

  close(): Promise<void> {
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    return closeAll(agents);
  }
}

/**
 * A `Proxy-Authorization` header set by hand would reach the origin on a direct or tunnelled hop (and
 * undici refuses it next to a ProxyAgent): proxy credentials belong in the proxy URL, so it is dropped.
 */
export function dropProxyAuthorization(req: PreparedRequest): void {
  delete req.headers['proxy-authorization'];
}

const TUNNEL_STATUS = /^Proxy response \((\d{3})\) !== 200/;
const FORWARD_407 = /^Proxy Authentication Required \(407\)/;
const PROXY_CONNECT_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EAI_NONAME', 'UND_ERR_PRX_TLS']);

function refusedMessage(proxy: ProxyChoice, status: number): string {
  const name = safeUrl(proxy.url);
  if (status !== 401 && status !== 407) return `Proxy ${name} refused the request (status ${status})`;
  return proxy.token || proxy.headers['proxy-authorization']
    ? `Proxy ${name} rejected the proxy credentials (${status}); check the user and password in the proxy URL`
    : `Proxy ${name} requires authentication (${status}); give credentials in the proxy URL: http://user:password@host:port`;
}

/** The ProxyError for an undici error raised by the proxy hop, or undefined when it is not the proxy's. */
export function proxyErrorOf(err: unknown, req: PreparedRequest): ProxyError | undefined {
  const proxy = req.context.get(HOP_PROXY);
  if (!proxy) return undefined;
  const message = String((err as Error)?.message ?? '');
  const code = String((err as { code?: unknown })?.code ?? '');
  const base = { proxy: proxy.url, method: req.method, url: req.url, cause: err };
  const tunnel = TUNNEL_STATUS.exec(message);
  if (tunnel) {
    const status = Number(tunnel[1]);
    const text = status === 401 || status === 407 ? refusedMessage(proxy, status) : `Proxy ${safeUrl(proxy.url)} refused to open a tunnel to ${req.url.host} (status ${status})`;
    return new ProxyError(text, { ...base, status });
  }
  if (FORWARD_407.test(message)) return new ProxyError(refusedMessage(proxy, 407), { ...base, status: 407 });
  // Every socket of a proxied hop goes to the proxy, so failing to connect means failing to reach it.
  if (PROXY_CONNECT_CODES.has(code)) return new ProxyError(`Cannot connect to proxy ${safeUrl(proxy.url)}: ${code}`, base);
  return undefined;
}

/**
 * A refusal that a forwarding proxy sent back as a response. squid answers 407 (undici throws on it);
 * tinyproxy answers wrong credentials with its own 401. A proxy must add `Via` to what it relays
 * (RFC 9110 §7.6.3), so a 401 without `Via`, or with `Proxy-Authenticate`, on a hop that sent proxy
 * credentials came from the proxy itself and not from the origin.
 */
export function proxyRefusalOf(status: number, headers: Record<string, string | string[] | undefined>, req: PreparedRequest): ProxyError | undefined {
  const proxy = req.context.get(HOP_PROXY);
  if (!proxy || req.url.protocol !== 'http:' || proxy.url.protocol !== 'http:') return undefined;
  const base = { proxy: proxy.url, method: req.method, url: req.url, status };
  if (status === 407) return new ProxyError(refusedMessage(proxy, 407), base);
  const sentCredentials = proxy.token !== undefined || proxy.headers['proxy-authorization'] !== undefined;
  if (status === 401 && sentCredentials && (headers['proxy-authenticate'] !== undefined || headers.via === undefined)) {
    return new ProxyError(refusedMessage(proxy, 401), base);
  }
  return undefined;
}
