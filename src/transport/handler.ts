import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { DecodedTooLarge } from '../core/decode.js';

/** The head of a response as undici parsed it. */
export interface ResponseHead {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The outcome of one dispatch: the head, and either all the bytes or a stream of them. */
export interface RawResponse extends ResponseHead {
  chunks?: Buffer[];
  stream?: Readable;
}

type Controller = Dispatcher.DispatchController;

/**
 * An undici dispatch handler (the dispatcher API, no fetch and no intermediate stream in the default
 * case): it gathers the body into chunks, or hands out a Readable with back-pressure for `stream: true`.
 * `started` tells whether any response came, which decides if a failure may be retried.
 */
export class ResponseHandler implements Dispatcher.DispatchHandler {
  started = false;
  #controller: Controller | undefined;
  #head: ResponseHead | undefined;
  #chunks: Buffer[] = [];
  #size = 0;
  #stream: Readable | undefined;
  #settled = false;
  readonly #resolve: (r: RawResponse) => void;
  readonly #reject: (err: unknown) => void;
  readonly #streaming: boolean;
  readonly #limit: number;
  readonly #signal: AbortSignal | undefined;
  readonly #mapError: (err: unknown) => Error;
  readonly #onAbort = () => this.#controller?.abort(this.#signal?.reason);
  readonly #idle: { ms: number; fromStart: boolean; error: (waitingFor: 'headers' | 'body') => Error } | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: {
    streaming: boolean;
    limit: number;
    signal: AbortSignal | undefined;
    /** Turns undici errors into sessio errors for readers of a streamed body. */
    mapError: (err: unknown) => Error;
    /**
     * The `response` timeout, kept with Node's own timers (undici's are coarse, ±1 s): the longest wait
     * for the headers (from the request's start when `fromStart`) and then between body chunks; the
     * wait is paused while a streamed body's reader applies back-pressure.
     */
    idle?: { ms: number; fromStart: boolean; error: (waitingFor: 'headers' | 'body') => Error } | undefined;
    resolve: (r: RawResponse) => void;
    reject: (err: unknown) => void;
  }) {
    this.#mapError = opts.mapError;
    this.#idle = opts.idle;
    this.#streaming = opts.streaming;
    this.#limit = opts.limit;
    this.#signal = opts.signal;
    this.#resolve = opts.resolve;
    this.#reject = opts.reject;
  }

  onRequestStart(controller: Controller): void {
    this.#controller = controller;
    if (this.#signal?.aborted) controller.abort(this.#signal.reason);
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (this.#idle?.fromStart) this.#arm();
  }

  onResponseStart(controller: Controller, status: number, headers: Record<string, string | string[] | undefined>, statusText: string): void {
    if (status < 200) return; // 1xx informational: the real response follows
    this.started = true;
    this.#head = { status, statusText, headers };
    this.#arm();
    if (!this.#streaming) return;
    const stream = new Readable({
      read: () => {
        controller.resume();
        this.#arm();
      },
      destroy: (err, cb) => {
        if (!controller.aborted && !stream.readableEnded) controller.abort(err ?? new Error('response stream cancelled'));
        this.#cleanup();
        cb(err);
      },
    });
    // A body nobody reads must not crash the process when the connection breaks; readers (async
    // iteration, pipeline) still see the error.
    stream.on('error', () => {});
    this.#stream = stream;
    this.#settle({ ...this.#head, stream });
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.#stream) {
      if (this.#stream.push(chunk)) this.#arm();
      else {
        controller.pause();
        this.#disarm(); // the reader is slow, not the server
      }
      return;
    }
    this.#arm();
    this.#size += chunk.length;
    // Bodies past the limit are refused while they arrive, not after they filled memory.
    if (this.#size > this.#limit) controller.abort(new DecodedTooLarge());
    else this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.#cleanup();
    if (this.#stream) this.#stream.push(null);
    else this.#settle({ ...this.#head!, chunks: this.#chunks });
  }

  onResponseError(_controller: Controller, err: Error): void {
    this.#cleanup();
    if (this.#stream) this.#stream.destroy(this.#mapError(err));
    else if (!this.#settled) {
      this.#settled = true;
      this.#reject(err);
    }
  }

  #settle(r: RawResponse): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(r);
  }

  #cleanup(): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#disarm();
    this.#ended = true;
  }

  #ended = false;

  /** (Re)starts the response timer: the server has that long to send the next thing. */
  #arm(): void {
    if (!this.#idle || this.#ended) return;
    if (this.#timer) {
      this.#timer.refresh();
      return;
    }
    const { ms, error } = this.#idle;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#controller?.abort(error(this.#head ? 'body' : 'headers'));
    }, ms);
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
