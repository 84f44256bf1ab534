import type { CsrfTokens } from './tokens.js';
import { ContextKey } from '../../core/context.js';
import { log } from '../../core/log/index.js';
import type { Stage } from '../../core/pipeline.js';
import type { PreparedRequest } from '../../core/request.js';

/** Methods that never carry a CSRF token (RFC 9110 safe methods). */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Set once a hop was sent again with a fresh token: a refusal is answered once per hop. */
const RETRIED = new ContextKey<true>('csrfRetried', { hop: true });

async function apply(csrf: CsrfTokens, req: PreparedRequest): Promise<string | undefined> {
  const header = await csrf.apply(req);
  // Django refuses unsafe https requests without a same-origin Referer.
  if (csrf.profile.referer && req.url.protocol === 'https:' && req.headers.referer === undefined) req.headers.referer = `${req.url.origin}/`;
  return header ? (req.headers[header] as string) : undefined;
}

/**
 * The CSRF stage (per hop): adds the token learned from the hop's origin to unsafe requests, learns
 * tokens from every response, and when the framework refuses a token, gets a fresh one and sends the
 * hop once more (only when its body can be sent again). The token goes on a copy of the hop, so the
 * request this stage was given stays as it came for that second send.
 */
export function csrfStage(csrf: CsrfTokens): Stage {
  return async (req, next) => {
    if (SAFE_METHODS.has(req.method)) {
      const res = await next(req);
      await csrf.learn(req, res);
      return res;
    }
    const hop = req.nextHop();
    const sent = await apply(csrf, hop);
    const res = await next(hop);
    await csrf.learn(hop, res);
    if (req.context.has(RETRIED) || !csrf.isFailure(res)) return res;
    if (req.body && !req.body.replay) return res;
    if (!(await csrf.renew(req.url, sent))) return res;
    req.context.set(RETRIED, true);
    log.debug('csrf', `${req.url.origin} refused the CSRF token (${res.status}); sending ${req.method} again with a fresh one`, req);
    await res.cancel();
    const again = req.resend()!;
    await apply(csrf, again);
    const last = await next(again);
    await csrf.learn(again, last);
    return last;
  };
}
