import type { HarRecorder } from './har.js';
import type { Stage } from '../core/pipeline.js';
import type { PreparedRequest } from '../core/request.js';
import type { Response } from '../core/response.js';

/**
 * Records each hop for HAR export while the recorder is on: the innermost stage, so the entry shows
 * the headers that went on the wire and every redirect and retry hop is its own entry.
 */
export function recordStage(recorder: HarRecorder): Stage {
  return (req, next) => (recorder.recording ? record(recorder, req, next) : next(req));
}

async function record(recorder: HarRecorder, req: PreparedRequest, next: (req: PreparedRequest) => Promise<Response>): Promise<Response> {
  const started = Date.now();
  const t0 = performance.now();
  let res;
  try {
    res = await next(req);
  } catch (err) {
    recorder.addError(req.snapshot(), err, started, performance.now() - t0);
    throw err;
  }
  await recorder.addResponse(res, started);
  return res;
}
