/**
 * The logging API the pipeline's stages call. Each call checks the session's switches first and
 * returns at once when its event is off and nobody subscribes to its diagnostics channel: stages may
 * call it unconditionally. Everything written is redacted (credentials, cookies, CSRF tokens,
 * password fields, URL userinfo, secret query parameters, `sensitiveHeaders`).
 *
 * @example
 * ```ts
 * import { log } from './index.js';
 * log.retry(req, { attempt: 1, delay: 250, reason: err });
 * log.login(req, { url: loginUrl, ok: true, ms: 231, scheme: 'form', status: 302 });
 * log.debug('csrf', 'token refreshed from meta tag', req);
 * ```
 */
import { ContextKey } from '../context.js';
import { PreparedRequest } from '../request.js';
import type { Response } from '../response.js';
import { redactText, redactUrl } from '../redact.js';
import { snapshotBody } from './body.js';
import { channels } from './channels.js';
import { createLog, Log } from './logger.js';
import { headerLines, isTextual, requestBodyExcerpt, textExcerpt } from './wire.js';

export { createLog, Log, type LoggerLike, type LogEvent, type LogFields } from './logger.js';
export { channels, CHANNEL_NAMES, anySubscribers } from './channels.js';
export { parseDebug, debugEnabled, sessioEnabled } from './debug-env.js';

/** The request's session's {@link Log}, set when the session prepares it. */
export const LOG = new ContextKey<Log>('log');

/** Anything a log line can be attributed to: a request (its session's log), or a holder of a log (a session port). */
export type LogOwner = PreparedRequest | { readonly log: Log };

/** How a login went, for {@link log.login}. */
export interface LoginInfo {
  /** The login endpoint. */
  url: string | URL;
  ok: boolean;
  /** Milliseconds the login took. */
  ms: number;
  /** `form`, `basic`, `bearer`, `oauth`… */
  scheme?: string;
  status?: number;
  /** Why it failed, shown redacted. */
  reason?: string;
}

/** What caused a retry: an error or a response. */
export interface RetryInfo {
  /** Retries so far, from 1. */
  attempt: number;
  /** Milliseconds waited before sending again. */
  delay: number;
  reason: Error | Response;
}

let fallback: Log | undefined;

/** The log of a request (its session's) or of a log holder; else one made from `DEBUG`. */
export function logOf(owner?: LogOwner): Log {
  if (owner instanceof PreparedRequest) return owner.context.get(LOG) ?? (fallback ??= createLog());
  return owner?.log ?? (fallback ??= createLog());
}

/** `12.3 ms` below 10 ms, `123 ms` above. */
export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

function reasonOf(reason: Error | Response): string {
  if (reason instanceof Error) return (reason as { code?: string }).code ?? reason.name;
  return String(reason.status);
}

function wireRequest(l: Log, req: PreparedRequest): void {
  const body = snapshotBody(req.body);
  const lines = headerLines(req.headers, req.sensitiveHeaders);
  const excerpt = requestBodyExcerpt(body);
  if (l.structured) {
    l.write('sessio:wire', 'trace', `> ${req.method} ${redactUrl(req.url)}`, { headers: lines, ...(excerpt !== undefined && { body: excerpt }) });
    return;
  }
  for (const line of lines) l.write('sessio:wire', 'trace', `> ${line}`);
  if (excerpt !== undefined) l.write('sessio:wire', 'trace', `> ${JSON.stringify(excerpt)}`);
}

function wireResponse(l: Log, req: PreparedRequest, res: Response, bytes: Uint8Array | undefined): void {
  const lines = headerLines(res.headers.toJSON(), req.sensitiveHeaders);
  let excerpt: string | undefined;
  const type = res.headers.get('content-type');
  if (res.body !== undefined) excerpt = '[streamed body, not shown]';
  else if (!isTextual(type)) excerpt = `[${type} body, not shown]`;
  else {
    const data = bytes ?? res.peekText();
    if (data.length) excerpt = textExcerpt(data);
  }
  if (l.structured) {
    l.write('sessio:wire', 'trace', `< ${res.status} ${redactUrl(res.url)}`, { headers: lines, ...(excerpt !== undefined && { body: excerpt }) });
    return;
  }
  for (const line of lines) l.write('sessio:wire', 'trace', `< ${line}`);
  if (excerpt !== undefined) l.write('sessio:wire', 'trace', `< ${JSON.stringify(excerpt)}`);
}

