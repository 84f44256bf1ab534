import { SessioError } from '../core/errors.js';
import type { Stage } from '../core/pipeline.js';
import type { PreparedRequest } from '../core/request.js';
import type { Response } from '../core/response.js';
import { sleep } from '../core/sleep.js';
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
  /**
   * One budget for every process of a shared session (the `shared` session option): `requests` per
   * `interval` per origin counted in the shared store with its clock, spaced evenly (GCRA), and a
   * 429/503 with a wait pauses the origin for the whole fleet. `concurrency` stays per process.
   * When the store cannot be reached, each process falls back to the local limits.
   */
  shared?: boolean;
  /** With `shared`: how many requests may go out back to back before the spacing applies. Default 1. */
  burst?: number;
}

/** The limits the shared budget of one origin enforces. */
export interface BudgetLimits {
  requests: number;
  interval: number;
  burst: number;
}

/**
 * A rate budget kept outside the process (sessio/redis). `undefined` means the store is unreachable
 * now, and the local limits apply instead.
 */
export interface SharedBudget {
  /**
   * Takes the origin's slot when one is free now (resolves with 0); else resolves with the wait until
   * the next one, having taken nothing, or with `reserve` having booked that one. Ms.
   */
  take(origin: string, limits: BudgetLimits, reserve: boolean): Promise<number | undefined>;
  /** Holds the origin's slots for `ms` from now, for every process. */
  pause(origin: string, ms: number): Promise<void>;
}

const PAUSE_STATUSES = new Set([429, 503]);
const DEFAULT_MAX_PAUSE = 60_000;
/**
 * Asks for a free slot of the shared budget this many times, then books the next one: asking again
 * keeps a process that was slow to wake from sending late on an old slot (bunched with on-time
 * ones); booking bounds the asking when many processes compete.
 */
const MAX_TAKES = 20;

/** The session's per-origin queues, and the pipeline stage that goes through them. */
export class RateLimiter {
  readonly #options: RateLimitOptions;
  readonly #queues = new Map<string, OriginQueue>();
  readonly #origins: Map<string, OriginLimits>;
  readonly #budget: SharedBudget | undefined;
  /** With a shared budget: the local token buckets used while the store is unreachable. */
  readonly #fallback = new Map<string, OriginQueue>();
  #closed = false;

  constructor(options: RateLimitOptions, budget?: SharedBudget) {
    this.#options = options;
    this.#origins = new Map(Object.entries(options.origins ?? {}).map(([k, v]) => [new URL(k).origin, v]));
    this.#budget = options.shared ? budget : undefined;
    if (options.shared && !budget) throw new SessioError('rateLimit.shared needs the `shared` session option (redisState from sessio/redis)', { code: 'ERR_INVALID_OPTION' });
    if (options.burst !== undefined && !(Number.isInteger(options.burst) && options.burst >= 1)) throw new SessioError(`rateLimit.burst must be an integer >= 1, not ${options.burst}`, { code: 'ERR_INVALID_OPTION' });
    new OriginQueue(options); // checks the default limits now rather than at the first request
  }

  /** The hop-level stage: waits for the origin's turn, sends, and frees the turn when the response is done. */
  readonly stage: Stage = async (req, next) => {
    const queue = this.#queue(req.url.origin);
    const release = await queue.acquire(req.settings.signal, req.method, req.url);
    let res: Response;
    try {
      if (this.#budget) await this.#fleetTurn(this.#budget, req);
      res = await next(req);
    } catch (err) {
      release();
      throw err;
    }
    this.#maybePause(queue, req.url.origin, res);
    holdUntilDone(res, release);
    return res;
  };

  /** Fails the requests still waiting, which would otherwise only fail once their turn came. */
  close(): void {
    this.#closed = true;
    for (const [origin, q] of [...this.#queues, ...this.#fallback]) q.close(closedError(origin));
  }

  /** Queue counters per origin. */
  stats(): Record<string, QueueStats> {
    return Object.fromEntries([...this.#queues].map(([origin, q]) => [origin, q.stats()]));
  }

  #limits(origin: string): OriginLimits {
    const { requests, interval, concurrency } = this.#options;
    return this.#origins.get(origin) ?? { requests, interval, concurrency };
  }

  #queue(origin: string): OriginQueue {
    let q = this.#queues.get(origin);
    if (!q) {
      const limits = this.#limits(origin);
      // With a shared budget the rate is the fleet's; only the concurrency stays in this process.
      q = new OriginQueue(this.#budget ? { concurrency: limits.concurrency } : limits);
      this.#queues.set(origin, q);
      if (this.#closed) q.close(closedError(origin));
    }
    return q;
  }

  /**
   * Waits for a slot of the shared budget (a pause another process saw counts); with the store
   * unreachable, the local token bucket decides instead.
   */
  async #fleetTurn(budget: SharedBudget, req: PreparedRequest): Promise<void> {
    const origin = req.url.origin;
    const { requests, interval = 1000 } = this.#limits(origin);
    if (requests === undefined) return;
    const limits = { requests, interval, burst: this.#options.burst ?? 1 };
    for (let i = 0; i <= MAX_TAKES; i++) {
      const wait = await budget.take(origin, limits, i === MAX_TAKES);
      if (wait === undefined) return this.#localTurn(origin, req);
      if (wait <= 0) return;
      // A little spread, so the processes that wait for one slot do not all ask at once.
      await sleep(i === MAX_TAKES ? wait : wait + Math.random() * (interval / requests), req.settings.signal, req.method, req.url);
      if (i === MAX_TAKES) return;
    }
  }

  async #localTurn(origin: string, req: PreparedRequest): Promise<void> {
    let q = this.#fallback.get(origin);
    if (!q) this.#fallback.set(origin, (q = new OriginQueue({ ...this.#limits(origin), concurrency: undefined })));
    if (this.#closed) q.close(closedError(origin));
    (await q.acquire(req.settings.signal, req.method, req.url))();
  }

  #maybePause(queue: OriginQueue, origin: string, res: Response): void {
    if (this.#options.pauseOnRetryAfter === false || !PAUSE_STATUSES.has(res.status)) return;
    const wait = serverDelay(res.headers);
    if (wait === undefined || wait <= 0) return;
    const ms = Math.min(wait, this.#options.maxPause ?? DEFAULT_MAX_PAUSE);
    queue.pause(ms);
    this.#fallback.get(origin)?.pause(ms);
    // The budget reports its own outages; a pause it cannot share still holds this process.
    this.#budget?.pause(origin, ms).catch(() => undefined);
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
