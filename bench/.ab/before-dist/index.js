/**
 * sessio: a persistent HTTP session for Node.js, like Python's requests.Session, on undici.
 * @packageDocumentation
 */
export { Session } from './session.js';
export { Response } from './response.js';
export { PreparedRequest, SentRequest } from './request.js';
export { Headers } from './headers.js';
export { basicAuth } from './stages/auth.js';
export { digestAuth, bearerAuth, customAuth, decodeJwtPayload, jwtExpiry } from './auth/index.js';
export { CSRF_PROFILES } from './csrf/index.js';
export { formLoginSucceeded } from './login/form.js';
export { formLogin, jwtLogin, clientCredentials, passwordGrant, refreshTokenGrant, tokenLogin } from './login/index.js';
export { retry, announceRetry, runBeforeRetry } from './hooks.js';
export { CHANNEL_NAMES } from './log/index.js';
export { CookieJar } from './jar.js';
export { SessioError, RequestError, InvalidURLError, InvalidHeaderError, ConnectError, TLSError, TimeoutError, AbortError, NetworkError, DecodeError, SessionClosedError, BodyTooLargeError, RedirectError, TooManyRedirectsError, HTTPError, ProxyError, AuthenticationError, SessionFileError, } from './errors.js';
export { registerSessionState } from './persist/index.js';
export { VERSION } from './version.js';
