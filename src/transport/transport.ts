import type { Dispatcher } from 'undici';
import type { PoolOptions, TLSOptions } from '../config.js';
import { decodeBuffer, decodersFor, decodeStream } from '../decode.js';
import { Headers } from '../headers.js';
import type { PreparedRequest } from '../request.js';
import { Response } from '../response.js';
import { Agents, type OriginStats } from './agents.js';
import { ResponseHandler, type RawResponse } from './handler.js';
import { STALE_SOCKET_CODES, toSessioError } from './errors.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** Options of the transport, taken from the session's. */
export interface TransportOptions {
  pool?: PoolOptions;
  tls?: TLSOptions;
  connectTimeout?: number;
  dispatcher?: Dispatcher;
}

/**
 * The bottom of the pipeline: sends one hop over undici and returns its response, body read and
 * decoded (or streaming). It retries once, for idempotent requests, when a keep-alive socket turns out
 * to have been closed by the server before any byte of the response came.
 */
export class Transport {
  readonly agents: Agents;

  constructor(options: TransportOptions) {
    this.agents = new Agents(options);
  }

  async send(req: PreparedRequest): Promise<Response> {
    const started = performance.now();
    let raw: RawResponse;
    try {
      raw = await this.#dispatchOnce(req);
    } catch (first) {
      if (!this.#mayRetryStale(first, req)) throw toSessioError(first, req);
      if (req.body) req.body = req.body.replay!();
      try {
        raw = await this.#dispatchOnce(req);
      } catch (second) {
        throw toSessioError(second, req);
      }
    }
    return this.#toResponse(raw, req, started);
  }

  /** The dispatcher for a hop; the proxy stage may choose another. */
  dispatcherFor(req: PreparedRequest): Dispatcher {
    return this.agents.get(req.settings.tls, req.settings.timeout.connect);
  }

  stats(): Record<string, OriginStats> {
    return Object.fromEntries([...this.agents.stats].map(([k, v]) => [k, { ...v }]));
  }

  close(): Promise<void> {
    return this.agents.close();
  }

  #mayRetryStale(err: unknown, req: PreparedRequest): boolean {
    if ((err as { sessioStarted?: boolean }).sessioStarted) return false;
    const code = String((err as { code?: unknown })?.code ?? '');
    if (!STALE_SOCKET_CODES.has(code) || !IDEMPOTENT.has(req.method)) return false;
    return !req.body || req.body.replay !== undefined;
  }

  #dispatchOnce(req: PreparedRequest): Promise<RawResponse> {
    const { settings } = req;
    this.agents.countRequest(req.url.origin);
    return new Promise<RawResponse>((resolve, reject) => {
      const handler = new ResponseHandler({
        streaming: settings.stream,
        limit: settings.maxDecodedSize,
        signal: settings.signal,
        resolve,
        reject: (err) => {
          // Only failures before any response byte may be retried on a fresh socket.
          if (handler.started && err && typeof err === 'object') (err as { sessioStarted?: boolean }).sessioStarted = true;
          reject(err);
        },
      });
      const opts: Dispatcher.DispatchOptions = {
        origin: req.url.origin,
        path: req.url.pathname + req.url.search,
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers,
        body: req.body?.data ?? null,
      };
      const response = settings.timeout.response;
      if (response !== undefined) {
        opts.headersTimeout = response;
        opts.bodyTimeout = response;
      }
      this.dispatcherFor(req).dispatch(opts, handler);
    });
  }

  async #toResponse(raw: RawResponse, req: PreparedRequest, started: number): Promise<Response> {
    const headers = new Headers(raw.headers);
    const decoders = req.method === 'HEAD' ? [] : decodersFor(headers.get('content-encoding') ?? undefined) ?? [];
    const limit = req.settings.maxDecodedSize;
    const init = {
      status: raw.status,
      statusText: raw.statusText,
      url: req.url.href,
      headers,
      request: req.snapshot(),
    };
    if (raw.stream) {
      const stream = decoders.length ? decodeStream(raw.stream, decoders, limit) : raw.stream;
      return new Response({ ...init, elapsed: performance.now() - started, stream });
    }
    const chunks = raw.chunks!;
    let bytes: Buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (decoders.length && bytes.length) {
      try {
        bytes = await decodeBuffer(bytes, decoders, limit);
      } catch (err) {
        throw toSessioError(err, req);
      }
    }
    return new Response({ ...init, elapsed: performance.now() - started, bytes });
  }
}
