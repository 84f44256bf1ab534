/**
 * The `DEBUG` environment variable as the `debug` package reads it: names separated by commas or
 * spaces, `*` as a wildcard, a leading `-` to exclude. Exclusions win.
 */
export interface DebugPatterns {
  readonly include: readonly RegExp[];
  readonly exclude: readonly RegExp[];
}

function toRegExp(pattern: string): RegExp {
  const source = pattern.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replace(/\*/g, '.*?');
  return new RegExp(`^${source}$`);
}

/** Parses a `DEBUG` value such as `sessio*,-sessio:wire`. */
export function parseDebug(value: string | undefined): DebugPatterns {
  const include: RegExp[] = [];
  const exclude: RegExp[] = [];
  for (const part of (value ?? '').split(/[\s,]+/)) {
    if (!part) continue;
    if (part.startsWith('-')) exclude.push(toRegExp(part.slice(1)));
    else include.push(toRegExp(part));
  }
  return { include, exclude };
}

/** Whether `namespace` is switched on by the patterns, as in `debug.enabled(namespace)`. */
export function debugEnabled(patterns: DebugPatterns, namespace: string): boolean {
  if (patterns.exclude.some((re) => re.test(namespace))) return false;
  return patterns.include.some((re) => re.test(namespace));
}

/** Namespace of the wire level: headers and body excerpts. */
export const WIRE = 'sessio:wire';

/**
 * Whether a sessio namespace is on. A bare `sessio` switches on every one-line event (`sessio:request`,
 * `sessio:response`…) but not the wire level, which needs `sessio:wire`, `sessio:*` or `sessio*`.
 */
export function sessioEnabled(patterns: DebugPatterns, namespace: string): boolean {
  if (debugEnabled(patterns, namespace)) return true;
  if (namespace === WIRE || patterns.exclude.some((re) => re.test(namespace))) return false;
  return debugEnabled(patterns, 'sessio');
}
