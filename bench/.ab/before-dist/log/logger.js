import { parseDebug, sessioEnabled, WIRE } from './debug-env.js';
const EVENTS = ['request', 'response', 'redirect', 'retry', 'login', 'error'];
/**
 * Where a session's log lines go and which are on. The switches are plain booleans computed once, so
 * that a disabled log costs one property read per event and no string is built.
 */
export class Log {
    request;
    response;
    redirect;
    retry;
    login;
    error;
    /** Headers and body excerpts with request and response lines. */
    wire;
    /** Whether any event is on. */
    active;
    /** Whether the sink takes structured fields (pino). */
    structured;
    #sink;
    #section;
    #sections = new Map();
    constructor(sink, on, structured) {
        this.#sink = sink;
        this.#section = on;
        this.structured = structured;
        this.wire = on(WIRE);
        this.request = on('sessio:request') || this.wire;
        this.response = on('sessio:response') || this.wire;
        this.redirect = on('sessio:redirect');
        this.retry = on('sessio:retry');
        this.login = on('sessio:login');
        this.error = on('sessio:error');
        this.active = this.wire || EVENTS.some((e) => this[e]);
    }
    /** Whether `sessio:<name>` is on, for {@link Log.section}-level debug messages. */
    section(name) {
        let on = this.#sections.get(name);
        if (on === undefined) {
            on = this.#section(`sessio:${name}`);
            if (this.#sections.size < 100)
                this.#sections.set(name, on);
        }
        return on;
    }
    /** Writes one record; `message` and `fields` must already be redacted. */
    write(namespace, level, message, fields) {
        try {
            this.#sink(namespace, level, message, fields);
        }
        catch {
            // A broken logger must not break the request it describes.
        }
    }
}
function stderrSink(namespace, _level, message) {
    process.stderr.write(`${new Date().toISOString()} ${namespace} ${message}\n`);
}
function isPino(logger) {
    return typeof logger.child === 'function' && typeof logger.level === 'string';
}
function loggerSink(logger, structured) {
    return (namespace, level, message, fields) => {
        const method = logger[level] ?? (level === 'trace' ? logger.debug : undefined) ?? logger.log;
        if (typeof method !== 'function')
            return;
        if (structured)
            method.call(logger, { ns: namespace, ...fields }, message);
        else
            method.call(logger, `${namespace} ${message}`);
    };
}
/**
 * The log of a session: the injected `logger` if any (every event on, filtered by the logger's own
 * level), else `DEBUG` (read once, here) writing to stderr like the `debug` package.
 *
 * `DEBUG=sessio` logs one line per request, response, redirect, retry, login and error;
 * `sessio:wire` (or `sessio*`, `sessio:*`) adds headers and body excerpts; single events can be
 * chosen (`sessio:retry,sessio:login`) or excluded (`sessio*,-sessio:wire`).
 */
export function createLog(logger, debug = process.env.DEBUG) {
    const patterns = parseDebug(debug);
    if (!logger)
        return new Log(stderrSink, (ns) => sessioEnabled(patterns, ns), false);
    const structured = isPino(logger);
    const levelOn = (level) => (typeof logger.isLevelEnabled === 'function' ? logger.isLevelEnabled(level) : true);
    const on = (ns) => (ns === WIRE
        ? sessioEnabled(patterns, ns) || (structured && levelOn('trace'))
        : ns === 'sessio:error' ? levelOn('warn') : levelOn('debug'));
    return new Log(loggerSink(logger, structured), on, structured);
}
