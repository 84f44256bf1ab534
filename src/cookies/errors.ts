import { SessioError } from '../core/errors.js';

/** Machine-readable codes of {@link CookieJarError}. */
export type CookieJarErrorCode =
  | 'ERR_COOKIE_JAR_SCHEMA'
  | 'ERR_COOKIE_JAR_SCHEMA_VERSION'
  | 'ERR_COOKIE_URL'
  | 'ERR_COOKIE_OPTIONS'
  | 'ERR_COOKIE_IMPORT';

/**
 * Thrown by the cookie jar for caller mistakes (an unparsable URL, a corrupt or newer serialized jar).
 * Never thrown for Set-Cookie input: an invalid cookie is ignored instead, as browsers do.
 * Messages never contain cookie values.
 */
export class CookieJarError extends SessioError {
  declare readonly code: CookieJarErrorCode;

  constructor(code: CookieJarErrorCode, message: string) {
    super(message, { code });
  }
}
