export { Cookie, compareCookies } from './cookie.js';
export { parseCookieDate } from './date.js';
export { CookieJarError } from './errors.js';
export { CookieJar, MAX_COOKIE_LIFETIME_MS, } from './jar.js';
export { MemoryCookieStore } from './memory-store.js';
export { parseSetCookie } from './parse.js';
export { JAR_FORMAT, JAR_SCHEMA_VERSION } from './serialize.js';
