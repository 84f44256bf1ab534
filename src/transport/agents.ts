import { createHash } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import type { PoolOptions, TLSOptions } from '../core/options.js';
import { RequestError } from '../core/errors.js';

/** Per-origin counters: sockets opened and requests sent, so connection reuse is visible. */
export interface OriginStats {
  /** Sockets opened to this origin. */
  connections: number;
  /** Requests sent to this origin (each redirect hop and retry counts). */
  requests: number;
  /** Sockets currently open. */
  open: number;
}

/**
 * Owns the session's undici Agents. Requests with different TLS settings or connect timeouts get
 * different Agents, so an unverified request never rides on a connection made for a verified one.
 */
export class Agents {
  readonly #pool: PoolOptions;
  readonly #tls: TLSOptions | undefined;
  readonly #connectTimeout: number | undefined;
  readonly #injected: Dispatcher | undefined;
  readonly #maxHeaderSize: number | undefined;
  readonly #agents = new Map<string, Agent>();
  readonly #default: Dispatcher;
  readonly stats = new Map<string, OriginStats>();

  constructor(options: { pool?: PoolOptions; tls?: TLSOptions; connectTimeout?: number; dispatcher?: Dispatcher; maxHeaderSize?: number }) {
    this.#pool = options.pool ?? {};
    this.#maxHeaderSize = options.maxHeaderSize;
    this.#tls = options.tls;
    this.#connectTimeout = options.connectTimeout;
    this.#injected = options.dispatcher;
    this.#default = this.#injected ?? this.#create(this.#tls, this.#connectTimeout);
  }

  /** The dispatcher for a request with these TLS settings and connect timeout. */
  get(tls: TLSOptions | undefined, connectTimeout: number | undefined): Dispatcher {
    if (tls === this.#tls && connectTimeout === this.#connectTimeout) return this.#default;
    if (this.#injected) {
      // The caller's dispatcher decides about TLS and connecting; silently bypassing it would be worse.
      if (tls !== this.#tls) throw new RequestError('Per-request `tls` cannot be used with an injected `dispatcher`: configure TLS on that dispatcher');
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
  countRequest(origin: string): void {
    this.#entry(origin).requests++;
  }

  #entry(origin: string): OriginStats {
    let s = this.stats.get(origin);
    if (!s) this.stats.set(origin, (s = { connections: 0, requests: 0, open: 0 }));
    return s;
  }

  /** Counts a socket opened (+1) or closed (-1) to `origin` (undici passes it as a URL or string). */
  readonly countSocket = (origin: string | URL, delta: 1 | -1): void => {
    const s = this.#entry(String(origin).replace(/\/$/, ''));
    if (delta > 0) s.connections++;
    s.open = Math.max(0, s.open + delta);
  };

  #create(tls: TLSOptions | undefined, connectTimeout: number | undefined): Agent {
    const agent = new Agent({
      ...poolOptions(this.#pool),
      ...(this.#maxHeaderSize !== undefined && { maxHeaderSize: this.#maxHeaderSize }),
      connect: {
        ...(tls as object),
        ...(tls?.ca !== undefined && { ca: tls.ca as string[] }),
        ...(connectTimeout !== undefined && { timeout: connectTimeout }),
      },
    });
    agent.on('connect', (origin) => this.countSocket(origin, 1));
    agent.on('disconnect', (origin) => this.countSocket(origin, -1));
    return agent;
  }

  /**
   * Closes the session's own Agents (an injected dispatcher belongs to the caller). Requests under way
   * get a short grace period; after it, sockets are destroyed, so a stream nobody reads cannot hold
   * `close()` forever.
   */
  async close(): Promise<void> {
    const own = [...this.#agents.values()];
    if (!this.#injected) own.push(this.#default as Agent);
    this.#agents.clear();
    await closeAll(own);
  }
}

/** The undici pool settings of the `pool` option (unset ones left to undici's defaults). */
export function poolOptions(pool: PoolOptions): { connections?: number; keepAliveTimeout?: number; pipelining?: number } {
  return {
    ...(pool.connections !== undefined && { connections: pool.connections }),
    ...(pool.keepAliveTimeout !== undefined && { keepAliveTimeout: pool.keepAliveTimeout }),
    ...(pool.pipelining !== undefined && { pipelining: pool.pipelining }),
  };
}

const CLOSE_GRACE_MS = 1000;

/**
 * Closes dispatchers gracefully, destroying those whose requests still run after a short grace period,
 * so a stream nobody reads cannot hold `close()` forever.
 */
export async function closeAll(dispatchers: readonly Dispatcher[]): Promise<void> {
  await Promise.all(dispatchers.map((d) => closeWithin(d, CLOSE_GRACE_MS)));
}

/** Closes `dispatcher` gracefully, or destroys it when requests still run after `ms`. */
async function closeWithin(dispatcher: Dispatcher, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = dispatcher.close().then(() => true);
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
    timer.unref();
  });
  const closed = await Promise.race([graceful, late]);
  clearTimeout(timer);
  if (!closed) await dispatcher.destroy();
}

/** A short fingerprint of a PEM or key, so that equal settings share an Agent and unequal ones never do. */
function identity(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (typeof v === 'string' || v instanceof Uint8Array) return createHash('sha256').update(v).digest('base64url');
  return String(v);
}

function agentKey(tls: TLSOptions | undefined, connectTimeout: number | undefined): string {
  if (!tls) return `t=${connectTimeout ?? ''}`;
  const ca = Array.isArray(tls.ca) ? tls.ca.map(identity).join(',') : identity(tls.ca);
  return [tls.rejectUnauthorized !== false, ca, identity(tls.cert), identity(tls.key), tls.servername ?? '', connectTimeout ?? ''].join('|');
}

