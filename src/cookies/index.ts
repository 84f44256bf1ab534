export { Cookie, compareCookies, type CookieInit, type SameSite } from './cookie.js';
export { parseCookieDate } from './date.js';
export { CookieJarError, type CookieJarErrorCode } from './errors.js';
export type { CookieExplanation, CookieWithheldReason } from './explain.js';
export {
  CookieJar,
  MAX_COOKIE_LIFETIME_MS,
  type CookieJarOptions,
  type CookieLocation,
  type CookieOptions,
  type CookieRejectInfo,
  type CookieRejectListener,
} from './jar.js';
export { MemoryCookieStore } from './memory-store.js';
export { parseSetCookie, type ParsedSetCookie, type ParseRejection } from './parse.js';
export { JAR_FORMAT, JAR_SCHEMA_VERSION, type SerializedCookie, type SerializedJar } from './serialize.js';
export type { CookieStore } from './store.js';
export { StoredCookie } from './stored-cookie.js';
