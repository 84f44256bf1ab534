import { SessioError } from '../errors.js';
/**
 * Thrown by the cookie jar for caller mistakes (an unparsable URL, a corrupt or newer serialized jar).
 * Never thrown for Set-Cookie input: an invalid cookie is ignored instead, as browsers do.
 * Messages never contain cookie values.
 */
export class CookieJarError extends SessioError {
    constructor(code, message) {
        super(message, { code });
    }
}
