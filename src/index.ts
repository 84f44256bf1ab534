/**
 * sessio: a persistent HTTP session for Node.js, like Python's requests.Session, on undici.
 * @packageDocumentation
 */
export { Session, type SessionInit } from './session.js';
export type { RequestOptions, SessionOptions, TimeoutOptions, TLSOptions, PoolOptions, BodyInit } from './config.js';
export { Response, type Hop } from './response.js';
export { PreparedRequest, SentRequest } from './request.js';
export { Headers, type HeadersInit } from './headers.js';
export type { MultipartInit, MultipartFile, MultipartValue } from './multipart.js';
export type { ParamsInit } from './url.js';
export { basicAuth, type AuthScheme, type AuthInit, type BasicCredentials } from './stages/auth.js';
export type { Stage, Send } from './pipeline.js';
export type { OriginStats } from './transport/agents.js';
export { CookieJar } from './jar.js';
export {
  SessioError,
  RequestError,
  InvalidURLError,
  InvalidHeaderError,
  ConnectError,
  TLSError,
  TimeoutError,
  AbortError,
  NetworkError,
  BodyTooLargeError,
  RedirectError,
  TooManyRedirectsError,
  HTTPError,
  type TimeoutPhase,
} from './errors.js';
export { VERSION } from './version.js';
