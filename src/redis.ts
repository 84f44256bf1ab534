/**
 * `sessio/redis`: shared sessions on Redis. Every process (and machine) that gives the same `name`
 * shares one cookie jar, one login and one rate budget. See README, "Shared sessions (Redis)".
 * @packageDocumentation
 */
import { SessioError } from './core/errors.js';
import type { SharedBackend, SharedStateInit } from './features/shared/backend.js';
import { loadRedis, RedisEngine, redisWhere, type RedisLike } from './features/shared/redis-engine.js';
import { parseKey } from './features/shared/seal.js';
import { bounded } from './features/shared/bounded.js';

export type { SharedStateInit, SharedBackend } from './features/shared/backend.js';
export type { RedisLike } from './features/shared/redis-engine.js';

/** Options of {@link redisState}. */
export interface RedisStateOptions {
  /** The shared session's name: processes with the same name share it. Keys are `sessio:{name}:…`. */
  name: string;
  /** `redis[s]://[user:password@]host:port[/db]`. Default: `REDIS_URL`, else `redis://127.0.0.1:6379`. */
  url?: string;
  /** Root node URLs of a Redis Cluster, instead of `url`. */
  cluster?: string[];
  /** An existing node-redis client or cluster (`createClient()`/`createCluster()`), connected or not; sessio does not close it. */
  client?: RedisLike;
  /** AES-256-GCM key for the stored state (32 bytes; hex or base64). Default: `SESSIO_SHARED_KEY`; none means stored in the clear. */
  key?: string | Buffer;
  /** The stored state expires after this long without use, ms. Default 24 h; 0 never. */
  ttl?: number;
  /** How often each process checks the generation, the bound on staleness after a lost message, ms. Default 1000. */
  checkInterval?: number;
  /** How long a login lock outlives a holder that stopped extending it (crashed), ms. Default 15 000. */
  lockTtl?: number;
  /** Bound on connecting and on each Redis call, ms. Default 2000. */
  timeout?: number;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * The `shared` session option on Redis.
 *
 * @example
 * ```ts
 * import { Session, formLogin } from 'sessio';
 * import { redisState } from 'sessio/redis';
 * const s = new Session({
 *   baseUrl: 'https://crm.example.com', csrf: 'spring',
 *   login: formLogin({ url: '/login', username: 'svc', password: process.env.PW! }),
 *   shared: redisState({ url: process.env.REDIS_URL, name: 'crm-prod' }),
 *   rateLimit: { requests: 20, interval: 1000, shared: true },
 * });
 * ```
 */
export function redisState(options: RedisStateOptions): SharedStateInit {
  const { name } = options;
  if (typeof name !== 'string' || name === '' || /[{}\s]/.test(name)) throw new SessioError(`redisState: name must be a non-empty string without braces or spaces, not ${JSON.stringify(name)}`, { code: 'ERR_INVALID_OPTION' });
  const timeout = positive('timeout', options.timeout, 2000);
  const ttl = options.ttl === 0 ? 0 : positive('ttl', options.ttl, DAY);
  const key = parseKey(options.key ?? process.env.SESSIO_SHARED_KEY);
  const urls = options.cluster ?? [options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'];
  const where = options.client ? 'the given Redis client' : urls.map(redisWhere).join(', ');
  return {
    kind: 'shared-state',
    name,
    key,
    ttl,
    timeout,
    checkInterval: positive('checkInterval', options.checkInterval, 1000),
    lockTtl: positive('lockTtl', options.lockTtl, 15_000),
    async open(): Promise<SharedBackend> {
      const client = options.client ?? await createOwn(options.cluster, urls[0]!, timeout);
      try {
        if (!client.isOpen) await bounded(client.connect(), timeout, 'connect');
      } catch (err) {
        if (!options.client) client.destroy?.();
        throw new SessioError(`Cannot reach Redis at ${where} for the shared session "${name}": ${(err as Error)?.message ?? err}. Check the URL and that the server is up.`, { code: 'ERR_SHARED_UNREACHABLE', cause: err });
      }
      return new RedisEngine({ name, client, owned: !options.client, where, ttl, timeout });
    },
  };
}

async function createOwn(cluster: string[] | undefined, url: string, timeout: number): Promise<RedisLike> {
  const { createClient, createCluster } = await loadRedis();
  let ready = false;
  const socket = {
    connectTimeout: timeout,
    // The first connection fails fast (a clear error at start); later losses are retried with backoff.
    reconnectStrategy: (retries: number, cause: Error) => (ready ? Math.min(2 ** retries * 50, 2000) : cause),
  };
  const common = { socket, disableOfflineQueue: true };
  const client = cluster ? createCluster({ rootNodes: cluster.map((u) => ({ url: u })), defaults: common }) : createClient({ url, ...common });
  client.on('ready', () => {
    ready = true;
  });
  // Failures reach sessio through the calls that fail; without a listener node-redis would throw.
  client.on('error', () => undefined);
  return client;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value > 0)) throw new SessioError(`redisState: ${name} must be a number > 0, not ${value}`, { code: 'ERR_INVALID_OPTION' });
  return value;
}
