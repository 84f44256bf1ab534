import { Client, Dispatcher, Pool, buildConnector } from 'undici';
import { RequestError } from '../core/errors.js';

/**
 * HTTP/2, opt-in: `true` offers h2 by ALPN to every `https:` origin, `{ origins }` to those only (an
 * origin that answers with HTTP/1.1 is used with HTTP/1.1). h2c (HTTP/2 without TLS) is not offered.
 * @example `http2: { origins: ['https://api.example.com'], maxConcurrentStreams: 50 }`
 */
export type Http2Init = boolean | {
  /** The origins to offer HTTP/2 to; all `https:` origins when absent. */
  origins?: readonly (string | URL)[];
  /** Requests in flight on one h2 connection before another connection is opened (default 100). */
  maxConcurrentStreams?: number;
};

export const DEFAULT_MAX_STREAMS = 100;

/** The resolved `http2` option: which origins, and how many streams per connection. */
export interface Http2Settings {
  /** Origins (URL.origin form) to offer h2 to; undefined means every https: origin. */
  readonly origins: ReadonlySet<string> | undefined;
  readonly maxConcurrentStreams: number;
  /** A stable text of these settings, for keying shared pools. */
  readonly key: string;
}

/** Resolves the `http2` option; undefined when it is off. Throws on origins h2 cannot reach (h2c). */
export function resolveHttp2(init: Http2Init | undefined): Http2Settings | undefined {
  if (!init) return undefined;
  const given = init === true ? {} : init;
  const max = given.maxConcurrentStreams ?? DEFAULT_MAX_STREAMS;
  if (!Number.isInteger(max) || max < 1) throw new RequestError(`Invalid http2.maxConcurrentStreams ${String(max)}: use a whole number from 1`);
  const origins = given.origins && new Set(given.origins.map(h2Origin));
  return { origins, maxConcurrentStreams: max, key: `h2:${max}:${origins ? [...origins].sort().join(',') : '*'}` };
}

function h2Origin(value: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch (err) {
    throw new RequestError(`Invalid http2 origin ${JSON.stringify(String(value))}`, { cause: err });
  }
  // Offering h2 happens in the TLS handshake (ALPN); without TLS it would need h2c, which sessio does not speak.
  if (url.protocol !== 'https:') throw new RequestError(`http2 origin ${url.origin} is not https: HTTP/2 is offered over TLS only (h2c is not supported)`);
  return url.origin;
}

/** Whether requests to `origin` (URL.origin form, or with a trailing slash as undici passes it) offer h2. */
export function offersH2(settings: Http2Settings, origin: string | URL): boolean {
  const o = String(origin).replace(/\/$/, '');
  if (!o.startsWith('https:')) return false;
  return settings.origins === undefined || settings.origins.has(o);
}

/** What protocol a connection speaks, once its TLS handshake chose one. */
export interface Connection {
  protocol: 'h1' | 'h2' | undefined;
}

/**
 * The dispatch-options slot through which the client that takes a request tells its handler which
 * connection serves it (undici reports no HTTP version to handlers). Symbol keys survive the option
 * copies that undici's ProxyAgent makes.
 */
export const CONNECTION_SLOT = Symbol('sessio.connection');

/** A handler that wants to know its connection. */
export interface ConnectionAware {
  connection?: Connection;
}

type ConnectFn = (opts: object, callback: (err: Error | null, socket: unknown) => void) => void;
type PoolOpts = Record<string, unknown> & { connect?: ConnectFn | object };

/**
 * An undici Client that multiplexes once its connection turned out to be h2. undici 7 caps every
 * Client at its `pipelining` (1 by default) whatever the protocol (nodejs/undici#4143); raising it for
 * all would pipeline HTTP/1.1 requests on origins that declined h2, so it is set per connection.
 */
class MultiplexClient extends Client {
  readonly #connection: Connection;

  constructor(origin: string | URL, opts: PoolOpts, shared: Connection, streams: number) {
    const connection: Connection = { protocol: undefined };
    const owner: { client?: Client } = {};
    const base = (typeof opts.connect === 'function' ? opts.connect : buildConnector({ ...(opts.connect as object), allowH2: true })) as ConnectFn;
    const connect: ConnectFn = (o, callback) => base({ ...o, allowH2: true }, (err, socket) => {
      if (socket) {
        connection.protocol = (socket as { alpnProtocol?: string }).alpnProtocol === 'h2' ? 'h2' : 'h1';
        shared.protocol = connection.protocol;
        // Before undici builds the HTTP context, so no request goes out pipelined on HTTP/1.1.
        if (owner.client) owner.client.pipelining = connection.protocol === 'h2' ? streams : 1;
      }
      callback(err, socket);
    });
    super(origin, { ...opts, allowH2: true, connect, pipelining: shared.protocol === 'h2' ? streams : 1 } as Client.Options);
    owner.client = this;
    this.#connection = connection;
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const aware = (opts as { [CONNECTION_SLOT]?: ConnectionAware })[CONNECTION_SLOT];
    if (aware) aware.connection = this.#connection;
    return super.dispatch(opts, handler);
  }
}

