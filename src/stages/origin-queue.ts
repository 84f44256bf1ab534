import { RequestError } from '../core/errors.js';
import { abortReason, MAX_TIMER_MS } from '../core/sleep.js';

/** Limits of one origin: a token bucket (requests per interval) and a cap on requests in flight. */
export interface OriginLimits {
  /** Requests allowed per `interval`; also the largest burst. Unlimited when absent. */
  requests?: number;
  /** The window of `requests`, ms. Default 1000. */
  interval?: number;
  /** Requests in flight at once. Unlimited when absent. */
  concurrency?: number;
}

/** Queue counters of one origin, shown by `session.stats()`. */
export interface QueueStats {
  /** Requests waiting for their turn now. */
  queued: number;
  /** Requests in flight now (a streaming response counts until its body is consumed or cancelled). */
  active: number;
  /** Requests that had to wait, since the session started. */
  waits: number;
  /** Total time requests spent waiting, ms. */
  waitedMs: number;
  /** Times the origin was paused by a 429/503 with Retry-After. */
  pauses: number;
  /** Until when the origin is paused (epoch ms), 0 when it is not. */
  pausedUntil: number;
}

interface Waiter {
  since: number;
  resolve: (release: () => void) => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * The FIFO queue of one origin. Requests take a token and a concurrency slot, or wait in order; one
 * timer (only while someone waits) wakes the queue when a token refills or a pause ends.
 */
export class OriginQueue {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #concurrency: number;
  #tokens: number;
  #refilledAt = Date.now();
  #active = 0;
  #waiting: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pausedUntil = 0;
  #waits = 0;
  #waitedMs = 0;
  #pauses = 0;
  #closed: Error | undefined;

  constructor(limits: OriginLimits) {
    const interval = limits.interval ?? 1000;
    check('requests', limits.requests);
    check('interval', interval);
    check('concurrency', limits.concurrency);
    this.#capacity = limits.requests ?? Infinity;
    this.#perMs = limits.requests === undefined ? Infinity : limits.requests / interval;
    this.#concurrency = limits.concurrency ?? Infinity;
    this.#tokens = this.#capacity;
  }

  /** Resolves with a `release` to call when the request is over; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal, method?: string, url?: URL): Promise<() => void> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (signal?.aborted) return Promise.reject(abortReason(signal, method, url));
    if (this.#waiting.length === 0 && this.#ready(Date.now())) return Promise.resolve(this.#take());
    this.#waits++;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        since: Date.now(),
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#waiting = this.#waiting.filter((w) => w !== waiter);
          this.#waitedMs += Date.now() - waiter.since;
          reject(abortReason(signal!, method, url));
          this.#drain();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiting.push(waiter);
      this.#drain();
    });
  }

  /** Holds every request to this origin until `ms` from now (a 429 or 503 with Retry-After). */
  pause(ms: number): void {
    const until = Date.now() + ms;
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.#pauses++;
    this.#drain();
  }

  /** Fails every waiting request and every later one with `error`: the session is closing. */
  close(error: Error): void {
    this.#closed = error;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const waiter of this.#waiting.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(error);
    }
  }

  stats(): QueueStats {
    return {
      queued: this.#waiting.length,
      active: this.#active,
      waits: this.#waits,
      waitedMs: Math.round(this.#waitedMs),
      pauses: this.#pauses,
      pausedUntil: this.#pausedUntil > Date.now() ? this.#pausedUntil : 0,
    };
  }

  #refill(now: number): void {
    if (this.#perMs === Infinity) return;
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#refilledAt) * this.#perMs);
    this.#refilledAt = now;
  }

  #ready(now: number): boolean {
    this.#refill(now);
    return now >= this.#pausedUntil && this.#active < this.#concurrency && this.#tokens >= 1;
  }

  #take(): () => void {
    this.#tokens--;
    this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#drain();
    };
  }

  #drain(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = Date.now();
    while (this.#waiting.length && this.#ready(now)) {
      const waiter = this.#waiting.shift()!;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.#waitedMs += now - waiter.since;
      waiter.resolve(this.#take());
    }
    if (!this.#waiting.length || this.#active >= this.#concurrency) return; // a release will drain again
    // Blocked by a pause or an empty bucket: wake up when that ends. The timer exists only while
    // requests wait, so an idle session keeps nothing alive.
    const untilToken = this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) / this.#perMs);
    const wait = Math.max(this.#pausedUntil - now, untilToken, 1);
    this.#timer = setTimeout(() => this.#drain(), Math.min(wait, MAX_TIMER_MS));
  }
}

function check(name: string, value: number | undefined): void {
  if (value !== undefined && !(value > 0)) throw new RequestError(`rateLimit.${name} must be a number > 0, not ${value}`, { code: 'ERR_INVALID_OPTION' });
}
