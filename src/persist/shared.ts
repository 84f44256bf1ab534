// A session's replica of a shared state (the `shared` option, e.g. redisState from sessio/redis).
// The fleet shares what a saved session holds, as entries the store merges one by one: one per
// cookie, the login's tokens, each feature's state (CSRF tokens, origin-bound headers). Requests use
// the local copy; changes are pushed after responses (debounced) and pulled when the store announces
// a newer generation, or when the periodic generation check finds one (a lost message).
import { log, type Log } from '../core/log/index.js';
import type { Stage } from '../core/pipeline.js';
import { SessioError } from '../core/errors.js';
import type { Fields, SharedBackend, SharedStateInit, SyncReply } from '../features/shared/backend.js';
import { bounded } from '../features/shared/bounded.js';
import { FleetLogin, type FleetReplica } from '../features/shared/fleet-login.js';
import { aesSealer, PLAIN, type Sealer } from '../features/shared/seal.js';
import type { BudgetLimits, SharedBudget } from '../stages/rate-limit.js';
import { snapshot, STATE } from './file.js';
import { cookieRecords, jarToJSON, withCookies } from './jar-codec.js';
import { restoreTokens } from './login-state.js';
import type { TokenRecord } from './schema.js';
import type { PersistedParts } from './state.js';

/** Logical id → JSON value. */
type Entries = Map<string, string>;

/** Changes made by responses are pushed this long after the first one: a burst writes once. */
const PUSH_DELAY_MS = 10;

/**
 * What the fleet shares of a session, as entries: one per cookie (`lastAccess` aside), the tokens, each
 * feature's state. Entries of features this process does not run (no `csrf` option, no token login)
 * are carried over from `known`: a process that cannot hold them must not delete them for the fleet.
 */
export function sharedEntries(parts: PersistedParts, known?: Entries): Entries {
  const doc = snapshot(parts);
  const out: Entries = new Map();
  for (const c of cookieRecords(doc.cookies)) out.set(`c:${c.key}`, c.fingerprint);
  if (doc.tokens) out.set('t', JSON.stringify(doc.tokens));
  for (const [name, value] of Object.entries(doc.state)) out.set(`s:${name}`, JSON.stringify(value));
  for (const [id, v] of known ?? []) if (!out.has(id) && !manages(parts, id)) out.set(id, v);
  return out;
}

/** Whether this process holds entry `id` itself, so that its absence here means it was removed. */
function manages(parts: PersistedParts, id: string): boolean {
  if (id === 's:csrf') return parts.csrf !== undefined;
  if (id === 't') return parts.login?.holdsTokens === true;
  return true;
}

function subset(entries: Entries, prefix: string): string[] {
  return [...entries].filter(([id]) => id.startsWith(prefix)).map(([id, v]) => `${id}\u0000${v}`).sort();
}

/** Makes the session hold `next` (it holds `current` now). */
function applyEntries(parts: PersistedParts, next: Entries, current: Entries): void {
  if (subset(next, 'c:').join('\u0001') !== subset(current, 'c:').join('\u0001')) {
    const cookies = [...next].filter(([id]) => id.startsWith('c:')).map(([, v]) => {
      const c = JSON.parse(v) as Record<string, unknown>;
      return { ...c, lastAccess: c.creation };
    });
    const json = withCookies(jarToJSON(parts.cookies), cookies);
    parts.cookies.clear();
    parts.cookies.importJSON(json);
  }
  const tokens = next.get('t');
  if (tokens !== undefined && tokens !== current.get('t')) {
    const record = JSON.parse(tokens) as TokenRecord;
    parts.saved.tokens = record;
    restoreTokens(parts, record, true);
  }
  for (const [id, value] of next) {
    if (!id.startsWith('s:') || value === current.get(id)) continue;
    STATE[id.slice(2)]?.restore(parts, JSON.parse(value));
  }
}

function sameEntries(a: Entries, b: Entries): boolean {
  if (a.size !== b.size) return false;
  for (const [id, v] of a) if (b.get(id) !== v) return false;
  return true;
}

export class SharedReplica implements FleetReplica {
  readonly fleet: FleetLogin;
  readonly budget: SharedBudget;
  readonly #parts: PersistedParts;
  readonly #init: SharedStateInit;
  readonly #log: Log;
  readonly #sealer: Sealer;
  #backend: SharedBackend | undefined;
  #starting: Promise<void> | undefined;
  #synced = false;
  #online = false;
  #warned = false;
  /** The entries as last agreed with the store: what a push compares against. */
  #baseline: Entries = new Map();
  #generation = 0;
  #login = 0;
  #epoch = '';
  /** The newest generation the store announced. */
  #notified = 0;
  /** A login made while the store was unreachable, pushed as a login when it is back. */
  #offlineLogin = false;
  /** This process is logging in: the store's state is not applied until its login is written. */
  #holding = false;
  #chain: Promise<void> = Promise.resolve();
  #queuedPull: Promise<void> | undefined;
  #pushTimer: ReturnType<typeof setTimeout> | undefined;
  #checkTimer: ReturnType<typeof setInterval> | undefined;
  #checking = false;
  #closed = false;
  readonly #waiters = new Set<() => void>();

