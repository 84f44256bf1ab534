import type { CsrfTokens } from './tokens.js';
import { log } from '../../core/log/index.js';
import type { Stage } from '../../core/pipeline.js';
import type { PreparedRequest } from '../../core/request.js';

/** Methods that never carry a CSRF token (RFC 9110 safe methods). */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

const SET_HEADERS = 'csrfHeaders';
const RETRIED = 'csrfRetried';

/** Removes what this stage added to the previous hop, which may have gone to another origin. */
function unset(req: PreparedRequest): void {
  const names = req.context[SET_HEADERS] as string[] | undefined;
  if (!names) return;
  for (const n of names) delete req.headers[n];
  delete req.context[SET_HEADERS];
}

async function apply(csrf: CsrfTokens, req: PreparedRequest): Promise<string | undefined> {
  const set: string[] = [];
  const header = await csrf.apply(req);
  if (header) set.push(header);
  // Django refuses unsafe https requests without a same-origin Referer.
  if (csrf.profile.referer && req.url.protocol === 'https:' && req.headers.referer === undefined) {
    req.headers.referer = `${req.url.origin}/`;
    set.push('referer');
  }
  if (set.length) req.context[SET_HEADERS] = set;
  return header ? (req.headers[header] as string) : undefined;
}

/**
 * The CSRF stage (per hop): adds the token learned from the hop's origin to unsafe requests, learns
 * tokens from every response, and when the framework refuses a token, gets a fresh one and sends the
 * hop once more (only when its body can be sent again).
 */
export function csrfStage(csrf: CsrfTokens): Stage {
  return async (req, next) => {
    unset(req);
    const unsafe = !SAFE_METHODS.has(req.method);
    const sent = unsafe ? await apply(csrf, req) : undefined;
    const res = await next(req);
    await csrf.learn(req, res);
    if (!unsafe || req.context[RETRIED] || !csrf.isFailure(res)) return res;
    if (req.body && !req.body.replay) return res;
    if (!(await csrf.renew(req.url, sent))) return res;
    req.context[RETRIED] = true;
    log.debug('csrf', `${req.url.origin} refused the CSRF token (${res.status}); sending ${req.method} again with a fresh one`, req);
    await res.cancel();
    if (req.body) req.body = req.body.replay!();
    unset(req);
    await apply(csrf, req);
    const again = await next(req);
    await csrf.learn(req, again);
    return again;
  };
}
