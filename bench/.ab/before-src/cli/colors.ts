/** ANSI styles; each is the identity when colours are off. */
export interface Palette {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  magenta(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

/** A palette that styles when `enabled`. */
export function palette(enabled: boolean): Palette {
  const id = (s: string) => s;
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
export function wantsColor(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY === true && env.TERM !== 'dumb';
}
