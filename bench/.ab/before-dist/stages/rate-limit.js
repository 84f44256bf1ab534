import { SessioError } from '../errors.js';
import { serverDelay } from '../retry/after.js';
import { OriginQueue } from '../retry/origin-queue.js';
const PAUSE_STATUSES = new Set([429, 503]);
const DEFAULT_MAX_PAUSE = 60_000;
/** The session's per-origin queues, and the pipeline stage that goes through them. */
export class RateLimiter {
    #options;
    #queues = new Map();
    #origins;
    #closed = false;
    constructor(options) {
        this.#options = options;
        this.#origins = new Map(Object.entries(options.origins ?? {}).map(([k, v]) => [new URL(k).origin, v]));
        new OriginQueue(options); // checks the default limits now rather than at the first request
    }
    /** The hop-level stage: waits for the origin's turn, sends, and frees the turn when the response is done. */
    stage = async (req, next) => {
        const queue = this.#queue(req.url.origin);
        const release = await queue.acquire(req.settings.signal, req.method, req.url);
        let res;
        try {
            res = await next(req);
        }
        catch (err) {
            release();
            throw err;
        }
        this.#maybePause(queue, res);
        holdUntilDone(res, release);
        return res;
    };
    /** Fails the requests still waiting, which would otherwise only fail once their turn came. */
    close() {
        this.#closed = true;
        for (const [origin, q] of this.#queues)
            q.close(closedError(origin));
    }
    /** Queue counters per origin. */
    stats() {
        return Object.fromEntries([...this.#queues].map(([origin, q]) => [origin, q.stats()]));
    }
    #queue(origin) {
        let q = this.#queues.get(origin);
        if (!q) {
            const { requests, interval, concurrency } = this.#options;
            q = new OriginQueue(this.#origins.get(origin) ?? { requests, interval, concurrency });
            this.#queues.set(origin, q);
            if (this.#closed)
                q.close(closedError(origin));
        }
        return q;
    }
    #maybePause(queue, res) {
        if (this.#options.pauseOnRetryAfter === false || !PAUSE_STATUSES.has(res.status))
            return;
        const wait = serverDelay(res.headers);
        if (wait !== undefined && wait > 0)
            queue.pause(Math.min(wait, this.#options.maxPause ?? DEFAULT_MAX_PAUSE));
    }
}
function closedError(origin) {
    return new SessioError(`The session was closed while this request waited for its turn at ${origin}`, { code: 'ERR_SESSION_CLOSED' });
}
/** A streaming response holds its turn until its body is consumed or cancelled; others free it now. */
function holdUntilDone(res, release) {
    const body = res.body;
    if (!body || body.destroyed || body.readableEnded)
        return release();
    body.once('close', release);
}
/** Adds the queue counters to the transport's per-origin stats. */
export function withQueueStats(stats, limiter) {
    if (!limiter)
        return stats;
    const out = { ...stats };
    for (const [origin, q] of Object.entries(limiter.stats()))
        out[origin] = { ...(stats[origin] ?? { connections: 0, requests: 0, open: 0 }), ...q };
    return out;
}
