import { maxHeaderSize as defaultMaxHeaderSize } from 'node:http';
import { DecodedTooLarge, DecodeFailure } from '../core/decode.js';
import { DEFAULT_RESPONSE_TIMEOUT } from '../core/options.js';
import {
  AbortError, BodyTooLargeError, ConnectError, DecodeError, HeadersTooLargeError, NetworkError, RequestError, SessioError, SessionClosedError, TLSError, TimeoutError,
} from '../core/errors.js';
import type { PreparedRequest } from '../core/request.js';
import { proxyErrorOf } from './proxy.js';

const CONNECT_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EAI_NONAME', 'ETIMEDOUT']);
/** undici refusing what it was asked to send: the request itself is wrong, not the network. */
const REQUEST_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH']);
const CLOSED_CODES = new Set(['UND_ERR_DESTROYED', 'UND_ERR_CLOSED']);
/** Errors of a socket that died under a request: on a reused keep-alive socket, the server had closed it. */
export const STALE_SOCKET_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

function isTlsError(code: string, message: string): boolean {
  return /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH|ALTNAME/.test(code) || /certificate|SSL routines/i.test(message);
}

/**
 * Turns an undici or Node error into the matching sessio error, naming the method and URL.
 * `maxHeaderSize` is the limit the hop's dispatcher applied (Node's `http.maxHeaderSize` by default).
 */
export function toSessioError(err: unknown, req: PreparedRequest, maxHeaderSize: number = defaultMaxHeaderSize): SessioError {
  if (err instanceof SessioError) return err;
  const proxyError = proxyErrorOf(err, req);
  if (proxyError) return proxyError;
  const { method, url } = req;
  if (err instanceof DecodedTooLarge) return new BodyTooLargeError(req.settings.maxDecodedSize, method, url);
  if (err instanceof DecodeFailure) return new DecodeError(err.coding, method, url, err.cause);
  const code = String((err as { code?: unknown })?.code ?? '');
  const message = String((err as Error)?.message ?? '');
  const t = req.settings.timeout;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new TimeoutError('connect', t.connect ?? 10_000, method, url, err);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return new TimeoutError('response', t.response ?? DEFAULT_RESPONSE_TIMEOUT, method, url, err);
  if (code === 'UND_ERR_HEADERS_OVERFLOW') return new HeadersTooLargeError(maxHeaderSize, method, url, err);
  if (code === 'UND_ERR_ABORTED' || (err as Error)?.name === 'AbortError') return new AbortError(method, url, err);
  if (CONNECT_CODES.has(code)) return new ConnectError(method, url, err);
  if (REQUEST_CODES.has(code)) return new RequestError(`undici refused the request: ${message}`, { code: 'ERR_REQUEST', method, url, cause: err });
  if (CLOSED_CODES.has(code)) return new SessionClosedError(method, url);
  if (code.startsWith('HPE_')) return new NetworkError(method, url, Object.assign(new Error(`malformed HTTP response (${code}: ${message})`), { code, cause: err }));
  if (isTlsError(code, message)) return new TLSError(method, url, err);
  return new NetworkError(method, url, err);
}
