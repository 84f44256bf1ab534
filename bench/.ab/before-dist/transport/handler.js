import { Readable } from 'node:stream';
import { DecodedTooLarge } from '../decode.js';
/**
 * An undici dispatch handler (the dispatcher API, no fetch and no intermediate stream in the default
 * case): it gathers the body into chunks, or hands out a Readable with back-pressure for `stream: true`.
 * `started` tells whether any response came, which decides if a failure may be retried.
 */
export class ResponseHandler {
    started = false;
    #controller;
    #head;
    #chunks = [];
    #size = 0;
    #stream;
    #settled = false;
    #resolve;
    #reject;
    #streaming;
    #limit;
    #signal;
    #mapError;
    #onAbort = () => this.#controller?.abort(this.#signal?.reason);
    constructor(opts) {
        this.#mapError = opts.mapError;
        this.#streaming = opts.streaming;
        this.#limit = opts.limit;
        this.#signal = opts.signal;
        this.#resolve = opts.resolve;
        this.#reject = opts.reject;
    }
    onRequestStart(controller) {
        this.#controller = controller;
        if (this.#signal?.aborted)
            controller.abort(this.#signal.reason);
        else
            this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
    }
    onResponseStart(controller, status, headers, statusText) {
        if (status < 200)
            return; // 1xx informational: the real response follows
        this.started = true;
        this.#head = { status, statusText, headers };
        if (!this.#streaming)
            return;
        const stream = new Readable({
            read: () => controller.resume(),
            destroy: (err, cb) => {
                if (!controller.aborted && !stream.readableEnded)
                    controller.abort(err ?? new Error('response stream cancelled'));
                this.#cleanup();
                cb(err);
            },
        });
        // A body nobody reads must not crash the process when the connection breaks; readers (async
        // iteration, pipeline) still see the error.
        stream.on('error', () => { });
        this.#stream = stream;
        this.#settle({ ...this.#head, stream });
    }
    onResponseData(controller, chunk) {
        if (this.#stream) {
            if (!this.#stream.push(chunk))
                controller.pause();
            return;
        }
        this.#size += chunk.length;
        // Bodies past the limit are refused while they arrive, not after they filled memory.
        if (this.#size > this.#limit)
            controller.abort(new DecodedTooLarge());
        else
            this.#chunks.push(chunk);
    }
    onResponseEnd() {
        this.#cleanup();
        if (this.#stream)
            this.#stream.push(null);
        else
            this.#settle({ ...this.#head, chunks: this.#chunks });
    }
    onResponseError(_controller, err) {
        this.#cleanup();
        if (this.#stream)
            this.#stream.destroy(this.#mapError(err));
        else if (!this.#settled) {
            this.#settled = true;
            this.#reject(err);
        }
    }
    #settle(r) {
        if (this.#settled)
            return;
        this.#settled = true;
        this.#resolve(r);
    }
    #cleanup() {
        this.#signal?.removeEventListener('abort', this.#onAbort);
    }
}
