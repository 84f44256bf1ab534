// What a shared-state engine (Redis today) offers a session, independent of the client library. The
// session's replica (persist/shared.ts) and the fleet login (fleet-login.ts) talk only to this.
import type { SharedBudget } from '../../stages/rate-limit.js';

/** One stored field of the shared state: its (possibly sealed) name and value. */
export type Fields = Map<string, string>;

/** A write of the shared state, applied atomically with the generation check it names. */
export interface SyncRequest {
  /** The login generation the writer's state belongs to: a write from an older session is refused. */
  baseLogin: number;
  /**
   * A login's write replaces every field and starts a new login generation. With `fence`, only while
   * the login lock is still held with that token; without, only when `baseLogin` is still current.
   */
  login?: { fence?: string };
  set: Fields;
  delete: string[];
}

/** The shared state after a sync. */
export interface SyncReply extends Generations {
  /** False when the write was refused (stale login generation, lost lock); `fields` are the current ones. */
  applied: boolean;
  fields: Fields;
}

/** The cheap periodic check: the generations, without the fields. */
export interface Generations {
  generation: number;
  login: number;
  /** Set when the stored state was created; another one means the store lost it (restart, idle TTL). '' when there is none. */
  epoch: string;
}

/** The fleet's login lock as one process sees it. */
export type LockState =
  | { held: true; fence: string }
  | { held: false; login: number; ttl: number };

/** A shared-state engine: one namespace (`name`) on one server or cluster. */
export interface SharedBackend extends SharedBudget {
  /** Where it is, for messages (credentials removed). */
  readonly where: string;
  sync(request: SyncRequest): Promise<SyncReply>;
  generations(): Promise<Generations>;
  /** Takes the login lock for `ttl` ms when it is free. */
  lock(ttl: number): Promise<LockState>;
  /** Keeps a held lock for another `ttl` ms; false when it was lost. */
  extend(fence: string, ttl: number): Promise<boolean>;
  unlock(fence: string): Promise<void>;
  /** Calls `listener` with the new generation when another process changes the state. */
  subscribe(listener: (generation: number) => void): Promise<void>;
  close(): Promise<void>;
}

/** The `shared` session option: opens the engine at the session's first request. */
export interface SharedStateInit {
  readonly kind: 'shared-state';
  /** The namespace: every process with the same name shares one session. */
  readonly name: string;
  /** Key for AES-256-GCM encryption of the stored state (32 bytes; hex or base64 text). */
  readonly key: Buffer | undefined;
  /** Idle time after which the stored state expires, ms. */
  readonly ttl: number;
  /** Interval of the generation check that catches a lost invalidation message, ms. */
  readonly checkInterval: number;
  /** The longest a login lock is held without being extended (a dead holder's lock ends after it), ms. */
  readonly lockTtl: number;
  /** Bound on each call to the engine, ms. */
  readonly timeout: number;
  /** @internal Connects to the engine (`redisState` builds this; the interface is sessio's own). */
  open(): Promise<SharedBackend>;
}
