import type { Dispatcher } from 'undici';
import { DEFAULT_RESPONSE_TIMEOUT, type PoolOptions, type TLSOptions } from '../core/options.js';
import { clampLimit, decodeBuffer, decodersFor, decodeStream } from '../core/decode.js';
import { copyHeaders, Headers } from '../core/headers.js';
import type { PreparedRequest } from '../core/request.js';
import { Response } from '../core/response.js';
import { RequestError, TimeoutError } from '../core/errors.js';
import { RAW_PATH, wirePath } from '../core/path-as-is.js';
import { Agents, type OriginStats } from './agents.js';
import { CONNECTION_SLOT, resolveHttp2, type Http2Init } from './http2.js';
import { ResponseHandler, type RawResponse } from './handler.js';
import { STALE_SOCKET_CODES, toSessioError } from './errors.js';
import { dropProxyAuthorization, proxyRefusalOf, ProxyRouter } from './proxy.js';

type ResponseInit = ConstructorParameters<typeof Response>[0];

/**
 * The TimeoutError of sessio's response timer, caused by an error with undici's code for the same
 * timeout, so that retry policies and callers matching `UND_ERR_HEADERS_TIMEOUT` keep working.
 */
function responseTimeoutError(req: PreparedRequest, ms: number, waitingFor: 'headers' | 'body'): TimeoutError {
  const cause = Object.assign(new Error(`no response ${waitingFor} within ${ms} ms`), { code: waitingFor === 'headers' ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_BODY_TIMEOUT' });
  return new TimeoutError('response', ms, req.method, req.url, cause);
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
/**
 * Attempts after an h2 GOAWAY. undici 7 fails every request in flight on a connection that gets one,
 * even those the server would still answer (nodejs/undici#5089); each new connection answers some of
 * them, so a burst larger than what a server serves per connection needs several rounds.
 */
const GOAWAY_ATTEMPTS = 8;
const GOAWAY = /"GOAWAY" frame received/;

/** Options of a transport: the connection pools and what decides how they connect. */
export interface TransportOptions {
  pool?: PoolOptions;
  /** The default TLS settings; requests (and sessions sharing the transport) with others get pools of their own. */
  tls?: TLSOptions;
  connectTimeout?: number;
  /** Use this undici dispatcher instead of sessio's own pools: `tls`, `proxy`, `pool`, `http2` and connect timeouts then do not apply. */
  dispatcher?: Dispatcher;
  /** Take proxies from the environment when a request has no `proxy` option (default true). */
  trustEnv?: boolean;
  /** Largest response head accepted, bytes (default: Node's `http.maxHeaderSize`, 16 KiB). */
  maxHeaderSize?: number;
  /** Offer HTTP/2 by ALPN ({@link Http2Init}); HTTP/1.1 only by default. */
  http2?: Http2Init;
}

/**
 * Requests sent per origin, counted by each session (a transport may serve many). A plain object: a
 * session talks to one or two origins, and an empty Map's table costs ~300 bytes in each of 10,000 sessions.
 */
export type RequestCounts = Record<string, number>;

/**
 * The bottom of the pipeline: sends one hop over undici and returns its response, body read and
 * decoded (or streaming). It retries, for idempotent requests, when a keep-alive socket turns out to
 * have been closed by the server before any byte of the response came (once), or an h2 connection was
 * sent away (GOAWAY) before it (a few times). Many sessions may share one transport: its pools are
 * keyed by TLS settings, connect timeout and proxy, so each session's settings still apply.
 *
 * @example
 * ```ts
 * const transport = new Transport({ pool: { connections: 32 } });
 * const alice = new Session({ transport, baseUrl });
 * const bob = new Session({ transport, baseUrl }); // same sockets, own cookies
 * ```
 */
export class Transport {
  /** @internal The direct pools, per TLS settings and connect timeout. */
  readonly agents: Agents;
  /** @internal Absent when the caller injected its own dispatcher: that one decides about proxies. */
  readonly proxies: ProxyRouter | undefined;

  readonly #maxHeaderSize: number | undefined;

  constructor(options: TransportOptions = {}) {
    const http2 = resolveHttp2(options.http2);
    if (http2 && options.dispatcher) throw new RequestError('`http2` cannot be used with an injected `dispatcher`: create that dispatcher with `allowH2: true` instead');
    this.agents = new Agents({ ...options, http2 });
    this.#maxHeaderSize = options.maxHeaderSize;
    this.proxies = options.dispatcher ? undefined : new ProxyRouter({ trustEnv: options.trustEnv, pool: options.pool, maxHeaderSize: options.maxHeaderSize, countSocket: this.agents.countSocket, http2 });
  }

  /** Sends one hop; `counts` gets a request counted per dispatch (each retry on a new socket too). */
  async send(req: PreparedRequest, counts?: RequestCounts): Promise<Response> {
    const started = performance.now();
    dropProxyAuthorization(req);
    let raw: RawResponse;
    for (let attempt = 1; ; attempt++) {
      try {
        raw = await this.#dispatchOnce(req, counts);
        break;
      } catch (err) {
        if (!this.#mayRetry(err, req, attempt)) throw this.#failed(err, req);
        if (req.body) req.body = req.body.replay!();
      }
    }
    const refusal = proxyRefusalOf(raw.status, raw.headers, req);
    if (refusal) {
      raw.stream?.destroy();
      throw refusal;
    }
    return this.#toResponse(raw, req, started);
  }

  /** The dispatcher for a hop: the proxy's, chosen again on every hop, or the direct one. */
  dispatcherFor(req: PreparedRequest): Dispatcher {
    return this.proxies?.dispatcherFor(req) ?? this.agents.get(req.settings.tls, req.settings.timeout.connect);
  }

  /**
   * Per-origin counters: sockets of this transport (`connections`, `open`) and, with `counts`, the
   * requests of the session that counted them.
   */
  stats(counts?: RequestCounts): Record<string, OriginStats> {
    const out: Record<string, OriginStats> = {};
    for (const [origin, s] of this.agents.stats) out[origin] = { ...s, requests: counts ? 0 : s.requests };
    for (const [origin, n] of Object.entries(counts ?? {})) out[origin] = { ...(out[origin] ?? { connections: 0, open: 0 }), requests: n };
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([this.agents.close(), this.proxies?.close()]);
  }

  /** The sessio error for a failed hop; a stream body that was not sent to its end is closed (file handles). */
  #failed(err: unknown, req: PreparedRequest): Error {
    const data = req.body?.data;
    if (data && typeof data === 'object' && 'destroy' in data && !data.destroyed) data.destroy();
    return toSessioError(err, req, this.#maxHeaderSize);
  }

  #mayRetry(err: unknown, req: PreparedRequest, attempt: number): boolean {
    if ((err as { sessioStarted?: boolean }).sessioStarted) return false;
    const code = String((err as { code?: unknown })?.code ?? '');
    if (!STALE_SOCKET_CODES.has(code) || !IDEMPOTENT.has(req.method)) return false;
    if (req.body && req.body.replay === undefined) return false;
    const goaway = GOAWAY.test(String((err as Error).message));
    return attempt < (goaway ? GOAWAY_ATTEMPTS : 2);
  }

  #dispatchOnce(req: PreparedRequest, counts: RequestCounts | undefined): Promise<RawResponse> {
    const { settings } = req;
    // URL.origin is rebuilt on every read; one read per hop.
    const origin = req.url.origin;
    this.agents.countRequest(origin);
    if (counts) counts[origin] = (counts[origin] ?? 0) + 1;
    const responseTimeout = settings.timeout.response ?? DEFAULT_RESPONSE_TIMEOUT;
    // An upload of unknown length may take long: until its response starts, undici's timer (which
    // starts once the request is written) keeps the headers wait.
    const streamBody = req.body !== undefined && typeof req.body.data === 'object' && req.body.data !== null && !(req.body.data instanceof Uint8Array);
    return new Promise<RawResponse>((resolve, reject) => {
      const handler = new ResponseHandler({
        streaming: settings.stream,
        limit: clampLimit(settings.maxDecodedSize),
        mapError: (err) => toSessioError(err, req),
        signal: settings.signal,
        idle: { ms: responseTimeout, fromStart: !streamBody, error: (waitingFor) => responseTimeoutError(req, responseTimeout, waitingFor) },
        resolve,
        reject: (err) => {
          // Only failures before any response byte may be retried on a fresh socket.
          if (handler.started && err && typeof err === 'object') (err as { sessioStarted?: boolean }).sessioStarted = true;
          reject(err);
        },
      });
      const opts: Dispatcher.DispatchOptions & { [CONNECTION_SLOT]?: ResponseHandler } = {
        origin,
        path: wirePath(req.url, req.context.get(RAW_PATH)),
        method: req.method as Dispatcher.HttpMethod,
        // undici's ProxyAgent writes `host` into the object it gets: a copy keeps the hop's own headers
        // (retried, replayed, snapshotted) as sessio built them.
        headers: copyHeaders(req.headers),
        body: req.body?.data ?? null,
        [CONNECTION_SLOT]: handler,
      };
      // sessio's own timer keeps the response timeout; undici's, coarse, only where it cannot.
      opts.headersTimeout = streamBody ? responseTimeout : 0;
      opts.bodyTimeout = 0;
      this.dispatcherFor(req).dispatch(opts, handler);
    });
  }

  // Not async: a body that needs no decoding (the common case) costs no extra promise.
  #toResponse(raw: RawResponse, req: PreparedRequest, started: number): Response | Promise<Response> {
    const headers = new Headers(raw.headers);
    const decoders = req.method === 'HEAD' || raw.status === 204 || raw.status === 304 ? [] : decodersFor(headers.get('content-encoding') ?? undefined) ?? [];
    const limit = req.settings.maxDecodedSize;
    // One object literal per response, not `{ ...init, bytes }`: the spread showed in the profile of
    // the redirect flow (bench/perf-notes.md).
    const init: ResponseInit = {
      status: raw.status,
      statusText: raw.statusText,
      httpVersion: raw.httpVersion,
      url: req.url.href,
      headers,
      request: req.snapshot(),
      elapsed: 0,
      bytes: undefined,
      stream: undefined,
    };
    if (raw.stream) {
      init.stream = decoders.length ? decodeStream(raw.stream, decoders, limit, (err) => toSessioError(err, req)).on('error', () => {}) : raw.stream;
      init.elapsed = performance.now() - started;
      return new Response(init);
    }
    const chunks = raw.chunks!;
    const bytes: Buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (decoders.length && bytes.length) {
      return decodeBuffer(bytes, decoders, limit).then(
        (decoded) => {
          init.bytes = decoded;
          init.elapsed = performance.now() - started;
          return new Response(init);
        },
        (err: unknown) => {
          throw toSessioError(err, req);
        },
      );
    }
    init.bytes = bytes;
    init.elapsed = performance.now() - started;
    return new Response(init);
  }

}
