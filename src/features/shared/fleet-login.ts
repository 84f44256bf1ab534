import { SessioError } from '../../core/errors.js';
import type { LoginFleet } from '../login/coordinator.js';
import type { SharedBackend } from './backend.js';

/** What the fleet login needs of the process's replica of the shared state. */
export interface FleetReplica {
  /** The login generation of the state this process holds. */
  readonly loginGeneration: number;
  /** Whether the store answered the last call (else logins are local, and merged when it is back). */
  readonly online: boolean;
  /** The store, once opened. */
  readonly backend: SharedBackend | undefined;
  /** Opens the store and takes its state, if not done yet (an explicit login before any request). */
  ready(): Promise<void>;
  /** Brings this process's state up to date with the store. */
  pull(): Promise<void>;
  /**
   * While this process logs in, others' writes (anonymous cookies from their logged-out responses)
   * must not replace the cookies its login is building: `true` keeps the local state as is.
   */
  holdLocal(on: boolean): void;
  /** Writes this process's state as the new login, fenced by the lock; false when the lock was lost. */
  pushLogin(fence: string | undefined): Promise<boolean>;
  /** Resolves at the next change or unlock the store announces, or after `ms`. */
  nextChange(ms: number): Promise<void>;
  /** Reports a failed call (the replica goes offline and logs it once). */
  failed(err: unknown): void;
}

/** How often a waiting process looks at the lock when no message comes, ms. */
const POLL_MS = 100;

/**
 * Single-flight login for a fleet: the process that takes the lock (with a TTL, extended while it
 * logs in, and a fencing token its write must still hold) logs in; the others wait for the login
 * generation to move, take the new state and replay. A holder that dies stops extending the lock,
 * so another takes over after `lockTtl`.
 */
export class FleetLogin implements LoginFleet {
  readonly #replica: FleetReplica;
  readonly #lockTtl: number;

  constructor(replica: FleetReplica, lockTtl: number) {
    this.#replica = replica;
    this.#lockTtl = lockTtl;
  }

  async run(work: () => Promise<void>): Promise<void> {
    await this.#replica.ready();
    const seen = this.#replica.loginGeneration;
    // Bounded: a live holder extends its lock, so a login slower than this fails instead of hanging.
    const deadline = Date.now() + 4 * this.#lockTtl;
    while (Date.now() < deadline) {
      if (this.#replica.loginGeneration > seen) return;
      const backend = this.#replica.backend;
      if (!backend || !this.#replica.online) return this.#offline(work);
      let state;
      try {
        state = await backend.lock(this.#lockTtl);
      } catch (err) {
        this.#replica.failed(err);
        return this.#offline(work);
      }
      if (state.held) return this.#asHolder(backend, state.fence, seen, work);
      if (state.login > seen) await this.#replica.pull();
      else await this.#replica.nextChange(Math.min(Math.max(state.ttl, 1), POLL_MS));
    }
    throw new SessioError(`Another process held the shared login lock for more than ${4 * this.#lockTtl} ms`, { code: 'ERR_SHARED_LOGIN_TIMEOUT' });
  }

  async #offline(work: () => Promise<void>): Promise<void> {
    this.#replica.holdLocal(true);
    try {
      await work();
      await this.#replica.pushLogin(undefined);
    } finally {
      this.#replica.holdLocal(false);
    }
  }

  async #asHolder(backend: SharedBackend, fence: string, seen: number, work: () => Promise<void>): Promise<void> {
    const keep = setInterval(() => void backend.extend(fence, this.#lockTtl).catch(() => undefined), Math.max(1, Math.floor(this.#lockTtl / 3)));
    keep.unref();
    try {
      await this.#replica.pull();
      // Another process logged in between this one's failed request and its taking the lock.
      if (this.#replica.loginGeneration > seen) return;
      this.#replica.holdLocal(true);
      await work();
      await this.#replica.pushLogin(fence);
    } finally {
      this.#replica.holdLocal(false);
      clearInterval(keep);
      await backend.unlock(fence).catch(() => undefined);
    }
  }
}
