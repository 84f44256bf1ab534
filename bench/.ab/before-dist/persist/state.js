const handlers = new Map();
/** Lets a feature (login, CSRF) persist its per-session state under `name` in session files. */
export function registerSessionState(name, handler) {
    handlers.set(name, handler);
}
export function stateHandlers() {
    return handlers;
}
const logins = new WeakMap();
const tokens = new WeakMap();
/**
 * How this session logs in again, saved with it. Include `password` only when the user opted in to
 * saving it; it is then kept by later saves until replaced.
 */
export function setSessionLogin(session, login) {
    if (login)
        logins.set(session, { ...login });
    else
        logins.delete(session);
}
export function getSessionLogin(session) {
    const l = logins.get(session);
    return l && { ...l };
}
/** Access and refresh tokens saved with the session. */
export function setSessionTokens(session, value) {
    if (value)
        tokens.set(session, { ...value });
    else
        tokens.delete(session);
}
export function getSessionTokens(session) {
    const t = tokens.get(session);
    return t && { ...t };
}
