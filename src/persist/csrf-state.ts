// CSRF tokens in session files (`state.csrf`): per origin, with the header and parameter names the
// server gave, so a loaded session sends its first unsafe request with the right token and only to the
// origin that issued it. The JSON-safe part of the `csrf` option is saved too: a session loaded without
// `csrf` gets the profile back (a custom profile's functions, such as `isFailure`, must be given again).
import { toCsrfProfile, type CsrfInit } from '../features/csrf/profiles.js';
import type { PersistedParts } from './state.js';

/** The `csrf` profile a saved value was made with, for a load that gives none; undefined when unusable. */
export function savedCsrfProfile(value: unknown): CsrfInit | undefined {
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

export function saveCsrf(parts: PersistedParts): unknown {
  return parts.csrf?.exportState();
}

export function restoreCsrf(parts: PersistedParts, value: unknown): void {
  parts.csrf?.importState(value);
}
