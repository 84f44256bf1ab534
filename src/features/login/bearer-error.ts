import { parseChallenges } from '../../auth/challenge.js';

/** The error a Bearer challenge carries (RFC 6750 §3): `invalid_token`, `insufficient_scope`… */
export interface BearerError {
  error: string;
  description?: string;
  scope?: string;
}

/** The error of the first `Bearer` challenge among WWW-Authenticate values that has one. */
export function bearerError(values: readonly string[]): BearerError | undefined {
  if (!values.length) return undefined;
  for (const c of parseChallenges(values)) {
    const error = c.params.error;
    if (c.scheme !== 'bearer' || !error) continue;
    return { error, ...(c.params.error_description && { description: c.params.error_description }), ...(c.params.scope && { scope: c.params.scope }) };
  }
  return undefined;
}
