export function fingerprints(entries) {
    const out = new Map();
    for (const e of entries)
        out.set(e.key, e.fingerprint);
    return out;
}
export function mergeEntries(base, ours, disk) {
    const before = base ?? new Map();
    const diskByKey = new Map(disk.map((e) => [e.key, e]));
    const oursByKey = new Map(ours.map((e) => [e.key, e]));
    const out = [];
    for (const mine of ours) {
        const theirs = diskByKey.get(mine.key);
        const old = before.get(mine.key);
        const weChanged = old !== mine.fingerprint;
        const theyChanged = theirs ? old !== theirs.fingerprint : old !== undefined;
        if (weChanged || !theyChanged)
            out.push(mine.value);
        else if (theirs)
            out.push(theirs.value); // they changed it and we did not: theirs
        // else: they deleted it and we did not touch it: stays deleted
    }
    for (const theirs of disk) {
        if (oursByKey.has(theirs.key))
            continue;
        const old = before.get(theirs.key);
        // Not in our base: another process added it. In our base but no longer ours: we deleted it,
        // unless they changed it since (then their newer value wins over our older deletion).
        if (old === undefined || old !== theirs.fingerprint)
            out.push(theirs.value);
    }
    return out;
}
/** Entries of a plain object, fingerprinted by their JSON. */
export function keyedObject(obj) {
    return Object.entries(obj ?? {}).map(([k, v]) => ({ key: k, fingerprint: JSON.stringify(v) ?? 'undefined', value: [k, v] }));
}