  constructor(parts: PersistedParts, init: SharedStateInit, sessionLog: Log) {
    this.#parts = parts;
    this.#init = init;
    this.#log = sessionLog;
    this.#sealer = init.key ? aesSealer(init.key) : PLAIN;
    this.fleet = new FleetLogin(this, init.lockTtl);
    this.budget = {
      take: (origin: string, limits: BudgetLimits, reserve: boolean) => this.#guarded((b) => b.take(origin, limits, reserve)),
      pause: async (origin: string, ms: number) => void await this.#guarded((b) => b.pause(origin, ms)),
    };
  }

  get loginGeneration(): number {
    return this.#login;
  }

  get online(): boolean {
    return this.#online;
  }

  get backend(): SharedBackend | undefined {
    return this.#backend;
  }

  /** Outermost stage: the first request opens the store; a request waits for a newer state the store announced. */
  readonly stage: Stage = async (req, next) => {
    if (!this.#synced) await this.#start();
    else if (this.#online && this.#notified > this.#generation) await this.pull();
    const res = await next(req);
    this.#schedulePush();
    return res;
  };

  /** Opens the store and takes its state; rejects (and the next request tries again) when it cannot be reached. */
  #start(): Promise<void> {
    this.#starting ??= (async () => {
      if (this.#closed) throw new SessioError('The session was closed', { code: 'ERR_SESSION_CLOSED' });
      const backend = await this.#init.open();
      try {
        await bounded(backend.subscribe((g) => this.#onMessage(g)), this.#init.timeout, `subscribing at ${backend.where}`);
        this.#backend = backend;
        this.#online = true;
        await this.#syncOnce(undefined);
      } catch (err) {
        this.#backend = undefined;
        this.#online = false;
        await backend.close().catch(() => undefined);
        throw new SessioError(`Cannot use the shared session "${this.#init.name}" at ${backend.where}: ${(err as Error).message}`, { code: 'ERR_SHARED_UNREACHABLE', cause: err });
      }
      this.#checkTimer = setInterval(() => void this.#check(), this.#init.checkInterval);
      this.#checkTimer.unref();
      this.#synced = true;
      log.debug('shared', `shared session "${this.#init.name}" at ${backend.where}: generation ${this.#generation}, login ${this.#login}`, this);
    })().catch((err: unknown) => {
      this.#starting = undefined;
      throw err;
    });
    return this.#starting;
  }

  /** For the log helpers: this replica logs to its session's log. */
  get log(): Log {
    return this.#log;
  }

  ready(): Promise<void> {
    return this.#synced ? Promise.resolve() : this.#start();
  }

  pull(): Promise<void> {
    this.#queuedPull ??= this.#enqueue(async () => {
      this.#queuedPull = undefined;
      await this.#syncOnce(undefined);
    });
    return this.#queuedPull;
  }

