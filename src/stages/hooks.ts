import { setTimeout as wait } from 'node:timers/promises';
import { announceRetry, hooksOf, isRetryRequest, runAfterResponse, runBeforeRedirect, runBeforeRequest, runOnError } from './hook-set.js';
import { log } from '../core/log/index.js';
import type { Stage } from '../core/pipeline.js';
import type { PreparedRequest } from '../core/request.js';
import type { Response } from '../core/response.js';
import type { BeforeRedirect } from './redirects.js';

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Runs the request's hooks around its whole redirect chain: `beforeRequest`, then `afterResponse`
 * (which may replace the response or ask, a bounded number of times, for the request to be sent again
 * from scratch), and `onError` when sending fails. Requests without hooks go straight through.
 */
export const hookStage: Stage = (req, next) => {
  const hooks = hooksOf(req);
  // Not async on this path: requests without hooks must not pay a promise per request.
  return hooks ? withHooks(req, next, hooks) : next(req);
};

async function withHooks(req: PreparedRequest, next: (req: PreparedRequest) => Promise<Response>, hooks: NonNullable<ReturnType<typeof hooksOf>>): Promise<Response> {
  // Hooks change the copy they are given; a retry starts again from the request as it came in.
  let current = req.nextHop();
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    const early = await runBeforeRequest(current);
    if (early) return early;
    try {
      res = await next(current);
    } catch (err) {
      const outcome = await runOnError(asError(err), current);
      if (outcome instanceof Error) throw outcome;
      return outcome;
    }
    const result = await runAfterResponse(res, current, attempt);
    if (!isRetryRequest(result)) return result;
    const again = attempt < hooks.retryLimit ? req.resend() : undefined;
    if (!again) {
      log.debug('hooks', `afterResponse asked for a retry of ${current.method} ${current.url.href} but ${attempt >= hooks.retryLimit ? `the limit (${hooks.retryLimit}) is reached` : 'its body cannot be sent again'}; keeping the response`, current);
      return res;
    }
    await res.cancel();
    const delay = Math.max(0, result.delay ?? 0);
    await announceRetry(again, res, attempt + 1, delay);
    if (delay) await wait(delay, undefined, { signal: again.settings.signal });
    current = again;
  }
}

/**
 * The redirect stage's callback: runs `beforeRedirect` hooks, then logs the redirect as it will be
 * followed (hooks may have changed the next hop).
 */
export const beforeRedirect: BeforeRedirect = (next, res) => {
  // Not async without hooks: a redirect hop must not pay a promise and its ticks for nothing.
  if (!hooksOf(next)) return log.redirect(next, res);
  return runBeforeRedirect(next, res).then(() => log.redirect(next, res));
};
