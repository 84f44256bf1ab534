import type { CsrfTokens, SentToken } from './tokens.js';
import type { TokenForm } from './mask.js';
import { ContextKey } from '../../core/context.js';
import { log } from '../../core/log/index.js';
import type { Stage } from '../../core/pipeline.js';
import type { PreparedRequest } from '../../core/request.js';
import type { Response } from '../../core/response.js';

/** Methods that never carry a CSRF token (RFC 9110 safe methods). */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * Sends of one hop after refusals: a fresh token, then the same token in its other form (Spring 6
 * issues a deferred token on the 403 to a request that had none, and only then is its form in question).
 */
const MAX_RESENDS = 2;

/** Set once a hop was sent again with a fresh token: the resends are counted per hop. */
const RETRIED = new ContextKey<true>('csrfRetried', { hop: true });

async function apply(csrf: CsrfTokens, req: PreparedRequest, form?: TokenForm): Promise<SentToken | undefined> {
  const sent = await csrf.apply(req, form);
  csrf.sessions?.apply(req);
  // Django refuses unsafe https requests without a same-origin Referer.
  if (csrf.profile.referer && req.url.protocol === 'https:' && req.headers.referer === undefined) req.headers.referer = `${req.url.origin}/`;
  return sent;
}

const key = (sent: SentToken | undefined): string => (sent ? `${sent.form ?? ''}:${sent.token}` : '');

/**
 * The CSRF stage (per hop): adds the token learned from the hop's origin to unsafe requests, learns
 * tokens from every response, and when the framework refuses a token, sends the hop again with a fresh
 * token or the same one in its other form (at most twice, never the same token and form twice, only
 * when the body can be sent again). The token goes on a copy of the hop, so the request this stage was
 * given stays as it came for the next send.
 */
export function csrfStage(csrf: CsrfTokens): Stage {
  return async (req, next) => {
    if (SAFE_METHODS.has(req.method)) {
      // The session header goes on a copy, like the token, so a redirect's next hop starts clean.
      const hop = csrf.sessions?.applies(req.url) ? req.nextHop() : req;
      csrf.sessions?.apply(hop);
      const res = await next(hop);
      await csrf.learn(hop, res);
      return res;
    }
    const hop = req.nextHop();
    let sent = await apply(csrf, hop);
    let res = await next(hop);
    await csrf.learn(hop, res);
    if (req.context.has(RETRIED)) return settle(csrf, req, sent, res);
    const tried = new Set([key(sent)]);
    for (let n = 0; n < MAX_RESENDS && csrf.isFailure(res); n++) {
      if (req.body && !req.body.replay) break;
      const plan = await csrf.renew(req.url, sent);
      // The second resend only tries the other form: a server refusing every fresh token gets one more.
      if (!plan || (n > 0 && (plan.form === undefined || plan.form === sent?.form))) break;
      req.context.set(RETRIED, true);
      log.debug('csrf', `${req.url.origin} refused the CSRF token (${res.status}); sending ${req.method} again with ${plan.form === 'masked' ? 'the token masked' : 'a fresh or plain token'}`, req);
      const again = req.resend()!;
      const next_ = await apply(csrf, again, plan.form);
      if (tried.has(key(next_))) break;
      tried.add(key(next_));
      await res.cancel();
      sent = next_;
      res = await next(again);
      await csrf.learn(again, res);
    }
    return settle(csrf, req, sent, res);
  };
}

/** A token the server did not refuse tells which form it accepts. */
function settle(csrf: CsrfTokens, req: PreparedRequest, sent: SentToken | undefined, res: Response): Response {
  if (!csrf.isFailure(res) && res.status < 400) csrf.accepted(req.url, sent);
  return res;
}
