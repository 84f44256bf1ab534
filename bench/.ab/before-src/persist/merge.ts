/**
 * Three-way merge of keyed entries (cookies, headers, feature state) between what this process last
 * read or wrote (`base`), what it holds now (`ours`) and what is on disk now (`disk`):
 * - an entry only we changed, added or deleted: ours;
 * - an entry only the other writer changed, added or deleted: theirs;
 * - an entry both changed: ours (we write last, and our copy is the newest we know).
 * So two processes saving the same file keep each other's new cookies, and a cookie deleted by one
 * (logout, Max-Age=0) is not resurrected by the other.
 */
export type Fingerprints = Map<string, string>;

export interface Keyed<T> {
  key: string;
  fingerprint: string;
  value: T;
}

export function fingerprints<T>(entries: Iterable<Keyed<T>>): Fingerprints {
  const out: Fingerprints = new Map();
  for (const e of entries) out.set(e.key, e.fingerprint);
  return out;
}

export function mergeEntries<T>(base: Fingerprints | undefined, ours: Keyed<T>[], disk: Keyed<T>[]): T[] {
  const before = base ?? new Map<string, string>();
  const diskByKey = new Map(disk.map((e) => [e.key, e]));
  const oursByKey = new Map(ours.map((e) => [e.key, e]));
  const out: T[] = [];
  for (const mine of ours) {
    const theirs = diskByKey.get(mine.key);
    const old = before.get(mine.key);
    const weChanged = old !== mine.fingerprint;
    const theyChanged = theirs ? old !== theirs.fingerprint : old !== undefined;
    if (weChanged || !theyChanged) out.push(mine.value);
    else if (theirs) out.push(theirs.value); // they changed it and we did not: theirs
    // else: they deleted it and we did not touch it: stays deleted
  }
  for (const theirs of disk) {
    if (oursByKey.has(theirs.key)) continue;
    const old = before.get(theirs.key);
    // Not in our base: another process added it. In our base but no longer ours: we deleted it,
    // unless they changed it since (then their newer value wins over our older deletion).
    if (old === undefined || old !== theirs.fingerprint) out.push(theirs.value);
  }
  return out;
}

/** Entries of a plain object, fingerprinted by their JSON. */
export function keyedObject(obj: Record<string, unknown> | undefined): Keyed<[string, unknown]>[] {
  return Object.entries(obj ?? {}).map(([k, v]) => ({ key: k, fingerprint: JSON.stringify(v) ?? 'undefined', value: [k, v] as [string, unknown] }));
}
