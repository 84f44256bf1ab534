import type { Stage } from '../core/pipeline.js';
import type { PreparedRequest } from '../core/request.js';
import type { Response } from '../core/response.js';
import { anySubscribers } from '../core/log/channels.js';
import { log, logOf } from '../core/log/index.js';

/**
 * Logs each hop as it goes on the wire: the innermost stage, so that the headers shown are the ones
 * sent (auth, cookies, CSRF applied) and every retry and redirect hop gets its own lines.
 */
export const logStage: Stage = (req, next) => (logOf(req).active || anySubscribers() ? logged(req, next) : next(req));

async function logged(req: PreparedRequest, next: (req: PreparedRequest) => Promise<Response>): Promise<Response> {
  log.request(req);
  const started = performance.now();
  try {
    const res = await next(req);
    // The wire excerpt decodes only the start of the body; bytes() returns the body already read.
    log.response(req, res, logOf(req).wire && res.body === undefined ? await res.bytes() : undefined);
    return res;
  } catch (err) {
    log.error(req, err, performance.now() - started);
    throw err;
  }
}
