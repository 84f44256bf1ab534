import { AbortError, SessioError, TimeoutError } from '../core/errors.js';
import { announceRetry } from './hook-set.js';
import type { Stage } from '../core/pipeline.js';
import type { PreparedRequest } from '../core/request.js';
import type { Response } from '../core/response.js';
import { serverDelay } from './retry-after.js';
import { errorCodesOf, RETRY, type RetryContext, type RetryPolicy } from './retry-policy.js';
import { ContextKey } from '../core/context.js';
import { sleep } from '../core/sleep.js';

/** The time (performance.now()) at which the call's total timeout fires. */
const DEADLINE = new ContextKey<number>('retryDeadline');

/** The outcome of one attempt: a response or an error, never both. */
type Outcome = { response: Response; error?: undefined } | { response?: undefined; error: SessioError };

function deadlineOf(req: PreparedRequest): number | undefined {
  const total = req.settings.timeout.total;
  if (total === undefined) return undefined;
  // The first hop starts with the request, so its start is the clock the total timeout runs on.
  let deadline = req.context.get(DEADLINE);
  if (deadline === undefined) req.context.set(DEADLINE, (deadline = performance.now() + total));
  return deadline;
}

/** The default rule: idempotent method, and a listed status or a listed network error code. */
function wantedByDefault(policy: RetryPolicy, req: PreparedRequest, outcome: Outcome): boolean {
  if (!policy.methods.has(req.method)) return false;
  if (outcome.response) return policy.statusCodes.has(outcome.response.status);
  const err = outcome.error;
  // A cancelled request or an exhausted total timeout must end, whatever its cause was.
  if (err instanceof AbortError || (err instanceof TimeoutError && err.phase === 'total')) return false;
  return errorCodesOf(err).some((code) => policy.errorCodes.has(code));
}

/** The retry to make after `outcome`, or undefined to give the outcome to the caller. */
async function planRetry(policy: RetryPolicy, req: PreparedRequest, outcome: Outcome, attempt: number): Promise<RetryContext | undefined> {
  const asked = outcome.response ? serverDelay(outcome.response.headers) : undefined;
  const backoff = asked === undefined ? policy.backoff(attempt) : 0;
  const delay = asked ?? (Number.isNaN(backoff) ? 0 : Math.max(0, backoff));
  const ctx: RetryContext = { attempt, request: req, delay, ...outcome };
  const wanted = policy.shouldRetry ? await policy.shouldRetry(ctx) : wantedByDefault(policy, req, outcome);
  if (!wanted) return undefined;
  // Waiting longer than allowed, or past the total timeout, only to fail then: better answer now.
  if (asked !== undefined && asked > policy.maxRetryAfter) return undefined;
  const deadline = deadlineOf(req);
  if (deadline !== undefined && performance.now() + delay >= deadline) return undefined;
  return ctx;
}

async function attempt(req: PreparedRequest, next: (req: PreparedRequest) => Promise<Response>): Promise<Outcome> {
  try {
    return { response: await next(req) };
  } catch (err) {
    if (err instanceof SessioError) return { error: err };
    throw err; // a bug or a hook's own error, not something a retry can fix
  }
}

function give(outcome: Outcome): Response {
  if (outcome.error) throw outcome.error;
  return outcome.response;
}

/**
 * Sends a hop again when it failed in a way worth retrying (the `retry` option): after the wait asked
 * by `Retry-After`/`RateLimit-Reset`, else after an exponential backoff with full jitter. The responses
 * given up are released first so that their connections go back to the pool. A hop whose body cannot be
 * replayed is sent once.
 */
export const retryStage: Stage = (req, next) => {
  const policy = req.context.get(RETRY);
  // Not async on this path: a stage with nothing to do must not cost a promise per hop.
  if (!policy || policy.limit === 0 || (req.body && !req.body.replay)) return next(req);
  return withRetries(req, next, policy);
};

async function withRetries(req: PreparedRequest, next: (req: PreparedRequest) => Promise<Response>, policy: RetryPolicy): Promise<Response> {
  deadlineOf(req);
  // Each attempt is a fresh copy of the hop: what the stages below added to one is not in the next.
  let current = req.nextHop();
  for (let retries = 0; ; retries++) {
    const outcome = await attempt(current, next);
    if (retries >= policy.limit || req.settings.signal?.aborted) return give(outcome);
    const ctx = await planRetry(policy, current, outcome, retries + 1);
    if (!ctx) return give(outcome);
    await outcome.response?.cancel();
    await policy.onRetry?.(ctx);
    // Logs the retry, publishes it on diagnostics_channel and runs the beforeRetry hooks.
    current = req.resend()!; // replayable: checked before the first attempt
    await announceRetry(current, outcome.error ?? outcome.response, ctx.attempt, ctx.delay);
    await sleep(ctx.delay, req.settings.signal, req.method, req.url);
  }
}
