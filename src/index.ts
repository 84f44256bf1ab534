/**
 * sessio: a persistent HTTP session for Node.js, like Python's requests.Session, on undici.
 * @packageDocumentation
 */
export { Session, type SessionInit } from './session/session.js';
export type { RequestExplanation } from './session/explain.js';
export type { RequestOptions, SessionOptions, TimeoutOptions, TLSOptions, PoolOptions, BodyInit } from './session/config.js';
export type { ResolvedSettings } from './core/options.js';
export type { RequestContext, ContextKey } from './core/context.js';
export type { EncodedBody, BodyData } from './core/body.js';
export type { BodySnapshot } from './core/log/body.js';
export type { ResponseLike } from './core/errors.js';
export { Response, type Hop } from './core/response.js';
export { PreparedRequest, SentRequest, type HopInit } from './core/request.js';
export { Headers, type HeadersInit, type HeaderValue, type RequestHeaders } from './core/headers.js';
export type { MultipartInit, MultipartFile, MultipartValue } from './core/multipart.js';
export type { ParamsInit, ParamScalar } from './core/url.js';
export { basicAuth, type AuthScheme, type AuthInit, type BasicCredentials } from './auth/scheme.js';
export { digestAuth, bearerAuth, customAuth, decodeJwtPayload, jwtExpiry, type DigestOptions, type TokenSource, type RequestSigner } from './auth/index.js';
export { CSRF_PROFILES, type CsrfInit, type CsrfProfile, type CsrfProfileName, type CsrfCookieSource } from './features/csrf/index.js';
export { formLoginSucceeded } from './features/login/form.js';
export { looksLoggedOut } from './features/login/detect.js';
export { formLogin, jwtLogin, clientCredentials, passwordGrant, refreshTokenGrant, tokenLogin, type FormLoginOptions, type JwtLoginOptions, type OAuth2ClientOptions, type PasswordGrantOptions, type RefreshTokenGrantOptions, type TokenSet, type TokenGrant, type LoginStrategy, type LoginContext, type LoginCredentials, type ReloginOptions } from './features/login/index.js';
export type { SessionPort, PortRequestOptions } from './features/port.js';
export type { BeforeRedirect } from './stages/redirects.js';
export type { Stage, Send } from './core/pipeline.js';
export { retry, type Hooks, type OneOrMany, type RetryRequest, type BeforeRequestHook, type AfterResponseHook, type BeforeRedirectHook, type BeforeRetryHook, type OnErrorHook } from './stages/hook-set.js';
export { CHANNEL_NAMES, type LoggerLike, type Log, type LogFields } from './core/log/index.js';
export type { Level } from './core/log/logger.js';
export type { CurlOptions } from './core/curl.js';
export type { Har, HarEntry, HarRequest, HarResponse, HarTimings, HarCookie, HarNameValue, HarPostData, HarContent, HarOptions, HarExportOptions } from './observe/har.js';
export type { OriginStats } from './transport/agents.js';
export type { RetryOptions, RetryInit, RetryContext, BackoffOptions } from './stages/retry-policy.js';
export type { RateLimitOptions, OriginLimits, QueueStats } from './stages/rate-limit.js';
export type { ProxyInit, ProxyOptions } from './transport/proxy.js';
export { Transport, type TransportOptions, type RequestCounts } from './transport/transport.js';
export type { SharedStateInit } from './features/shared/backend.js';
export type { Http2Init } from './transport/http2.js';
export { CookieJar, type Cookie, type CookieJarOptions, type CookieOptions, type CookieLocation, type SerializedJar, type SerializedCookie, type SameSite, type CookieStore, type StoredCookie, type CookieExplanation, type CookieWithheldReason, type CookieRejectInfo, type CookieRejectListener, MemoryCookieStore } from './cookies/index.js';
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
  DecodeError,
  SessionClosedError,
  BodyTooLargeError,
  HeadersTooLargeError,
  RedirectError,
  TooManyRedirectsError,
  HTTPError,
  ProxyError,
  AuthenticationError,
  SessionFileError,
  type TimeoutPhase,
} from './core/errors.js';
export { OriginHeaders, OriginAuth, type OriginCredentials, type SaveOptions, type AutosaveOptions, type SessionDocument, LOGIN_KINDS, type LoginRecord, type LoginKind, type LoginRecordOptions, type TokenRecord } from './persist/index.js';
export type { LockOptions } from './persist/lock.js';
/**
 * Helpers for tools built on saved sessions (the `sessio` CLI uses only this public API):
 * `readSessionFile(path)` reads and validates a session file without opening a session (undefined when
 * there is none); `isOriginBoundHeader(name)` tells which headers `s.originHeaders` keeps per origin
 * (Authorization, X-Api-Key, *-Token…); `writeFileAtomic(path, text)` writes owner-only (0600) through
 * a temporary file and rename, as session files are written.
 */
export { readSessionFile, isOriginBoundHeader, writeFileAtomic } from './persist/index.js';
/**
 * Redaction, as sessio's logs, HAR and `toCurl()` apply it: `redactHeaders(headers)` hides credential,
 * cookie and token values (`Bearer [REDACTED]`), `redactUrl(url)` hides userinfo and secret query
 * parameters, `isSecretField(name)` tells body fields such as `password` or `access_token`.
 */
export { redactHeaders, redactUrl, isSecretField, REDACTED } from './core/redact.js';
export { VERSION } from './core/version.js';
