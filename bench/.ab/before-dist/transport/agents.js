import { createHash } from 'node:crypto';
import { Agent } from 'undici';
import { RequestError } from '../errors.js';
/**
 * Owns the session's undici Agents. Requests with different TLS settings or connect timeouts get
 * different Agents, so an unverified request never rides on a connection made for a verified one.
 */
export class Agents {
    #pool;
    #tls;
    #connectTimeout;
    #injected;
    #agents = new Map();
    #default;
    stats = new Map();
    constructor(options) {
        this.#pool = options.pool ?? {};
        this.#tls = options.tls;
        this.#connectTimeout = options.connectTimeout;
        this.#injected = options.dispatcher;
        this.#default = this.#injected ?? this.#create(this.#tls, this.#connectTimeout);
    }
    /** The dispatcher for a request with these TLS settings and connect timeout. */
    get(tls, connectTimeout) {
        if (tls === this.#tls && connectTimeout === this.#connectTimeout)
            return this.#default;
        if (this.#injected) {
            // The caller's dispatcher decides about TLS and connecting; silently bypassing it would be worse.
            if (tls !== this.#tls)
                throw new RequestError('Per-request `tls` cannot be used with an injected `dispatcher`: configure TLS on that dispatcher');
            return this.#injected;
        }
        const key = agentKey(tls, connectTimeout);
        let agent = this.#agents.get(key);
        if (!agent) {
            agent = this.#create(tls, connectTimeout);
            this.#agents.set(key, agent);
        }
        return agent;
    }
    /** Counts a request for its origin. */
    countRequest(origin) {
        this.#entry(origin).requests++;
    }
    #entry(origin) {
        let s = this.stats.get(origin);
        if (!s)
            this.stats.set(origin, (s = { connections: 0, requests: 0, open: 0 }));
        return s;
    }
    #create(tls, connectTimeout) {
        const agent = new Agent({
            ...(this.#pool.connections !== undefined && { connections: this.#pool.connections }),
            ...(this.#pool.keepAliveTimeout !== undefined && { keepAliveTimeout: this.#pool.keepAliveTimeout }),
            ...(this.#pool.pipelining !== undefined && { pipelining: this.#pool.pipelining }),
            connect: {
                ...tls,
                ...(tls?.ca !== undefined && { ca: tls.ca }),
                ...(connectTimeout !== undefined && { timeout: connectTimeout }),
            },
        });
        agent.on('connect', (origin) => {
            const s = this.#entry(String(origin).replace(/\/$/, ''));
            s.connections++;
            s.open++;
        });
        agent.on('disconnect', (origin) => {
            const s = this.#entry(String(origin).replace(/\/$/, ''));
            s.open = Math.max(0, s.open - 1);
        });
        return agent;
    }
    /**
     * Closes the session's own Agents (an injected dispatcher belongs to the caller). Requests under way
     * get a short grace period; after it, sockets are destroyed, so a stream nobody reads cannot hold
     * `close()` forever.
     */
    async close() {
        const own = [...this.#agents.values()];
        if (!this.#injected)
            own.push(this.#default);
        this.#agents.clear();
        await Promise.all(own.map((a) => closeWithin(a, CLOSE_GRACE_MS)));
    }
}
const CLOSE_GRACE_MS = 1000;
/** Closes `dispatcher` gracefully, or destroys it when requests still run after `ms`. */
export async function closeWithin(dispatcher, ms) {
    let timer;
    const graceful = dispatcher.close().then(() => true);
    const late = new Promise((resolve) => {
        timer = setTimeout(resolve, ms, false);
        timer.unref();
    });
    const closed = await Promise.race([graceful, late]);
    clearTimeout(timer);
    if (!closed)
        await dispatcher.destroy();
}
/** A short fingerprint of a PEM or key, so that equal settings share an Agent and unequal ones never do. */
function identity(v) {
    if (v === undefined || v === null)
        return '-';
    if (typeof v === 'string' || v instanceof Uint8Array)
        return createHash('sha256').update(v).digest('base64url');
    return String(v);
}
function agentKey(tls, connectTimeout) {
    if (!tls)
        return `t=${connectTimeout ?? ''}`;
    const ca = Array.isArray(tls.ca) ? tls.ca.map(identity).join(',') : identity(tls.ca);
    return [tls.rejectUnauthorized !== false, ca, identity(tls.cert), identity(tls.key), tls.servername ?? '', connectTimeout ?? ''].join('|');
}
