// Login state in session files: the token login's tokens (in `tokens`, bound to the endpoint and
// origins that issued them) and, only on opt-in, the login's secrets (in `state.credentials`).
import { loginCoordinatorOf } from '../features/login/coordinator.js';
import type { LoginCredentials } from '../features/login/types.js';
import type { Session } from '../session/session.js';
import type { TokenRecord } from './schema.js';
import { getSessionTokens, registerSessionState } from './state.js';

/** A login's secrets as saved on opt-in, with the endpoint they are for. */
export interface CredentialsRecord extends LoginCredentials {
  kind?: string;
  url: string;
}

const credentials = new WeakMap<Session, CredentialsRecord>();

/**
 * The tokens to save: the login's own when it is a token login (none after a logout), else the ones
 * loaded from the file and not taken by a login (kept for a later load that gives the login).
 */
export function tokensToSave(session: Session): TokenRecord | undefined {
  const login = loginCoordinatorOf(session);
  if (!login?.holdsTokens) return getSessionTokens(session);
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
export function restoreTokens(session: Session, saved: TokenRecord): boolean {
  const login = loginCoordinatorOf(session);
  if (!login || saved.access === undefined || saved.url === undefined || saved.origins === undefined) return false;
  return login.importTokens({
    accessToken: saved.access,
    ...(saved.refresh !== undefined && { refreshToken: saved.refresh }),
    ...(saved.expiresAt !== undefined && { expiresAt: saved.expiresAt }),
    url: saved.url,
    origins: saved.origins,
  });
}

/**
 * Records the caller's choice about saving the login's secrets: `true` takes them from the session's
 * login now, `false` forgets them, `undefined` keeps the last choice (a loaded file's, say).
 */
export function chooseCredentials(session: Session, include: boolean | undefined): void {
  if (include === false) credentials.delete(session);
  if (include !== true) return;
  const login = loginCoordinatorOf(session);
  const secrets = login?.strategy.credentials?.();
  if (!login || !secrets) return;
  credentials.set(session, {
    ...(login.strategy.kind && { kind: login.strategy.kind }),
    url: login.strategy.loginUrl(login.context).href,
    ...secrets,
  });
}

const STRINGS = ['kind', 'url', 'username', 'password', 'clientId', 'clientSecret'] as const;

registerSessionState('credentials', {
  save: (session) => credentials.get(session),
  restore(session, value) {
    if (typeof value !== 'object' || value === null) return;
    const v = value as Record<string, unknown>;
    const out: Partial<CredentialsRecord> = {};
    for (const k of STRINGS) if (typeof v[k] === 'string') out[k] = v[k];
    if (out.url !== undefined) credentials.set(session, out as CredentialsRecord);
  },
});
