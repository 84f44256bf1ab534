import { parseDebug, sessioEnabled, WIRE, type DebugPatterns } from './debug-env.js';

/**
 * A logger sessio can write to: `console`, or anything with the same methods (winston, bunyan…), or
 * a pino logger (recognised by `child()` and `level`), which gets structured fields then the message.
 * Request lines go to `debug`, the wire level to `trace` (pino) or `debug`, errors to `warn`.
 * Everything is redacted before it reaches the logger.
 *
 * @example
 * ```ts
 * new Session({ logger: console });                                  // every line, via console.debug
 * new Session({ logger: pino({ level: 'trace' }) });                 // structured; trace adds the wire level
 * ```
 */
export interface LoggerLike {
  debug?(...args: unknown[]): void;
  info?(...args: unknown[]): void;
  warn?(...args: unknown[]): void;
  trace?(...args: unknown[]): void;
  log?(...args: unknown[]): void;
  isLevelEnabled?(level: string): boolean;
  child?: unknown;
  level?: unknown;
}

/** The one-line events sessio logs. */
export type LogEvent = 'request' | 'response' | 'redirect' | 'retry' | 'login' | 'error';

export type Level = 'debug' | 'warn' | 'trace';

/** Structured fields of a log record; values are already redacted. */
export type LogFields = Record<string, unknown>;

type Sink = (namespace: string, level: Level, message: string, fields: LogFields | undefined) => void;

const EVENTS: readonly LogEvent[] = ['request', 'response', 'redirect', 'retry', 'login', 'error'];

/**
 * Where a session's log lines go and which are on. The switches are plain booleans computed once, so
 * that a disabled log costs one property read per event and no string is built.
 */
export class Log {
  readonly request: boolean;
  readonly response: boolean;
  readonly redirect: boolean;
  readonly retry: boolean;
  readonly login: boolean;
  readonly error: boolean;
  /** Headers and body excerpts with request and response lines. */
  readonly wire: boolean;
  /** Whether any event is on. */
  readonly active: boolean;
  /** Whether the sink takes structured fields (pino). */
  readonly structured: boolean;
  readonly #sink: Sink;
  readonly #section: (namespace: string) => boolean;
  readonly #sections = new Map<string, boolean>();

  constructor(sink: Sink, on: (namespace: string) => boolean, structured: boolean) {
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
  section(name: string): boolean {
    let on = this.#sections.get(name);
    if (on === undefined) {
      on = this.#section(`sessio:${name}`);
      if (this.#sections.size < 100) this.#sections.set(name, on);
    }
    return on;
  }

  /** Writes one record; `message` and `fields` must already be redacted. */
  write(namespace: string, level: Level, message: string, fields?: LogFields): void {
    try {
      this.#sink(namespace, level, message, fields);
    } catch {
      // A broken logger must not break the request it describes.
    }
  }
}

function stderrSink(namespace: string, _level: Level, message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${namespace} ${message}\n`);
}

function isPino(logger: LoggerLike): boolean {
  return typeof logger.child === 'function' && typeof logger.level === 'string';
}

function loggerSink(logger: LoggerLike, structured: boolean): Sink {
  return (namespace, level, message, fields) => {
    const method = logger[level] ?? (level === 'trace' ? logger.debug : undefined) ?? logger.log;
    if (typeof method !== 'function') return;
    if (structured) method.call(logger, { ns: namespace, ...fields }, message);
    else method.call(logger, `${namespace} ${message}`);
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
export function createLog(logger?: LoggerLike, debug: string | undefined = process.env.DEBUG): Log {
  const patterns: DebugPatterns = parseDebug(debug);
  if (!logger) return new Log(stderrSink, (ns) => sessioEnabled(patterns, ns), false);
  const structured = isPino(logger);
  const levelOn = (level: string) => (typeof logger.isLevelEnabled === 'function' ? logger.isLevelEnabled(level) : true);
  const on = (ns: string) => (ns === WIRE
    ? sessioEnabled(patterns, ns) || (structured && levelOn('trace'))
    : ns === 'sessio:error' ? levelOn('warn') : levelOn('debug'));
  return new Log(loggerSink(logger, structured), on, structured);
}
