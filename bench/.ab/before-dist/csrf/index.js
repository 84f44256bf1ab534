export { CSRF_PROFILES, toCsrfProfile } from './profiles.js';
export { CsrfTokens } from './tokens.js';
