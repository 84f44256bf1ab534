/** Composes stages around `last`: `compose([a, b], send)` runs a, then b, then send. */
export function compose(stages, last) {
    return stages.reduceRight((next, stage) => (req) => stage(req, next), last);
}
