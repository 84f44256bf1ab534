import { randomBytes } from 'node:crypto';

/**
 * How a server wants a cookie's raw token back: as it is (Spring Security 5, `CsrfTokenRequestAttributeHandler`,
 * the SPA handler's header, Angular, Laravel) or masked (Spring Security 6's default
 * `XorCsrfTokenRequestAttributeHandler`, the BREACH protection).
 */
export type TokenForm = 'plain' | 'masked';

/**
 * Masks a raw token as Spring Security's XorCsrfTokenRequestAttributeHandler.createXoredCsrfToken does:
 * base64url(random ‖ random XOR utf8(token)) with padding, `random` as long as the token. A new random
 * per call, so two requests never carry the same value (that is the point: BREACH).
 */
export function maskToken(token: string): string {
  const raw = Buffer.from(token, 'utf8');
  const random = randomBytes(raw.length);
  const out = Buffer.alloc(raw.length * 2);
  random.copy(out, 0);
  for (let i = 0; i < raw.length; i++) out[raw.length + i] = random[i]! ^ raw[i]!;
  // Java's Base64.getUrlEncoder() pads; Node's base64url does not.
  return out.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The other form, tried once after the server refused one. */
export function otherForm(form: TokenForm): TokenForm {
  return form === 'plain' ? 'masked' : 'plain';
}
