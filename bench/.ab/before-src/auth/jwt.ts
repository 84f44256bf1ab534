/**
 * Reads the payload of a JWT (RFC 7519) without verifying its signature: the client only needs `exp`
 * to refresh in time; verifying is the server's job. Returns undefined for anything that is not a JWS.
 *
 * @example
 * ```ts
 * const claims = decodeJwtPayload(token);
 * console.log(claims?.sub, claims?.exp);
 * ```
 */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The expiry of a JWT in milliseconds since the epoch (its `exp` claim), or undefined when it has none.
 *
 * @example
 * ```ts
 * const msLeft = (jwtExpiry(token) ?? Infinity) - Date.now();
 * ```
 */
export function jwtExpiry(token: string): number | undefined {
  const exp = decodeJwtPayload(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}
