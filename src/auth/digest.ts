import { createHash, randomBytes } from 'node:crypto';
import type { AuthScheme } from './scheme.js';
import { RAW_PATH, wirePath } from '../core/path-as-is.js';
import type { PreparedRequest } from '../core/request.js';
import type { Response } from '../core/response.js';
import { parseChallenges, type Challenge } from './challenge.js';
import { log } from '../core/log/index.js';

/** Options of {@link digestAuth}. */
export interface DigestOptions {
  /** Send `H(username:realm)` instead of the name when the server offers `userhash=true`. Default true. */
  userhash?: boolean;
}

// Strongest first: when a server offers several Digest challenges, the first one we support wins.
const ALGORITHMS: Record<string, string> = {
  'sha-512-256': 'sha512-256',
  'sha-256': 'sha256',
  md5: 'md5',
};

interface Nonce {
  realm: string;
  nonce: string;
  opaque: string | undefined;
  algorithm: string;
  hash: string;
  sess: boolean;
  qop: 'auth' | undefined;
  userhash: boolean;
  count: number;
}

function hasher(name: string): (text: string) => string {
  return (text) => createHash(name).update(text, 'utf8').digest('hex');
}

function supported(algorithm: string): string | undefined {
  const hash = ALGORITHMS[algorithm.replace(/-sess$/, '')];
  if (!hash) return undefined;
  try {
    createHash(hash);
    return hash;
  } catch {
    return undefined; // an OpenSSL build without this digest
  }
}

/** Why none of the challenges can be answered, for the debug log (no secrets: only schemes and parameters' names). */
function unanswerable(challenges: Challenge[]): string {
  const digest = challenges.filter((c) => c.scheme === 'digest');
  if (digest.length === 0) return `no Digest challenge (offered: ${challenges.map((c) => c.scheme).join(', ') || 'none'})`;
  return digest.map(({ params }) => {
    const algorithm = params.algorithm ?? 'MD5';
    if (params.nonce === undefined || params.realm === undefined) return 'a Digest challenge without nonce or realm';
    if (!supported(algorithm.toLowerCase())) return `algorithm ${JSON.stringify(algorithm.slice(0, 40))} is not supported`;
    return `qop ${JSON.stringify((params.qop ?? '').slice(0, 40))} offers no "auth" (auth-int is not supported)`;
  }).join('; ');
}

/** Picks the strongest Digest challenge we can answer with qop=auth (or the RFC 2069 form without qop). */
function pickChallenge(challenges: Challenge[]): Nonce | undefined {
  let best: { nonce: Nonce; rank: number } | undefined;
  const order = Object.keys(ALGORITHMS);
  for (const { scheme, params } of challenges) {
    if (scheme !== 'digest' || params.nonce === undefined || params.realm === undefined) continue;
    const algorithm = (params.algorithm ?? 'MD5').toLowerCase();
    const hash = supported(algorithm);
    if (!hash) continue;
    const qops = params.qop?.split(',').map((q) => q.trim().toLowerCase());
    if (qops && !qops.includes('auth')) continue; // auth-int alone would need the body hashed
    const rank = order.indexOf(algorithm.replace(/-sess$/, ''));
    if (best && best.rank <= rank) continue;
    best = {
      rank,
      nonce: {
        realm: params.realm,
        nonce: params.nonce,
        opaque: params.opaque,
        algorithm: params.algorithm ?? 'MD5',
        hash,
        sess: algorithm.endsWith('-sess'),
        qop: qops ? 'auth' : undefined,
        userhash: params.userhash?.toLowerCase() === 'true',
        count: 0,
      },
    };
  }
  return best?.nonce;
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** The username parameter: plain, hashed (RFC 7616 §3.4.4) or RFC 8187 encoded when not ASCII. */
function usernameParam(username: string, n: Nonce, h: (s: string) => string, allowHash: boolean): string[] {
  if (n.userhash && allowHash) return [`username=${quote(h(`${username}:${n.realm}`))}`, 'userhash=true'];
  if (/^[\x20-\x7e]*$/.test(username)) return [`username=${quote(username)}`];
  return [`username*=UTF-8''${encodeURIComponent(username)}`];
}

/** Computes the Authorization value for one request with the next nonce count. */
function digestAuthorization(username: string, password: string, n: Nonce, method: string, uri: string, allowHash = true): string {
  const h = hasher(n.hash);
  const nc = (++n.count).toString(16).padStart(8, '0');
  const cnonce = randomBytes(16).toString('hex');
  let ha1 = h(`${username}:${n.realm}:${password}`);
  if (n.sess) ha1 = h(`${ha1}:${n.nonce}:${cnonce}`);
  const ha2 = h(`${method}:${uri}`);
  const response = n.qop ? h(`${ha1}:${n.nonce}:${nc}:${cnonce}:${n.qop}:${ha2}`) : h(`${ha1}:${n.nonce}:${ha2}`);
  const parts = [
    ...usernameParam(username, n, h, allowHash),
    `realm=${quote(n.realm)}`,
    `nonce=${quote(n.nonce)}`,
    `uri=${quote(uri)}`,
    `algorithm=${n.algorithm}`,
    `response=${quote(response)}`,
  ];
  if (n.opaque !== undefined) parts.push(`opaque=${quote(n.opaque)}`);
  if (n.qop) parts.push(`qop=${n.qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  return `Digest ${parts.join(', ')}`;
}

/**
 * HTTP Digest authentication (RFC 7616: MD5, SHA-256, SHA-512-256 and their `-sess` forms, qop=auth).
 * Like requests' `HTTPDigestAuth`, it answers the server's 401 challenge, then keeps using the nonce
 * for later requests to the same origin with an increasing nonce count, and takes a new nonce when the
 * server says the old one is stale.
 *
 * @example
 * ```ts
 * import { Session, digestAuth } from 'sessio';
 * const s = new Session({ auth: digestAuth('alice', 'secret') });
 * const res = await s.get('http://127.0.0.1:8080/digest/hello');
 * ```
 */
export function digestAuth(username: string, password: string, options: DigestOptions = {}): AuthScheme {
  const nonces = new Map<string, Nonce>(); // per origin: a nonce belongs to the server that issued it
  const allowHash = options.userhash ?? true;
  const scheme: AuthScheme = {
    apply(req: PreparedRequest) {
      const n = nonces.get(req.url.origin);
      if (!n) return;
      const uri = wirePath(req.url, req.context.get(RAW_PATH));
      req.headers.authorization = digestAuthorization(username, password, n, req.method, uri, allowHash);
    },
    challenge(res: Response, req: PreparedRequest) {
      const challenges = parseChallenges(res.headers.getAll('www-authenticate'));
      const picked = pickChallenge(challenges);
      if (!picked) {
        log.debug('auth', `401 from ${req.url.origin} not answered: ${unanswerable(challenges)}`, req);
        return false;
      }
      const sent = req.headers.authorization;
      const previous = nonces.get(req.url.origin);
      const stale = /(^|[\s,])stale\s*=\s*"?true/i.test(res.headers.getAll('www-authenticate').join(', '));
      // Our answer to this very nonce was refused and the server does not call it stale: wrong credentials.
      if (typeof sent === 'string' && sent.startsWith('Digest ') && previous?.nonce === picked.nonce && !stale) {
        log.debug('auth', `401 from ${req.url.origin}: the Digest answer was refused (wrong username or password?)`, req);
        return false;
      }
      nonces.set(req.url.origin, picked);
      void scheme.apply(req); // the auth stage re-sends the hop as it is now
      return true;
    },
  };
  return scheme;
}
