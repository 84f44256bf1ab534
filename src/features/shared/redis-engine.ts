// The Redis engine of shared sessions, on node-redis (`redis`, an optional peer dependency loaded
// only here). Works on one server and on a Redis Cluster: every key is `sessio:{name}:…`.
import { randomBytes } from 'node:crypto';
import { SessioError } from '../../core/errors.js';
import { redactUrl } from '../../core/redact.js';
import type { BudgetLimits } from '../../stages/rate-limit.js';
import type { Fields, Generations, LockState, SharedBackend, SyncReply, SyncRequest } from './backend.js';
import { EXTEND, GENERATIONS, LOCK, PAUSE, RESERVE, SYNC, UNLOCK, type Script } from './scripts.js';

/** What sessio uses of a node-redis client or cluster (v5 and v6 have these). */
export interface RedisLike {
  sendCommand(...args: any[]): Promise<unknown>;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  unsubscribe(channel?: string, listener?: (message: string) => void): Promise<void>;
  on(event: string, listener: (...args: any[]) => void): unknown;
  duplicate?(): RedisLike;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
  destroy?(): unknown;
  readonly isOpen: boolean;
}

/** How the engine reaches Redis. */
export interface EngineOptions {
  name: string;
  /** The client, connected or not; `owned` ones are closed with the session. */
  client: RedisLike;
  owned: boolean;
  /** For messages: the URL(s), credentials removed. */
  where: string;
  /** Idle TTL of the keys, ms (0: none). */
  ttl: number;
  timeout: number;
}

function isCluster(client: RedisLike): boolean {
  return typeof (client as { getSlotMaster?: unknown }).getSlotMaster === 'function';
}

/** The namespace's keys: one hash tag, so one Cluster slot. */
function keys(name: string) {
  const p = `sessio:{${name}}:`;
  return { state: `${p}state`, lock: `${p}lock`, fence: `${p}fence`, channel: `${p}changes`, rate: (o: string) => `${p}rate:${o}`, pause: (o: string) => `${p}pause:${o}` };
}

export class RedisEngine implements SharedBackend {
  readonly where: string;
  readonly #o: EngineOptions;
  readonly #k: ReturnType<typeof keys>;
  readonly #owner = randomBytes(9).toString('base64url');
  readonly #cluster: boolean;
  #subscriber: RedisLike | undefined;
  #listener: ((message: string) => void) | undefined;

  constructor(options: EngineOptions) {
    this.#o = options;
    this.where = options.where;
    this.#k = keys(options.name);
    this.#cluster = isCluster(options.client);
  }

  async sync(request: SyncRequest): Promise<SyncReply> {
    const args = [String(this.#o.ttl), String(request.baseLogin), request.login ? 'login' : 'merge', request.login?.fence ?? '', this.#k.channel, randomBytes(9).toString('base64url'), String(request.set.size)];
    for (const [f, v] of request.set) args.push(f, v);
    args.push(String(request.delete.length), ...request.delete);
    const reply = await this.#run(SYNC, [this.#k.state, this.#k.lock], args) as unknown[];
    const fields: Fields = new Map();
    for (let i = 4; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), String(reply[i + 1]));
    return { applied: Number(reply[0]) === 1, generation: Number(reply[1]), login: Number(reply[2]), epoch: String(reply[3]), fields };
  }

  async generations(): Promise<Generations> {
    const [generation, login, epoch] = await this.#run(GENERATIONS, [this.#k.state], [String(this.#o.ttl)]) as unknown[];
    return { generation: Number(generation), login: Number(login), epoch: String(epoch) };
  }

  async lock(ttl: number): Promise<LockState> {
    const r = await this.#run(LOCK, [this.#k.lock, this.#k.state, this.#k.fence], [String(ttl), this.#owner, String(this.#o.ttl)]) as unknown[];
    return Number(r[0]) === 1 ? { held: true, fence: String(r[1]) } : { held: false, login: Number(r[1]), ttl: Math.max(0, Number(r[2])) };
  }

  async extend(fence: string, ttl: number): Promise<boolean> {
    return Number(await this.#run(EXTEND, [this.#k.lock], [fence, String(ttl)])) === 1;
  }

  async unlock(fence: string): Promise<void> {
    await this.#run(UNLOCK, [this.#k.lock], [fence, this.#k.channel]);
  }

  async take(origin: string, limits: BudgetLimits, reserve: boolean): Promise<number> {
    const emission = Math.max(1, Math.round((limits.interval * 1000) / limits.requests));
    const tolerance = emission * (limits.burst - 1);
    return Number(await this.#run(RESERVE, [this.#k.rate(origin), this.#k.pause(origin)], [String(emission), String(tolerance), reserve ? 'reserve' : 'take']));
  }

  async pause(origin: string, ms: number): Promise<void> {
    await this.#run(PAUSE, [this.#k.pause(origin)], [String(Math.ceil(ms))]);
  }

  async subscribe(listener: (generation: number) => void): Promise<void> {
    this.#listener = (message) => listener(Number(message));
    const client = this.#o.client;
    // A subscribed connection can do nothing else: node-redis gives a cluster its own, a client a duplicate.
    this.#subscriber = this.#cluster || !client.duplicate ? client : client.duplicate();
    if (this.#subscriber !== client) {
      this.#subscriber.on('error', () => undefined);
      await this.#subscriber.connect();
    }
    await this.#subscriber.subscribe(this.#k.channel, this.#listener);
  }

  async close(): Promise<void> {
    const sub = this.#subscriber;
    this.#subscriber = undefined;
    if (sub && sub !== this.#o.client) await closeClient(sub);
    else if (sub && this.#listener) await sub.unsubscribe(this.#k.channel, this.#listener).catch(() => undefined);
    if (this.#o.owned) await closeClient(this.#o.client);
  }

  /** EVALSHA, and EVAL once when the server does not know the script yet (new, restarted, flushed). */
  async #run(s: Script, keyList: string[], args: string[]): Promise<unknown> {
    const tail = [String(keyList.length), ...keyList, ...args];
    try {
      return await this.#send(keyList[0]!, ['EVALSHA', s.sha, ...tail]);
    } catch (err) {
      if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err;
      return this.#send(keyList[0]!, ['EVAL', s.source, ...tail]);
    }
  }

  #send(key: string, args: string[]): Promise<unknown> {
    const c = this.#o.client;
    return this.#cluster ? c.sendCommand(key, false, args) : c.sendCommand(args);
  }
}

async function closeClient(c: RedisLike): Promise<void> {
  try {
    if (c.close) await c.close();
    else if (c.quit) await c.quit();
  } catch {
    c.destroy?.();
  }
}

/** The `where` of a Redis URL: credentials removed. */
export function redisWhere(url: string): string {
  return redactUrl(url);
}

/** Loads node-redis, with the fix in the message when it is not installed. */
export async function loadRedis(): Promise<{ createClient: (o: object) => RedisLike; createCluster: (o: object) => RedisLike }> {
  try {
    return await import('redis') as unknown as { createClient: (o: object) => RedisLike; createCluster: (o: object) => RedisLike };
  } catch (err) {
    throw new SessioError('sessio/redis needs the `redis` package (node-redis 5 or 6): npm install redis', { code: 'ERR_SHARED_DEPENDENCY', cause: err });
  }
}
