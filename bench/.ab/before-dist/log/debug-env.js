function toRegExp(pattern) {
    const source = pattern.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replace(/\*/g, '.*?');
    return new RegExp(`^${source}$`);
}
/** Parses a `DEBUG` value such as `sessio*,-sessio:wire`. */
export function parseDebug(value) {
    const include = [];
    const exclude = [];
    for (const part of (value ?? '').split(/[\s,]+/)) {
        if (!part)
            continue;
        if (part.startsWith('-'))
            exclude.push(toRegExp(part.slice(1)));
        else
            include.push(toRegExp(part));
    }
    return { include, exclude };
}
/** Whether `namespace` is switched on by the patterns, as in `debug.enabled(namespace)`. */
export function debugEnabled(patterns, namespace) {
    if (patterns.exclude.some((re) => re.test(namespace)))
        return false;
    return patterns.include.some((re) => re.test(namespace));
}
/** Namespace of the wire level: headers and body excerpts. */
export const WIRE = 'sessio:wire';
/**
 * Whether a sessio namespace is on. A bare `sessio` switches on every one-line event (`sessio:request`,
 * `sessio:response`…) but not the wire level, which needs `sessio:wire`, `sessio:*` or `sessio*`.
 */
export function sessioEnabled(patterns, namespace) {
    if (debugEnabled(patterns, namespace))
        return true;
    if (namespace === WIRE || patterns.exclude.some((re) => re.test(namespace)))
        return false;
    return debugEnabled(patterns, 'sessio');
}
