// Login state in session files: the token login's tokens (in `tokens`, bound to the endpoint and
// origins that issued them) and, only on opt-in, the login's secrets (in `state.credentials`).
import type { TokenRecord } from './schema.js';
import type { CredentialsRecord, PersistedParts } from './state.js';

/**
 * The tokens to save: the login's own when it is a token login (none after a logout), else the ones
 * loaded from the file and not taken by a login (kept for a later load that gives the login).
 */
export function tokensToSave(parts: PersistedParts): TokenRecord | undefined {
  const login = parts.login;
  if (!login?.holdsTokens) return parts.saved.tokens && { ...parts.saved.tokens };
  const t = login.exportTokens();
  if (!t) return undefined;
  return {
    access: t.accessToken,
    ...(t.refreshToken !== undefined && { refresh: t.refreshToken }),
    ...(t.expiresAt !== undefined && { expiresAt: t.expiresAt }),
    ...(t.kind !== undefined && { kind: t.kind }),
    url: t.url,
    origins: t.origins,
  };
}

/** Hands saved tokens to the session's token login, when they were issued for it; returns whether it took them. */
export function restoreTokens(parts: PersistedParts, saved: TokenRecord, duringLogin = false): boolean {
  const login = parts.login;
  if (!login || saved.access === undefined || saved.url === undefined || saved.origins === undefined) return false;
  return login.importTokens({
    accessToken: saved.access,
    ...(saved.refresh !== undefined && { refreshToken: saved.refresh }),
    ...(saved.expiresAt !== undefined && { expiresAt: saved.expiresAt }),
    url: saved.url,
    origins: saved.origins,
  }, duringLogin);
}

/**
 * Records the caller's choice about saving the login's secrets: `true` takes them from the session's
 * login now, `false` forgets them, `undefined` keeps the last choice (a loaded file's, say).
 */
export function chooseCredentials(parts: PersistedParts, include: boolean | undefined): void {
  if (include === false) parts.saved.credentials = undefined;
  if (include !== true) return;
  const login = parts.login;
  const secrets = login?.strategy.credentials?.();
  if (!login || !secrets) return;
  parts.saved.credentials = {
    ...(login.strategy.kind && { kind: login.strategy.kind }),
    url: login.strategy.loginUrl(login.context).href,
    ...secrets,
  };
}

const STRINGS = ['kind', 'url', 'username', 'password', 'clientId', 'clientSecret'] as const;

/** Takes saved secrets (`state.credentials`) back, when the value has the shape sessio writes. */
export function restoreCredentials(parts: PersistedParts, value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const v = value as Record<string, unknown>;
  const out: Partial<CredentialsRecord> = {};
  for (const k of STRINGS) if (typeof v[k] === 'string') out[k] = v[k];
  if (out.url !== undefined) parts.saved.credentials = out as CredentialsRecord;
}
