// CSRF tokens in session files (`state.csrf`): per origin, with the header and parameter names the
// server gave, so a loaded session sends its first unsafe request with the right token and only to the
// origin that issued it. The JSON-safe part of the `csrf` option is saved too: a session loaded without
// `csrf` gets the profile back (a custom profile's functions, such as `isFailure`, must be given again).
import { toCsrfProfile, type CsrfInit } from '../features/csrf/profiles.js';
import { csrfTokensOf } from '../features/csrf/tokens.js';
import { registerSessionState } from './state.js';

function savedProfile(value: unknown): CsrfInit | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const profile = (value as { profile?: unknown }).profile;
  if (typeof profile !== 'string' && (typeof profile !== 'object' || profile === null || Array.isArray(profile))) return undefined;
  try {
    toCsrfProfile(profile as CsrfInit); // an unknown profile name is left out, not fatal to the load
    return profile as CsrfInit;
  } catch {
    return undefined;
  }
}

registerSessionState('csrf', {
  save: (session) => csrfTokensOf(session)?.exportState(),
  restore: (session, value) => csrfTokensOf(session)?.importState(value),
  options(value) {
    const csrf = savedProfile(value);
    return csrf === undefined ? undefined : { csrf };
  },
});
