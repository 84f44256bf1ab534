/**
 * Records each hop for HAR export while the recorder is on: the innermost stage, so the entry shows
 * the headers that went on the wire and every redirect and retry hop is its own entry.
 */
export function recordStage(recorder) {
    return async (req, next) => {
        if (!recorder.recording)
            return next(req);
        const started = Date.now();
        const t0 = performance.now();
        let res;
        try {
            res = await next(req);
        }
        catch (err) {
            recorder.addError(req.snapshot(), err, started, performance.now() - t0);
            throw err;
        }
        await recorder.addResponse(res, started);
        return res;
    };
}
