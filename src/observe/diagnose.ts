// Under DEBUG=sessio* (section `sessio:auth`), a 401 or 403 gets one line saying what the session
// did not send and what the server asked for: the question "why do I get 401?" answered where it
// happens. Cookie names and reasons only, the challenge's schemes and realms, and the server's own
// message (redacted like every log line).
import { parseChallenges } from '../auth/challenge.js';
import type { CookieJar } from '../cookies/index.js';
import { describeErrorBody } from '../core/errors.js';
import { log, logOf } from '../core/log/index.js';
import type { Stage } from '../core/pipeline.js';
import type { PreparedRequest } from '../core/request.js';
import type { Response } from '../core/response.js';

const SECTION = 'auth';

/** The diagnosis stage for a session's jar: below the cookie stage, so it sees each hop's answer. */
export function diagnoseStage(jar: CookieJar): Stage {
  // Not async when the section is off: a request must not pay a promise for a log line it never writes.
  return (req, next) => (logOf(req).section(SECTION) ? diagnosed(jar, req, next) : next(req));
}

async function diagnosed(jar: CookieJar, req: PreparedRequest, next: (req: PreparedRequest) => Promise<Response>): Promise<Response> {
  const res = await next(req);
  if (res.status === 401 || res.status === 403) log.debug(SECTION, diagnosis(jar, req, res), req);
  return res;
}

export function diagnosis(jar: CookieJar, req: PreparedRequest, res: Response): string {
  const parts = [`${res.status} for ${req.method} ${req.url.origin}${req.url.pathname}`];
  const withheld = jar.explain(req.url).filter((c) => !c.sent);
  parts.push(withheld.length ? `cookies not sent: ${withheld.map((c) => `${c.name} (${c.detail ?? c.reason})`).join(', ')}` : 'no stored cookie was withheld');
  if (req.headers.authorization === undefined) parts.push('no Authorization sent');
  const challenges = parseChallenges(res.headers.getAll('www-authenticate'));
  if (challenges.length) {
    parts.push(`WWW-Authenticate: ${challenges.map((c) => [c.scheme, c.params.realm && `realm="${c.params.realm}"`, c.params.error && `error="${c.params.error}"`].filter(Boolean).join(' ')).join(', ')}`);
  }
  const said = serverMessage(res);
  if (said) parts.push(`server says: ${said}`);
  return parts.join('; ');
}

/** The server's message, as an HTTPError shows it (Spring Boot, RFC 9457, or the text); not an HTML page. */
function serverMessage(res: Response): string | undefined {
  if (res.body !== undefined) return undefined; // streamed: the body is the caller's
  if (/html/i.test(res.headers.get('content-type') ?? '')) return undefined;
  const text = res.peekText().trim();
  return text ? JSON.stringify(describeErrorBody(text)) : undefined;
}
