import { SessioError } from '../../core/errors.js';

/** `p`, or a rejection after `ms`: no call to a shared store may hold a request for longer. */
export function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SessioError(`${what}: no answer in ${ms} ms`, { code: 'ERR_SHARED_TIMEOUT' })), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