type Held = [Dispatcher.DispatchOptions, Dispatcher.DispatchHandler];

/**
 * The pool of one origin that is offered h2. While no connection is up and its protocol is not known
 * to be HTTP/1.1, requests wait for the first connection instead of each opening one of its own (a
 * burst of 100 requests would otherwise make 100 h2 connections); then an h2 connection takes up to
 * `maxConcurrentStreams` of them, and HTTP/1.1 ones one each, as without h2.
 */
export class Http2Pool extends Dispatcher {
  readonly #pool: Pool;
  readonly #shared: Connection = { protocol: undefined };
  /** Clients with a connection up (a Set: undici reports a GOAWAY and the socket's close as two disconnects). */
  readonly #connected = new Set<unknown>();
  #held: Held[] | undefined;

  constructor(origin: string | URL, opts: object, streams: number) {
    super();
    this.#pool = new Pool(origin, {
      ...(opts as PoolOpts),
      allowH2: true,
      factory: (o: string | URL, po: object) => new MultiplexClient(o, po as PoolOpts, this.#shared, streams),
    } as Pool.Options);
    // Released a microtask after the connect: undici marks the connecting client busy until it has
    // written its first request and drained, and the pool would open a new client for each one before.
    this.#forward('connect', (client) => {
      this.#connected.add(client);
      return true;
    }, () => queueMicrotask(() => this.#release()));
    this.#forward('disconnect', (client) => this.#connected.delete(client));
    this.#forward('connectionError', () => true, () => this.#release());
    this.#forward('drain', () => true);
  }

  /**
   * Re-emits an event of the pool as the Agent expects it from its per-origin dispatcher, when
   * `accept` says so; the pool's events name the client last in their targets.
   */
  #forward(event: string, accept: (client: unknown) => boolean, after?: () => void): void {
    const emit = this.emit.bind(this) as (event: string, ...args: unknown[]) => boolean;
    (this.#pool as unknown as NodeJS.EventEmitter).on(event, (origin: unknown, targets: unknown[], ...rest: unknown[]) => {
      if (accept(targets?.at(-1))) emit(event, origin, targets, ...rest);
      after?.();
    });
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.#held) {
      this.#held.push([opts, handler]);
      return true;
    }
    if (this.#connected.size === 0 && this.#shared.protocol !== 'h1') this.#held = [];
    return this.#pool.dispatch(opts, handler);
  }

  /** Sends the requests that waited for the first connection (after a failed one, each tries its own). */
  #release(): void {
    const held = this.#held;
    this.#held = undefined;
    for (const [opts, handler] of held ?? []) this.#pool.dispatch(opts, handler);
  }

  get destroyed(): boolean {
    return this.#pool.destroyed;
  }

  get closed(): boolean {
    return this.#pool.closed;
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.#release();
    const done = this.#pool.close();
    if (!callback) return done;
    void done.then(callback, callback);
  }

  override destroy(err?: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    this.#release();
    const err = typeof a === 'function' ? null : a ?? null;
    const callback = typeof a === 'function' ? a : b;
    const done = this.#pool.destroy(err);
    if (!callback) return done;
    void done.then(callback, callback);
  }
}

/** An undici Agent `factory` that gives origins offered h2 an {@link Http2Pool}, the others undici's usual pools. */
export function http2Factory(settings: Http2Settings, fallback: (origin: string | URL, opts: object) => Dispatcher): (origin: string | URL, opts: object) => Dispatcher {
  return (origin, opts) => (offersH2(settings, origin) ? new Http2Pool(origin, opts as PoolOpts, settings.maxConcurrentStreams) : fallback(origin, opts));
}

/** undici's own Agent factory: one Client when the pool has one connection, else a Pool. */
export function defaultFactory(origin: string | URL, opts: object): Dispatcher {
  return (opts as { connections?: number }).connections === 1 ? new Client(origin, opts) : new Pool(origin, opts);
}
