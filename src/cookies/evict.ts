import type { StoredCookie } from './stored-cookie.js';

/**
 * The first `count` cookies of `candidates` in eviction order: expired ones first, then least
 * recently used, then earliest created (`creationIndex`), then earliest in `candidates` (as a
 * stable sort would leave them). `skip` is never chosen.
 *
 * A bounded max-heap over one pass instead of sorting every candidate: a full jar evicts a tenth
 * of its cookies at a time, so sorting all of them cost most of a Set-Cookie's time.
 */
export function selectEvictions(candidates: readonly StoredCookie[], count: number, now: number, skip?: StoredCookie): StoredCookie[] {
  const heap = new EvictionHeap(count, now);
  for (let i = 0; i < candidates.length; i++) if (candidates[i] !== skip) heap.offer(candidates[i]!, i);
  return heap.sorted();
}

/**
 * Keeps the `capacity` smallest of the cookies offered, by (rank, lastAccess, creationIndex,
 * position), with the largest kept at the root so that most offers cost one comparison. The keys
 * live in parallel arrays: reading them through the cookies' getters on every comparison is what
 * made the sort slow.
 */
export class EvictionHeap {
  private readonly cookies: StoredCookie[] = [];
  private readonly ranks: number[] = [];
  private readonly accesses: number[] = [];
  private readonly indices: number[] = [];
  private readonly positions: number[] = [];

  constructor(
    private readonly capacity: number,
    private readonly now: number,
  ) {}

  /** Offers a cookie; `position` orders equal keys and must grow with each offer. */
  offer(c: StoredCookie, position: number): void {
    const n = this.cookies.length;
    if (this.capacity <= 0) return;
    const rank = c.isExpired(this.now) ? 0 : 1;
    const access = c.lastAccess;
    if (n < this.capacity) {
      this.set(n, c, rank, access, c.creationIndex, position);
      this.siftUp(n);
      return;
    }
    // Not before the largest kept one: it cannot be among the first `capacity`.
    if (!this.before(rank, access, c.creationIndex, position, 0)) return;
    this.set(0, c, rank, access, c.creationIndex, position);
    this.siftDown(0);
  }

  /** The kept cookies in eviction order. */
  sorted(): StoredCookie[] {
    const order = this.cookies.map((_, i) => i);
    order.sort((a, b) => (this.before(this.ranks[a]!, this.accesses[a]!, this.indices[a]!, this.positions[a]!, b) ? -1 : 1));
    return order.map((i) => this.cookies[i]!);
  }

  /** Whether the key (rank, access, index, position) comes before the entry at `j`. */
  private before(rank: number, access: number, index: number, position: number, j: number): boolean {
    const r = this.ranks[j]!;
    if (rank !== r) return rank < r;
    const a = this.accesses[j]!;
    if (access !== a) return access < a;
    const i = this.indices[j]!;
    if (index !== i) return index < i;
    return position < this.positions[j]!;
  }

  private set(j: number, c: StoredCookie, rank: number, access: number, index: number, position: number): void {
    this.cookies[j] = c;
    this.ranks[j] = rank;
    this.accesses[j] = access;
    this.indices[j] = index;
    this.positions[j] = position;
  }

  private swap(i: number, j: number): void {
    swapIn(this.cookies, i, j);
    swapIn(this.ranks, i, j);
    swapIn(this.accesses, i, j);
    swapIn(this.indices, i, j);
    swapIn(this.positions, i, j);
  }

  /** Whether entry `i` comes after entry `j`. */
  private after(i: number, j: number): boolean {
    return this.before(this.ranks[j]!, this.accesses[j]!, this.indices[j]!, this.positions[j]!, i);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.after(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.cookies.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      const largest = right < n && this.after(right, left) ? right : left;
      if (!this.after(largest, i)) return;
      this.swap(i, largest);
      i = largest;
    }
  }
}

function swapIn<T>(a: T[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
