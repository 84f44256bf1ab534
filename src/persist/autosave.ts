import type { Stage } from '../core/pipeline.js';
import type { PersistedParts } from './state.js';
import { saveSession, snapshot } from './file.js';

/** The `autosave` session option in full. */
export interface AutosaveOptions {
  /** The session file. */
  path: string;
  /** Wait this long after a state-changing response before writing, ms (default 200): bursts write once. */
  debounceMs?: number;
  /** Called when a background save fails (default: a process warning; the request is not affected). */
  onError?: (err: unknown) => void;
}

/**
 * Saves a session after responses that changed what it would save (cookies, headers, login state),
 * at most once per debounce window; `flush()` (called by `session.close()`) writes what is pending.
 */
export class Autosave {
  readonly #parts: PersistedParts;
  readonly #path: string;
  readonly #debounceMs: number;
  readonly #onError: (err: unknown) => void;
  #saved: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(parts: PersistedParts, options: AutosaveOptions) {
    this.#parts = parts;
    this.#path = options.path;
    this.#debounceMs = Math.max(0, options.debounceMs ?? 200);
    this.#onError = options.onError ?? ((err) => process.emitWarning(`sessio autosave failed: ${(err as Error).message}`));
  }

  /** The stage to put outermost: it looks at the session once the whole redirect chain is done. */
  readonly stage: Stage = async (req, next) => {
    const res = await next(req);
    this.changed();
    return res;
  };

  /** Marks the current state as saved (after load), so the first unchanged response writes nothing. */
  markSaved(): void {
    this.#saved = this.#fingerprint();
  }

  /** Schedules a save when the state differs from the last one written. */
  changed(): void {
    if (this.#timer !== undefined || this.#fingerprint() === this.#saved) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#write().catch(this.#onError);
    }, this.#debounceMs);
  }

  /** Writes pending changes now; rejects when that write fails. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    await this.#writing.catch(() => undefined);
    if (this.#fingerprint() !== this.#saved) await this.#write();
  }

  #write(): Promise<void> {
    const state = this.#fingerprint();
    const run = this.#writing.catch(() => undefined).then(() => saveSession(this.#parts, this.#path)).then(() => {
      this.#saved = state;
    });
    this.#writing = run;
    return run;
  }

  #fingerprint(): string {
    const doc = snapshot(this.#parts);
    const cookies = doc.cookies as { cookies?: Record<string, unknown>[] } | Record<string, unknown>[] | null;
    const list = Array.isArray(cookies) ? cookies : cookies?.cookies ?? [];
    // lastAccess moves on every request; it alone is no reason to write.
    const stable = list.map(({ lastAccess: _a, ...rest }) => rest);
    return JSON.stringify([stable, doc.headers, doc.baseUrl, doc.login, doc.tokens, doc.state]);
  }
}

/** Normalises the `autosave` option; `true` means the file the session was loaded from. */
export function autosaveOptions(value: boolean | string | AutosaveOptions | undefined, loadedFrom?: string): AutosaveOptions | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return loadedFrom === undefined ? undefined : { path: loadedFrom };
  return typeof value === 'string' ? { path: value } : value;
}
