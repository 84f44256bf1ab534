import { SessioError } from '../core/errors.js';
import type { Stage } from '../core/pipeline.js';
import type { Response } from '../core/response.js';
import { serverDelay } from './retry-after.js';
import { OriginQueue, type OriginLimits, type QueueStats } from './origin-queue.js';

export type { OriginLimits, QueueStats } from './origin-queue.js';

/**
 * The `rateLimit` option: per origin, at most `requests` per `interval` (a token bucket, so bursts up to
 * `requests`) and at most `concurrency` at once; the others wait in order. When an origin answers 429 or
 * 503 with `Retry-After` (or a RateLimit reset header), every request queued for it waits until then,
 * instead of each one hitting it again. Waiting requests still honour their `signal` and total timeout.
 * Queue depth and waits show in `session.stats()`.
 *
 * @example
 * ```ts
 * const s = new Session({
 *   baseUrl: 'https://api.example.com',
 *   rateLimit: { requests: 10, interval: 1_000, concurrency: 4, origins: { 'https://slow.example.com': { concurrency: 1 } } },
 * });
 * console.log(s.stats()['https://api.example.com']); // { queued, active, waits, waitedMs, pauses, … }
 * ```
 */
export interface RateLimitOptions extends OriginLimits {
  /** Limits for particular origins (`https://host:port`), instead of the defaults above. */
  origins?: Record<string, OriginLimits>;
  /** Pause an origin that answers 429/503 with a wait. Default true. */
  pauseOnRetryAfter?: boolean;
  /** The longest pause honoured, ms; longer ones are cut to this. Default 60 000. */
  maxPause?: number;
}

const PAUSE_STATUSES = new Set([429, 503]);
const DEFAULT_MAX_PAUSE = 60_000;

/** The session's per-origin queues, and the pipeline stage that goes through them. */
export class RateLimiter {
  readonly #options: RateLimitOptions;
  readonly #queues = new Map<string, OriginQueue>();
  readonly #origins: Map<string, OriginLimits>;
  #closed = false;

  constructor(options: RateLimitOptions) {
    this.#options = options;
    this.#origins = new Map(Object.entries(options.origins ?? {}).map(([k, v]) => [new URL(k).origin, v]));
    new OriginQueue(options); // checks the default limits now rather than at the first request
  }

  /** The hop-level stage: waits for the origin's turn, sends, and frees the turn when the response is done. */
  readonly stage: Stage = async (req, next) => {
    const queue = this.#queue(req.url.origin);
    const release = await queue.acquire(req.settings.signal, req.method, req.url);
    let res: Response;
    try {
      res = await next(req);
    } catch (err) {
      release();
      throw err;
    }
    this.#maybePause(queue, res);
    holdUntilDone(res, release);
    return res;
  };

  /** Fails the requests still waiting, which would otherwise only fail once their turn came. */
  close(): void {
    this.#closed = true;
    for (const [origin, q] of this.#queues) q.close(closedError(origin));
  }

  /** Queue counters per origin. */
  stats(): Record<string, QueueStats> {
    return Object.fromEntries([...this.#queues].map(([origin, q]) => [origin, q.stats()]));
  }

  #queue(origin: string): OriginQueue {
    let q = this.#queues.get(origin);
    if (!q) {
      const { requests, interval, concurrency } = this.#options;
      q = new OriginQueue(this.#origins.get(origin) ?? { requests, interval, concurrency });
      this.#queues.set(origin, q);
      if (this.#closed) q.close(closedError(origin));
    }
    return q;
  }

  #maybePause(queue: OriginQueue, res: Response): void {
    if (this.#options.pauseOnRetryAfter === false || !PAUSE_STATUSES.has(res.status)) return;
    const wait = serverDelay(res.headers);
    if (wait !== undefined && wait > 0) queue.pause(Math.min(wait, this.#options.maxPause ?? DEFAULT_MAX_PAUSE));
  }
}

function closedError(origin: string): SessioError {
  return new SessioError(`The session was closed while this request waited for its turn at ${origin}`, { code: 'ERR_SESSION_CLOSED' });
}

/** A streaming response holds its turn until its body is consumed or cancelled; others free it now. */
function holdUntilDone(res: Response, release: () => void): void {
  const body = res.body;
  if (!body || body.destroyed || body.readableEnded) return release();
  body.once('close', release);
}

/** Adds the queue counters to the transport's per-origin stats. */
export function withQueueStats<T extends object>(stats: Record<string, T>, limiter: RateLimiter | undefined): Record<string, T & Partial<QueueStats>> {
  if (!limiter) return stats;
  const out: Record<string, T & Partial<QueueStats>> = { ...stats };
  for (const [origin, q] of Object.entries(limiter.stats())) out[origin] = { ...(stats[origin] ?? ({ connections: 0, requests: 0, open: 0 } as T)), ...q };
  return out;
}
