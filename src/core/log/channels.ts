import diagnostics from 'node:diagnostics_channel';

/**
 * The `node:diagnostics_channel` channels sessio publishes on. Messages carry live objects (the
 * request snapshot, the response, the error): subscribers run in-process and see unredacted values,
 * as with undici's own channels; `SentRequest.toString()`/`toJSON()` stay redacted.
 *
 * @example
 * ```ts
 * import diagnostics from 'node:diagnostics_channel';
 * diagnostics.subscribe('sessio:response', (msg) => {
 *   const { response } = msg as { response: import('sessio').Response };
 *   metrics.observe(response.status, response.elapsed);
 * });
 * ```
 */
export const channels = {
  request: diagnostics.channel('sessio:request'),
  response: diagnostics.channel('sessio:response'),
  redirect: diagnostics.channel('sessio:redirect'),
  retry: diagnostics.channel('sessio:retry'),
  login: diagnostics.channel('sessio:login'),
  error: diagnostics.channel('sessio:error'),
} as const;

/** Names of the channels, for subscribers. */
export const CHANNEL_NAMES = {
  request: 'sessio:request',
  response: 'sessio:response',
  redirect: 'sessio:redirect',
  retry: 'sessio:retry',
  login: 'sessio:login',
  error: 'sessio:error',
} as const;

/** Whether anyone listens on any sessio channel (checked before building a message). */
export function anySubscribers(): boolean {
  return channels.request.hasSubscribers || channels.response.hasSubscribers || channels.redirect.hasSubscribers
    || channels.retry.hasSubscribers || channels.login.hasSubscribers || channels.error.hasSubscribers;
}