/** The logging API; see the module comment. */
export const log = {
  /** A hop going out (called by the innermost stage, so headers are final). */
  request(req: PreparedRequest): void {
    const l = logOf(req);
    if (l.request) {
      const url = redactUrl(req.url);
      l.write('sessio:request', 'debug', `→ ${req.method} ${url}`, { method: req.method, url });
      if (l.wire) wireRequest(l, req);
    }
    if (channels.request.hasSubscribers) channels.request.publish({ request: req.snapshot() });
  },

  /** The response of a hop, with its status and time; `bytes` (the body read) spares decoding all of it for the wire excerpt. */
  response(req: PreparedRequest, res: Response, bytes?: Uint8Array): void {
    const l = logOf(req);
    if (l.response) {
      const url = redactUrl(res.url);
      l.write('sessio:response', 'debug', `← ${res.status} ${res.statusText} ${req.method} ${url} (${ms(res.elapsed)})`,
        { method: req.method, url, status: res.status, ms: Math.round(res.elapsed) });
      if (l.wire) wireResponse(l, req, res, bytes);
    }
    if (channels.response.hasSubscribers) channels.response.publish({ request: res.request, response: res, elapsed: res.elapsed });
  },

  /** A hop that failed with an error (no response). */
  error(req: PreparedRequest, err: unknown, elapsed: number): void {
    const l = logOf(req);
    if (l.error) {
      const e = err instanceof Error ? err : new Error(String(err));
      const code = (e as { code?: string }).code;
      const url = redactUrl(req.url);
      l.write('sessio:error', 'warn', `✕ ${req.method} ${url} ${e.name}${code ? ` ${code}` : ''}: ${redactText(e.message)} (${ms(elapsed)})`,
        { method: req.method, url, error: e.name, code, ms: Math.round(elapsed) });
    }
    if (channels.error.hasSubscribers) channels.error.publish({ request: req.snapshot(), error: err });
  },

  /** A redirect being followed: `next` is the request of the next hop, `res` the 3xx response. */
  redirect(next: PreparedRequest, res: Response): void {
    const l = logOf(next);
    if (l.redirect) {
      const from = redactUrl(res.url);
      const to = redactUrl(next.url);
      l.write('sessio:redirect', 'debug', `↪ ${res.status} ${from} → ${next.method} ${to}`, { status: res.status, from, to, method: next.method });
    }
    if (channels.redirect.hasSubscribers) channels.redirect.publish({ response: res, next: next.snapshot() });
  },

  /** A retry about to be sent after `delay` ms. */
  retry(req: PreparedRequest, info: RetryInfo): void {
    const l = logOf(req);
    if (l.retry) {
      const url = redactUrl(req.url);
      const reason = reasonOf(info.reason);
      l.write('sessio:retry', 'debug', `↻ retry ${info.attempt} of ${req.method} ${url} in ${ms(info.delay)} after ${reason}`,
        { method: req.method, url, attempt: info.attempt, delay: Math.round(info.delay), reason });
    }
    if (channels.retry.hasSubscribers) channels.retry.publish({ request: req.snapshot(), ...info });
  },

  /** A login attempt finished (by a login helper: form, token…). */
  login(owner: LogOwner, info: LoginInfo): void {
    const l = logOf(owner);
    if (l.login) {
      const url = redactUrl(info.url);
      const how = info.scheme ? `${info.scheme} ` : '';
      const status = info.status === undefined ? '' : ` ${info.status}`;
      const reason = info.reason ? `: ${redactText(info.reason)}` : '';
      l.write('sessio:login', 'debug', `login ${how}${info.ok ? 'ok' : 'failed'}${status} ${url} (${ms(info.ms)})${reason}`,
        { url, ok: info.ok, scheme: info.scheme, status: info.status, ms: Math.round(info.ms) });
    }
    if (channels.login.hasSubscribers) channels.login.publish({ ...info, url: redactUrl(info.url) });
  },

  /** A free-form message under `sessio:<section>`; the message is redacted. */
  debug(section: string, message: string, owner?: LogOwner): void {
    const l = logOf(owner);
    if (l.section(section)) l.write(`sessio:${section}`, 'debug', redactText(message));
  },

  /** Whether an event would be written (to skip building an expensive message). */
  enabled(owner: LogOwner | undefined, event: 'request' | 'response' | 'redirect' | 'retry' | 'login' | 'error' | 'wire'): boolean {
    return logOf(owner)[event];
  },
};
