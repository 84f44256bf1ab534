const wrap = (open, close) => (s) => `\x1b[${open}m${s}\x1b[${close}m`;
/** A palette that styles when `enabled`. */
export function palette(enabled) {
    const id = (s) => s;
    return {
        enabled,
        bold: enabled ? wrap(1, 22) : id,
        dim: enabled ? wrap(2, 22) : id,
        red: enabled ? wrap(31, 39) : id,
        green: enabled ? wrap(32, 39) : id,
        yellow: enabled ? wrap(33, 39) : id,
        blue: enabled ? wrap(34, 39) : id,
        magenta: enabled ? wrap(35, 39) : id,
        cyan: enabled ? wrap(36, 39) : id,
    };
}
/**
 * Whether to colour a stream: NO_COLOR (any non-empty value) turns colours off, FORCE_COLOR turns them
 * on (FORCE_COLOR=0 off), otherwise only terminals get colours (https://no-color.org, force-color.org).
 */
export function wantsColor(isTTY, env) {
    const force = env.FORCE_COLOR;
    if (force !== undefined && force !== '')
        return force !== '0' && force !== 'false';
    if (env.NO_COLOR !== undefined && env.NO_COLOR !== '')
        return false;
    return isTTY === true && env.TERM !== 'dumb';
}
