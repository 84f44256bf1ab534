import { createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { Client, Pool, ProxyAgent } from 'undici';
import { ProxyError, safeUrl } from '../errors.js';
import { checkHeader } from '../headers.js';
/** Key in `req.context` of the proxy the current hop went through, for errors and tunnel checks. */
export const HOP_PROXY = 'proxy';
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Parses the `proxy` option or an environment value (`host:port` without a scheme means http). */
export function parseProxy(init) {
    const given = typeof init === 'object' && !(init instanceof URL) ? init : { url: init };
    const text = String(given.url).trim();
    let url;
    try {
        url = new URL(SCHEME.test(text) ? text : `http://${text}`);
    }
    catch (err) {
        throw new ProxyError(`Invalid proxy URL ${JSON.stringify(safeUrl(text))}`, { proxy: text, cause: err });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new ProxyError(`Unsupported proxy scheme ${url.protocol} (use an http:// or https:// proxy)`, { proxy: url });
    }
    const token = url.username || url.password
        ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`, 'utf8').toString('base64')}`
        : undefined;
    const bare = new URL(url.origin);
    const noProxy = typeof given.noProxy === 'string' ? splitList(given.noProxy) : [...(given.noProxy ?? [])];
    const headers = {};
    for (const [name, value] of Object.entries(given.headers ?? {})) {
        checkHeader(name, value);
        headers[name.toLowerCase()] = value;
    }
    return { url: bare, token, headers, tls: given.tls, noProxy };
}
function splitList(value) {
    return value.split(/[\s,]+/).filter(Boolean);
}
/**
 * The proxy the environment names for `url`: `http_proxy`/`HTTP_PROXY` or `https_proxy`/`HTTPS_PROXY` by
 * scheme, then `all_proxy`/`ALL_PROXY`; lower case first, as curl and requests. Upper-case `HTTP_PROXY`
 * is ignored under CGI (`REQUEST_METHOD` set), where a client's `Proxy:` header would land in it (httpoxy).
 */
export function environmentProxy(url, env = process.env) {
    const scheme = url.protocol === 'https:' ? 'https' : 'http';
    const names = [`${scheme}_proxy`];
    if (scheme === 'https' || env.REQUEST_METHOD === undefined)
        names.push(`${scheme.toUpperCase()}_PROXY`);
    names.push('all_proxy', 'ALL_PROXY');
    for (const name of names) {
        const value = env[name]?.trim();
        if (value)
            return value;
    }
    return undefined;
}
/** `no_proxy` or `NO_PROXY` from the environment. */
export function environmentNoProxy(env = process.env) {
    return splitList(env.no_proxy ?? env.NO_PROXY ?? '');
}
/**
 * Whether `url` bypasses the proxy by a `NO_PROXY` list: `*` bypasses everything; `example.com`,
 * `.example.com` and `*.example.com` match the domain and its subdomains; `host:port` only that port;
 * IP addresses match exactly, and `10.0.0.0/8`-style ranges by prefix. IPv6 goes in brackets with a port.
 */
export function bypassesProxy(url, entries) {
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    return entries.some((raw) => matchesEntry(raw.trim().toLowerCase(), host, port));
}
function matchesEntry(entry, host, port) {
    if (!entry)
        return false;
    if (entry === '*')
        return true;
    const { name, port: wanted } = splitHostPort(entry);
    if (wanted !== undefined && wanted !== port)
        return false;
    if (name.includes('/'))
        return inRange(name, host);
    const bare = name.replace(/^\*?\./, '');
    if (host === bare)
        return true;
    return isIP(host) === 0 && host.endsWith(`.${bare}`);
}
function splitHostPort(entry) {
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed)
        return { name: bracketed[1], port: bracketed[2] === undefined ? undefined : Number(bracketed[2]) };
    if ((entry.match(/:/g) ?? []).length > 1)
        return { name: entry, port: undefined }; // bare IPv6
    const m = /^(.+):(\d+)$/.exec(entry);
    return m ? { name: m[1], port: Number(m[2]) } : { name: entry, port: undefined };
}
function inRange(cidr, host) {
    const [network, bits] = cidr.split('/');
    const family = isIP(network ?? '');
    const hostFamily = isIP(host);
    if (!family || family !== hostFamily || !/^\d+$/.test(bits ?? ''))
        return false;
    const list = new BlockList();
    try {
        list.addSubnet(network, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
    }
    catch {
        return false; // a prefix out of range: the entry matches nothing
    }
    return list.check(host, family === 6 ? 'ipv6' : 'ipv4');
}
function fingerprint(parts) {
    const hash = createHash('sha256');
    for (const p of parts)
        hash.update(typeof p === 'string' || p instanceof Uint8Array ? p : JSON.stringify(p ?? null)).update('\0');
    return hash.digest('base64url');
}
/**
 * Chooses the proxy of each hop (so a redirect from a NO_PROXY host to another one goes through the
 * proxy, and back) and keeps one undici ProxyAgent per proxy, credentials, TLS settings and connect
 * timeout. Plain-HTTP origins go through the proxy in absolute form, as curl and requests do, and HTTPS
 * ones through a CONNECT tunnel, so the proxy credentials only ever reach the proxy.
 */
export class ProxyRouter {
    #trustEnv;
    #pool;
    #agents = new Map();
    #stats;
    /** @param options.stats the transport's per-origin counters, to count proxied sockets too */
    constructor(options) {
        this.#trustEnv = options.trustEnv ?? true;
        this.#pool = options.pool ?? {};
        this.#stats = options.stats;
    }
    /** The proxy for this hop, or undefined to go direct. */
    choose(req) {
        const option = req.settings.proxy;
        if (option === null)
            return undefined;
        if (option !== undefined) {
            const choice = parseProxy(option);
            return bypassesProxy(req.url, choice.noProxy) ? undefined : choice;
        }
        if (!this.#trustEnv)
            return undefined;
        const fromEnv = environmentProxy(req.url);
        if (!fromEnv || bypassesProxy(req.url, environmentNoProxy()))
            return undefined;
        return parseProxy(fromEnv);
    }
    /** The ProxyAgent for this hop, or undefined to go direct; records the choice in `req.context`. */
    dispatcherFor(req) {
        const choice = this.choose(req);
        if (!choice) {
            delete req.context[HOP_PROXY];
            return undefined;
        }
        req.context[HOP_PROXY] = choice;
        const { tls, timeout } = req.settings;
        const key = fingerprint([choice.url.href, choice.token, choice.headers, choice.tls, tls, timeout.connect]);
        let agent = this.#agents.get(key);
        if (!agent) {
            agent = this.#create(choice, tls, timeout.connect);
            this.#agents.set(key, agent);
        }
        return agent;
    }
    #create(choice, tls, connectTimeout) {
        const timeout = connectTimeout === undefined ? {} : { timeout: connectTimeout };
        return new ProxyAgent({
            uri: choice.url.href,
            ...(choice.token && { token: choice.token }),
            headers: { ...choice.headers }, // undici adds Proxy-Authorization to the object it gets
            // Absolute-form requests for http: origins (the proxy sees and strips Proxy-Authorization);
            // https: origins still get a CONNECT tunnel.
            proxyTunnel: false,
            requestTls: { ...tls, ...(tls?.ca !== undefined && { ca: tls.ca }), ...timeout },
            proxyTls: { ...choice.tls, ...(choice.tls?.ca !== undefined && { ca: choice.tls.ca }), ...timeout },
            ...(this.#pool.connections !== undefined && { connections: this.#pool.connections }),
            ...(this.#pool.keepAliveTimeout !== undefined && { keepAliveTimeout: this.#pool.keepAliveTimeout }),
            ...(this.#pool.pipelining !== undefined && { pipelining: this.#pool.pipelining }),
            factory: this.#counted,
        });
    }
    /**
     * undici's default pool factory, plus socket counting: a tunnelled socket counts for the origin it
     * reaches, a forwarding one for the proxy.
     */
    #counted = (origin, opts) => {
        const d = opts.connections === 1 ? new Client(origin, opts) : new Pool(origin, opts);
        d.on('connect', (o) => this.#count(o, 1));
        d.on('disconnect', (o) => this.#count(o, -1));
        return d;
    };
    #count(origin, delta) {
        if (!this.#stats)
            return;
        const key = String(origin).replace(/\/$/, '');
        let s = this.#stats.get(key);
        if (!s)
            this.#stats.set(key, (s = { connections: 0, requests: 0, open: 0 }));
        if (delta > 0)
            s.connections++;
        s.open = Math.max(0, s.open + delta);
    }
    close() {
        const agents = [...this.#agents.values()];
        this.#agents.clear();
        return Promise.all(agents.map((a) => a.close())).then(() => undefined);
    }
}
/**
 * A `Proxy-Authorization` header set by hand would reach the origin on a direct or tunnelled hop (and
 * undici refuses it next to a ProxyAgent): proxy credentials belong in the proxy URL, so it is dropped.
 */
export function dropProxyAuthorization(req) {
    delete req.headers['proxy-authorization'];
}
const TUNNEL_STATUS = /^Proxy response \((\d{3})\) !== 200/;
const FORWARD_407 = /^Proxy Authentication Required \(407\)/;
const PROXY_CONNECT_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EAI_NONAME', 'UND_ERR_PRX_TLS']);
function refusedMessage(proxy, status) {
    const name = safeUrl(proxy.url);
    if (status !== 401 && status !== 407)
        return `Proxy ${name} refused the request (status ${status})`;
    return proxy.token || proxy.headers['proxy-authorization']
        ? `Proxy ${name} rejected the proxy credentials (${status}); check the user and password in the proxy URL`
        : `Proxy ${name} requires authentication (${status}); give credentials in the proxy URL: http://user:password@host:port`;
}
/** The ProxyError for an undici error raised by the proxy hop, or undefined when it is not the proxy's. */
export function proxyErrorOf(err, req) {
    const proxy = req.context[HOP_PROXY];
    if (!proxy)
        return undefined;
    const message = String(err?.message ?? '');
    const code = String(err?.code ?? '');
    const base = { proxy: proxy.url, method: req.method, url: req.url, cause: err };
    const tunnel = TUNNEL_STATUS.exec(message);
    if (tunnel) {
        const status = Number(tunnel[1]);
        const text = status === 401 || status === 407 ? refusedMessage(proxy, status) : `Proxy ${safeUrl(proxy.url)} refused to open a tunnel to ${req.url.host} (status ${status})`;
        return new ProxyError(text, { ...base, status });
    }
    if (FORWARD_407.test(message))
        return new ProxyError(refusedMessage(proxy, 407), { ...base, status: 407 });
    // Every socket of a proxied hop goes to the proxy, so failing to connect means failing to reach it.
    if (PROXY_CONNECT_CODES.has(code))
        return new ProxyError(`Cannot connect to proxy ${safeUrl(proxy.url)}: ${code}`, base);
    return undefined;
}
/**
 * A refusal that a forwarding proxy sent back as a response. squid answers 407 (undici throws on it);
 * tinyproxy answers wrong credentials with its own 401. A proxy must add `Via` to what it relays
 * (RFC 9110 §7.6.3), so a 401 without `Via`, or with `Proxy-Authenticate`, on a hop that sent proxy
 * credentials came from the proxy itself and not from the origin.
 */
export function proxyRefusalOf(status, headers, req) {
    const proxy = req.context[HOP_PROXY];
    if (!proxy || req.url.protocol !== 'http:' || proxy.url.protocol !== 'http:')
        return undefined;
    const base = { proxy: proxy.url, method: req.method, url: req.url, status };
    if (status === 407)
        return new ProxyError(refusedMessage(proxy, 407), base);
    const sentCredentials = proxy.token !== undefined || proxy.headers['proxy-authorization'] !== undefined;
    if (status === 401 && sentCredentials && (headers['proxy-authenticate'] !== undefined || headers.via === undefined)) {
        return new ProxyError(refusedMessage(proxy, 401), base);
    }
    return undefined;
}
