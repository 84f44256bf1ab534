import type { Session, SessionInit } from '../session/session.js';
import type { LoginRecord, TokenRecord } from './schema.js';

/**
 * A feature that keeps state in saved sessions (CSRF tokens, token login…). `save` returns undefined
 * for "nothing to save"; the value must survive JSON. `restore` runs on `Session.load`.
 */
export interface SessionStateHandler {
  save(session: Session): unknown;
  restore(session: Session, value: unknown): void;
  /**
   * Session options the saved state needs, used on load where the caller gave none of them (the
   * `csrf` profile the tokens were learned with, say); undefined when the value cannot give any.
   */
  options?(value: unknown): Partial<SessionInit> | undefined;
}

const handlers = new Map<string, SessionStateHandler>();

/** Lets a feature (login, CSRF) persist its per-session state under `name` in session files. */
export function registerSessionState(name: string, handler: SessionStateHandler): void {
  handlers.set(name, handler);
}

export function stateHandlers(): ReadonlyMap<string, SessionStateHandler> {
  return handlers;
}

const logins = new WeakMap<Session, LoginRecord>();
const tokens = new WeakMap<Session, TokenRecord>();

/**
 * How this session logs in again, saved with it. Include `password` only when the user opted in to
 * saving it; it is then kept by later saves until replaced.
 */
export function setSessionLogin(session: Session, login: LoginRecord | undefined): void {
  if (login) logins.set(session, { ...login });
  else logins.delete(session);
}

export function getSessionLogin(session: Session): LoginRecord | undefined {
  const l = logins.get(session);
  return l && { ...l };
}

/** Access and refresh tokens saved with the session. */
export function setSessionTokens(session: Session, value: TokenRecord | undefined): void {
  if (value) tokens.set(session, { ...value });
  else tokens.delete(session);
}

export function getSessionTokens(session: Session): TokenRecord | undefined {
  const t = tokens.get(session);
  return t && { ...t };
}
