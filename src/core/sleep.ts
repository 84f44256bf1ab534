import { AbortError, SessioError } from './errors.js';

/** Node fires longer timers at once (with a warning): cap waits at about 24.8 days instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why a wait ended early: the session's own reason (TimeoutError, AbortError), else an AbortError. */
export function abortReason(signal: AbortSignal, method?: string, url?: URL): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof SessioError) return reason;
  return new AbortError(method ?? 'GET', url ?? 'about:blank', reason);
}

/**
 * Waits `ms`, or rejects as soon as `signal` aborts. The timer is cleared either way, so nothing is left
 * behind to keep the process alive once the wait is over.
 */
export function sleep(ms: number, signal?: AbortSignal, method?: string, url?: URL): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal, method, url));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!, method, url));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(ms, MAX_TIMER_MS));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
