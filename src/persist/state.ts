import type { CookieJar } from '../cookies/index.js';
import type { RequestHeaders } from '../core/headers.js';
import type { CsrfTokens } from '../features/csrf/tokens.js';
import type { LoginCoordinator } from '../features/login/coordinator.js';
import type { Fingerprints } from './merge.js';
import { OriginAuth } from './origin-auth.js';
import { OriginHeaders } from './origin-headers.js';
import type { LoginRecord, TokenRecord } from './schema.js';

/** A login's secrets as saved on opt-in, with the endpoint they are for. */
export interface CredentialsRecord {
  kind?: string;
  url: string;
  username?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
}

/** What this process last read from or wrote to a file: the base of the three-way merge. */
export interface Baseline {
  cookies: Fingerprints;
  headers: Fingerprints;
  state: Fingerprints;
  scalars: Fingerprints;
}

/**
 * What persistence keeps for one session between saves and loads. The session creates and owns it,
 * and hands it over with the rest of its {@link PersistedParts}; nothing here is global.
 */
export class SavedState {
  /** How to log in again (the CLI writes one), saved in the file's `login` field. */
  login: LoginRecord | undefined;
  /** Tokens loaded from a file that no login took, kept for a later save. */
  tokens: TokenRecord | undefined;
  /** The login's secrets, when the caller opted in to saving them. */
  credentials: CredentialsRecord | undefined;
  /** Secret default headers, each bound to the origin it was given for. */
  readonly originHeaders = new OriginHeaders();
  /** Digest credentials, each bound to the origin it was given for. */
  readonly originAuth = new OriginAuth();
  /** Per file path, what this session last read or wrote there (made at the first load or save). */
  baselines: Map<string, Baseline> | undefined;
}

/** The parts of a session that a session file holds, as the session hands them to persistence. */
export interface PersistedParts {
  readonly cookies: CookieJar;
  readonly headers: RequestHeaders;
  readonly baseUrl: string | URL | undefined;
  readonly csrf: CsrfTokens | undefined;
  readonly login: LoginCoordinator | undefined;
  readonly saved: SavedState;
}
