/**
 * A typed slot in a request's {@link RequestContext}. Stages declare their keys next to the code that
 * reads them, so two stages never share state through a string they both have to spell alike.
 *
 * A key is per call by default: every hop of a redirect chain and every retry sees the same value.
 * A `hop` key belongs to one hop only (the proxy chosen for it, say) and starts empty on the next.
 */
export class ContextKey<T> {
  /** Only for the type: a key for `T` cannot be read as another type. */
  declare readonly type: T;

  constructor(readonly name: string, readonly options: { readonly hop?: boolean } = {}) {}

  toString(): string {
    return `ContextKey(${this.name})`;
  }
}

/**
 * Per-request state of the stages. {@link RequestContext.forHop} gives the next hop a context that
 * shares the call's slots and has fresh hop slots.
 */
export class RequestContext {
  readonly #call: Map<ContextKey<unknown>, unknown>;
  #hop: Map<ContextKey<unknown>, unknown> | undefined;

  constructor(call: Map<ContextKey<unknown>, unknown> = new Map()) {
    this.#call = call;
  }

  get<T>(key: ContextKey<T>): T | undefined {
    return (key.options.hop ? this.#hop?.get(key) : this.#call.get(key)) as T | undefined;
  }

  has(key: ContextKey<unknown>): boolean {
    return key.options.hop ? this.#hop?.has(key) === true : this.#call.has(key);
  }

  set<T>(key: ContextKey<T>, value: T): void {
    if (key.options.hop) (this.#hop ??= new Map()).set(key, value);
    else this.#call.set(key, value);
  }

  delete(key: ContextKey<unknown>): void {
    if (key.options.hop) this.#hop?.delete(key);
    else this.#call.delete(key);
  }

  /** A context for another hop of the same call: the call's slots shared, the hop's slots empty. */
  forHop(): RequestContext {
    return new RequestContext(this.#call);
  }

  /** A context for a new call that starts with a copy of this call's slots (a replayed request). */
  copy(): RequestContext {
    return new RequestContext(new Map(this.#call));
  }
}
