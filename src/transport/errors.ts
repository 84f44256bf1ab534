import { DecodedTooLarge } from '../decode.js';
import { AbortError, BodyTooLargeError, ConnectError, NetworkError, SessioError, TLSError, TimeoutError } from '../errors.js';
import type { PreparedRequest } from '../request.js';

const CONNECT_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EAI_NONAME']);
/** Errors of a socket that died under a request: on a reused keep-alive socket, the server had closed it. */
export const STALE_SOCKET_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

function isTlsError(code: string, message: string): boolean {
  return /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH|ALTNAME/.test(code) || /certificate|SSL routines/i.test(message);
}

/** Turns an undici or Node error into the matching sessio error, naming the method and URL. */
export function toSessioError(err: unknown, req: PreparedRequest): SessioError {
  if (err instanceof SessioError) return err;
  const { method, url } = req;
  if (err instanceof DecodedTooLarge) return new BodyTooLargeError(req.settings.maxDecodedSize, method, url);
  const code = String((err as { code?: unknown })?.code ?? '');
  const message = String((err as Error)?.message ?? '');
  const t = req.settings.timeout;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new TimeoutError('connect', t.connect ?? 10_000, method, url, err);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return new TimeoutError('response', t.response ?? 300_000, method, url, err);
  if (code === 'UND_ERR_ABORTED' || (err as Error)?.name === 'AbortError') return new AbortError(method, url, err);
  if (CONNECT_CODES.has(code)) return new ConnectError(method, url, err);
  if (isTlsError(code, message)) return new TLSError(method, url, err);
  return new NetworkError(method, url, err);
}
