import { SessioError, TimeoutError, TooManyRedirectsError } from '../index.js';
import { palette, wantsColor } from './colors.js';
import { UsageError } from './errors.js';

/** Exit codes, as HTTPie's. */
export const EXIT = { OK: 0, ERROR: 1, TIMEOUT: 2, TOO_MANY_REDIRECTS: 6 } as const;

/** One line for stderr, and the exit code, for an error that ended the command. */
export function describeError(err: unknown, stderr: { isTTY?: boolean }, env: NodeJS.ProcessEnv): { line: string; code: number } {
  const pal = palette(wantsColor(stderr.isTTY, env));
  const prefix = `sessio: ${pal.red('error')}: `;
  if (err instanceof UsageError) return { line: `${prefix}${err.message}${err.hint ? ` (${err.hint})` : ''}`, code: EXIT.ERROR };
  if (err instanceof TimeoutError) return { line: prefix + oneLine(err.message) + ' (raise --timeout if the server is slow)', code: EXIT.TIMEOUT };
  if (err instanceof TooManyRedirectsError) return { line: prefix + oneLine(err.message) + ' (raise --max-redirects, or drop --follow)', code: EXIT.TOO_MANY_REDIRECTS };
  if (err instanceof SessioError) return { line: prefix + oneLine(err.message), code: EXIT.ERROR };
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EPIPE') return { line: '', code: EXIT.OK };
  if (e?.code && e.path) return { line: `${prefix}${e.path}: ${e.code} (${e.syscall ?? 'file system'} failed)`, code: EXIT.ERROR };
  return { line: `${prefix}${oneLine(String(e?.message ?? err))} (this is a bug in sessio; please report it)`, code: EXIT.ERROR };
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
