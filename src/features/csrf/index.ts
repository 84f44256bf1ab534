export { CSRF_PROFILES, toCsrfProfile, type CsrfInit, type CsrfProfile, type CsrfProfileName, type CsrfCookieSource } from './profiles.js';
export { CsrfTokens, type CsrfToken } from './tokens.js';
