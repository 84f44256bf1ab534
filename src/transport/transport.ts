import type { Dispatcher } from 'undici';
import { DEFAULT_RESPONSE_TIMEOUT, type PoolOptions, type TLSOptions } from '../core/options.js';
import { clampLimit, decodeBuffer, decodersFor, decodeStream } from '../core/decode.js';
import { copyHeaders, Headers } from '../core/headers.js';
import type { PreparedRequest } from '../core/request.js';
import { Response } from '../core/response.js';
import { TimeoutError } from '../core/errors.js';
import { Agents, type OriginStats } from './agents.js';
import { ResponseHandler, type RawResponse } from './handler.js';
import { STALE_SOCKET_CODES, toSessioError } from './errors.js';
import { dropProxyAuthorization, proxyRefusalOf, ProxyRouter } from './proxy.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * The TimeoutError of sessio's response timer, caused by an error with undici's code for the same
 * timeout, so that retry policies and callers matching `UND_ERR_HEADERS_TIMEOUT` keep working.
 */
function responseTimeoutError(req: PreparedRequest, ms: number, waitingFor: 'headers' | 'body'): TimeoutError {
  const cause = Object.assign(new Error(`no response ${waitingFor} within ${ms} ms`), { code: waitingFor === 'headers' ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_BODY_TIMEOUT' });
  return new TimeoutError('response', ms, req.method, req.url, cause);
}

/** Options of the transport, taken from the session's. */
export interface TransportOptions {
  pool?: PoolOptions;
  tls?: TLSOptions;
  connectTimeout?: number;
  dispatcher?: Dispatcher;
  /** Take proxies from the environment when a request has no `proxy` option (default true). */
  trustEnv?: boolean;
  /** Largest response head accepted, bytes (default: Node's `http.maxHeaderSize`, 16 KiB). */
  maxHeaderSize?: number;
}

/**
 * The bottom of the pipeline: sends one hop over undici and returns its response, body read and
 * decoded (or streaming). It retries once, for idempotent requests, when a keep-alive socket turns out
 * to have been closed by the server before any byte of the response came.
 */
export class Transport {
  readonly agents: Agents;
  /** Absent when the caller injected its own dispatcher: that one decides about proxies. */
  readonly proxies: ProxyRouter | undefined;

  readonly #maxHeaderSize: number | undefined;

  constructor(options: TransportOptions) {
    this.agents = new Agents(options);
    this.#maxHeaderSize = options.maxHeaderSize;
    this.proxies = options.dispatcher ? undefined : new ProxyRouter({ trustEnv: options.trustEnv, pool: options.pool, maxHeaderSize: options.maxHeaderSize, countSocket: this.agents.countSocket });
  }

  async send(req: PreparedRequest): Promise<Response> {
    const started = performance.now();
    dropProxyAuthorization(req);
    let raw: RawResponse;
    try {
      raw = await this.#dispatchOnce(req);
    } catch (first) {
      if (!this.#mayRetryStale(first, req)) throw this.#failed(first, req);
      if (req.body) req.body = req.body.replay!();
      try {
        raw = await this.#dispatchOnce(req);
      } catch (second) {
        throw this.#failed(second, req);
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

  stats(): Record<string, OriginStats> {
    return Object.fromEntries([...this.agents.stats].map(([k, v]) => [k, { ...v }]));
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

  #mayRetryStale(err: unknown, req: PreparedRequest): boolean {
    if ((err as { sessioStarted?: boolean }).sessioStarted) return false;
    const code = String((err as { code?: unknown })?.code ?? '');
    if (!STALE_SOCKET_CODES.has(code) || !IDEMPOTENT.has(req.method)) return false;
    return !req.body || req.body.replay !== undefined;
  }

  #dispatchOnce(req: PreparedRequest): Promise<RawResponse> {
    const { settings } = req;
    // URL.origin is rebuilt on every read; one read per hop.
    const origin = req.url.origin;
    this.agents.countRequest(origin);
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
      const opts: Dispatcher.DispatchOptions = {
        origin,
        path: req.url.pathname + req.url.search,
        method: req.method as Dispatcher.HttpMethod,
        // undici's ProxyAgent writes `host` into the object it gets: a copy keeps the hop's own headers
        // (retried, replayed, snapshotted) as sessio built them.
        headers: copyHeaders(req.headers),
        body: req.body?.data ?? null,
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
    const init = {
      status: raw.status,
      statusText: raw.statusText,
      url: req.url.href,
      headers,
      request: req.snapshot(),
    };
    if (raw.stream) {
      const stream = decoders.length ? decodeStream(raw.stream, decoders, limit, (err) => toSessioError(err, req)).on('error', () => {}) : raw.stream;
      return new Response({ ...init, elapsed: performance.now() - started, stream });
    }
    const chunks = raw.chunks!;
    const bytes: Buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (decoders.length && bytes.length) {
      return decodeBuffer(bytes, decoders, limit).then(
        (decoded) => new Response({ ...init, elapsed: performance.now() - started, bytes: decoded }),
        (err: unknown) => {
          throw toSessioError(err, req);
        },
      );
    }
    return new Response({ ...init, elapsed: performance.now() - started, bytes });
  }
}
