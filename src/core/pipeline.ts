import type { PreparedRequest } from './request.js';
import type { Response } from './response.js';

/** Sends a request onward and resolves with its response. */
export type Send = (req: PreparedRequest) => Promise<Response>;

/**
 * One step of the pipeline: it may change the request, call `next` (zero, one or several times) and
 * look at or replace the response. Stages are composed like undici interceptors, outermost first.
 */
export type Stage = (req: PreparedRequest, next: Send) => Promise<Response>;

/** Composes stages around `last`: `compose([a, b], send)` runs a, then b, then send. */
export function compose(stages: readonly Stage[], last: Send): Send {
  return stages.reduceRight<Send>((next, stage) => (req) => stage(req, next), last);
}
