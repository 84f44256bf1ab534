// The options every request has, whatever stages a session runs: what to send (headers, params, a
// body), how long to wait, redirects, TLS and how to read the response. Features add their own
// options in session/config.ts; their per-request values reach their stages through the context.
import type { Readable } from 'node:stream';
import { RequestError } from './errors.js';
import { MAX_TIMER_MS } from './sleep.js';
import type { HeadersInit } from './headers.js';
import type { MultipartInit } from './multipart.js';
import type { ParamsInit } from './url.js';

/** Timeouts in milliseconds. A plain number is the total time for the whole request, redirects included. */
export interface TimeoutOptions {
  /** TCP + TLS connection set-up. */
  connect?: number;
  /** Waiting for the response headers, and then for each chunk of the body (default 300 s). */
  response?: number;
  /** The whole request, from the first byte sent to the last byte read (to the headers with `stream: true`). */
  total?: number;
}

/** TLS settings. Requests with different TLS settings never share a connection. */
export interface TLSOptions {
  /** Trusted CA certificates (PEM), added to replace Node's default list. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** Client certificate (PEM) for mutual TLS. */
  cert?: string | Buffer;
  /** Client private key (PEM) for mutual TLS. */
  key?: string | Buffer;
  passphrase?: string;
  /** `false` accepts any certificate: for testing only. Default `true`. */
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** Connection pool settings, per origin. */
export interface PoolOptions {
  /** Maximum sockets per origin (default: unlimited, as undici). */
  connections?: number;
  /** How long an idle keep-alive socket is kept, ms (default 4000, as undici). */
  keepAliveTimeout?: number;
  /** Requests pipelined on one socket (default 1). */
  pipelining?: number;
}

/** A request body given as raw data. */
export type BodyInit = string | Uint8Array | ArrayBuffer | Readable | ReadableStream<Uint8Array> | Blob;

/** The options of one request that the core itself understands. */
export interface CoreRequestOptions {
  /** Merged over the session's headers case-insensitively; `null` removes a session header. */
  headers?: HeadersInit;
  /** Query parameters merged over the session's; `null` removes one. */
  params?: ParamsInit;
  /** Cookies sent with this request only (not stored in the jar). */
  cookies?: Record<string, string>;
  /** A JSON body (`Content-Type: application/json`). */
  json?: unknown;
  /** An urlencoded form body; arrays become repeated keys. */
  form?: Record<string, string | number | boolean | readonly (string | number | boolean)[] | null | undefined> | URLSearchParams;
  /** A multipart/form-data body; files given by path or stream are streamed. */
  multipart?: MultipartInit;
  /** A raw body. */
  body?: BodyInit;
  timeout?: number | TimeoutOptions | null;
  signal?: AbortSignal;
  followRedirects?: boolean;
  maxRedirects?: number;
  throwHttpErrors?: boolean;
  /** Largest body accepted after decompression, bytes (default 100 MiB). */
  maxDecodedSize?: number;
  /** Resolve at the headers and give the body as a stream (`response.body`) that you consume or cancel. */
  stream?: boolean;
  /** TLS settings for this request; a separate connection pool is used for them. */
  tls?: TLSOptions;
  /**
   * Send the path of a string URL as written, dot segments (`/../`, `/./`) included, instead of
   * normalising it (curl's `--path-as-is`). Only this URL: a redirect's target is normalised.
   */
  pathAsIs?: boolean;
}

/** The core settings a request resolves to after the session's and its own options are merged. */
export interface ResolvedSettings {
  timeout: TimeoutOptions;
  followRedirects: boolean;
  maxRedirects: number;
  throwHttpErrors: boolean;
  maxDecodedSize: number;
  stream: boolean;
  signal: AbortSignal | undefined;
  tls: TLSOptions | undefined;
}

export const DEFAULT_MAX_REDIRECTS = 30;
export const DEFAULT_MAX_DECODED_SIZE = 100 * 1024 * 1024;

/**
 * The `response` timeout when none is given: undici's own default (300 s), kept so that a server that
 * accepts a request and then says nothing cannot hold it forever. There is no `total` limit by
 * default, as in requests: long downloads and long polls keep going while data flows.
 */
export const DEFAULT_RESPONSE_TIMEOUT = 300_000;


/** Normalises the `timeout` option: a number is the total. */
export function toTimeouts(timeout: number | TimeoutOptions | null | undefined): TimeoutOptions {
  if (timeout === null || timeout === undefined) return {};
  const t = typeof timeout === 'number' ? { total: timeout } : timeout;
  const out: TimeoutOptions = {};
  for (const phase of ['connect', 'response', 'total'] as const) {
    const ms = t[phase];
    if (ms === undefined || ms === Infinity) continue; // Infinity: no limit
    if (typeof ms !== 'number' || !(ms > 0) || ms > MAX_TIMER_MS) {
      throw new RequestError(`Invalid timeout.${phase} ${String(ms)}: use milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity for none`);
    }
    out[phase] = ms;
  }
  return out;
}

/** A request option wins when given; `null` means "not set" for the request too (requests' merge_setting). */
export function pick<T>(request: T | null | undefined, session: T | null | undefined, fallback: T): T {
  if (request !== undefined && request !== null) return request;
  if (session !== undefined && session !== null) return session;
  return fallback;
}

/** Merges the core settings of a session (its defaults) and a request. */
export function resolveSettings(session: CoreRequestOptions, request: CoreRequestOptions): ResolvedSettings {
  const timeout = request.timeout === null ? {} : { ...toTimeouts(session.timeout), ...toTimeouts(request.timeout) };
  return {
    timeout,
    followRedirects: pick(request.followRedirects, session.followRedirects, true),
    maxRedirects: pick(request.maxRedirects, session.maxRedirects, DEFAULT_MAX_REDIRECTS),
    throwHttpErrors: pick(request.throwHttpErrors, session.throwHttpErrors, false),
    maxDecodedSize: pick(request.maxDecodedSize, session.maxDecodedSize, DEFAULT_MAX_DECODED_SIZE),
    stream: request.stream ?? false,
    signal: request.signal,
    tls: request.tls ? { ...session.tls, ...request.tls } : session.tls,
  };
}