  async pushLogin(fence: string | undefined): Promise<boolean> {
    if (fence === undefined) this.#offlineLogin = true;
    if (!this.#backend || !this.#online) return false;
    let applied = false;
    await this.#enqueue(async () => {
      applied = await this.#syncOnce(fence ?? '', true);
    });
    return applied;
  }

  holdLocal(on: boolean): void {
    this.#holding = on;
  }

  nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  failed(err: unknown): void {
    if (!this.#online) return;
    this.#online = false;
    log.debug('shared', `shared session "${this.#init.name}" offline: ${(err as Error)?.message ?? err}`, this);
    if (this.#warned) return;
    this.#warned = true;
    process.emitWarning(`sessio: the shared session "${this.#init.name}" cannot reach ${this.#backend?.where ?? 'its store'} (${(err as Error)?.message ?? err}); requests go on with this process's copy, and its changes are merged when the store is back`);
  }

  /** Pushes what is pending, then closes the store's connections (the session is closing). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#checkTimer);
    clearTimeout(this.#pushTimer);
    if (this.#backend && this.#online && this.#dirty()) await this.pull();
    await this.#chain;
    for (const wake of [...this.#waiters]) wake();
    await this.#backend?.close().catch(() => undefined);
  }

  #enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(job).catch((err: unknown) => this.failed(err));
    this.#chain = run;
    return run;
  }

  #guarded<T>(call: (b: SharedBackend) => Promise<T>): Promise<T | undefined> {
    const b = this.#backend;
    if (!b || !this.#online) return Promise.resolve(undefined);
    return bounded(call(b), this.#init.timeout, `shared rate limit at ${b.where}`).catch((err: unknown) => {
      this.failed(err);
      return undefined;
    });
  }

  #dirty(): boolean {
    return this.#offlineLogin || !sameEntries(sharedEntries(this.#parts, this.#baseline), this.#baseline);
  }

  #schedulePush(): void {
    if (this.#pushTimer !== undefined || !this.#online || this.#closed) return;
    this.#pushTimer = setTimeout(() => {
      this.#pushTimer = undefined;
      if (this.#dirty()) void this.pull();
    }, PUSH_DELAY_MS);
  }

  #onMessage(generation: number): void {
    if (!Number.isNaN(generation)) {
      this.#notified = Math.max(this.#notified, generation);
      if (generation > this.#generation) void this.pull();
    }
    for (const wake of [...this.#waiters]) wake();
  }

  async #check(): Promise<void> {
    const b = this.#backend;
    if (!b || this.#checking || this.#closed) return;
    this.#checking = true;
    try {
      const g = await bounded(b.generations(), this.#init.timeout, `generation check at ${b.where}`);
      if (!this.#online) {
        this.#online = true;
        log.debug('shared', `shared session "${this.#init.name}" back at ${b.where}: merging`, this);
        await this.pull();
      } else if (g.generation !== this.#generation || g.login !== this.#login || g.epoch !== this.#epoch) await this.pull();
    } catch (err) {
      this.failed(err);
    } finally {
      this.#checking = false;
    }
  }

  /**
   * One round trip: writes what changed since the baseline (all of it for a login, which replaces
   * the state) and takes the store's state back. Returns whether the write was applied.
   */
  async #syncOnce(fence: string | undefined, login = false): Promise<boolean> {
    const backend = this.#backend!;
    const before = sharedEntries(this.#parts, this.#baseline);
    const asLogin = login || this.#offlineLogin;
    const set: Fields = new Map();
    const del: string[] = [];
    for (const [id, v] of before) {
      if (!asLogin && this.#baseline.get(id) === v) continue;
      const field = this.#sealer.field(id);
      set.set(field, this.#sealer.seal(field, id, v));
    }
    if (!asLogin) for (const id of this.#baseline.keys()) if (!before.has(id)) del.push(this.#sealer.field(id));
    const request = { baseLogin: this.#login, set, delete: del, ...(asLogin && { login: fence ? { fence } : {} }) };
    const reply = await bounded(backend.sync(request), this.#init.timeout, `shared state at ${backend.where}`);
    if (asLogin && reply.applied) this.#offlineLogin = false;
    this.#take(reply, before, asLogin && reply.applied);
    return reply.applied;
  }

  /** Takes the store's state: entries changed here while the call was out stay ours (pushed next). */
  #take(reply: SyncReply, before: Entries, ownLogin: boolean): void {
    const remote = this.#opened(reply.fields);
    const now = sharedEntries(this.#parts, this.#baseline);
    if (this.#epoch !== '' && reply.epoch !== this.#epoch) {
      // The store lost the state (restart without persistence, idle TTL): this copy refills it.
      this.#baseline = new Map();
      this.#generation = reply.generation;
      this.#login = reply.login;
      this.#epoch = reply.epoch;
      this.#notified = reply.generation;
      void this.pull();
      return;
    }
    // Taken up after the login is written (the generation check sees this state as not yet pulled).
    if (this.#holding && !ownLogin) return;
    const newLogin = reply.login !== this.#login && !ownLogin;
    const next: Entries = new Map();
    if (newLogin) for (const [id, v] of remote) next.set(id, v); // a new login supersedes the old session's changes
    else {
      for (const id of new Set([...remote.keys(), ...now.keys()])) {
        const value = now.get(id) !== before.get(id) ? now.get(id) : remote.get(id);
        if (value !== undefined) next.set(id, value);
      }
    }
    applyEntries(this.#parts, next, now);
    this.#baseline = remote;
    this.#generation = reply.generation;
    this.#login = reply.login;
    this.#epoch = reply.epoch;
    if (newLogin) this.#parts.login?.adoptRemoteLogin();
    for (const wake of [...this.#waiters]) wake();
  }

  #opened(fields: Fields): Entries {
    const out: Entries = new Map();
    for (const [field, stored] of fields) {
      const e = this.#sealer.open(field, stored);
      if (e) out.set(e.id, e.value);
    }
    return out;
  }
}
