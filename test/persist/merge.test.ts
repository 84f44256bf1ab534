import { describe, expect, it } from 'vitest';
import { fingerprints, keyedObject, mergeEntries } from '../../src/persist/merge.js';

const merge = (base: Record<string, unknown> | undefined, ours: Record<string, unknown>, disk: Record<string, unknown>) =>
  Object.fromEntries(mergeEntries(base && fingerprints(keyedObject(base)), keyedObject(ours), keyedObject(disk)));

describe('three-way merge', () => {
  it('keeps what either side added', () => {
    expect(merge({}, { a: 1 }, { b: 2 })).toEqual({ a: 1, b: 2 });
    expect(merge(undefined, { a: 1 }, { b: 2, a: 0 })).toEqual({ a: 1, b: 2 });
  });

  it('takes the side that changed an entry, ours when both did', () => {
    expect(merge({ a: 1 }, { a: 1 }, { a: 2 })).toEqual({ a: 2 });
    expect(merge({ a: 1 }, { a: 3 }, { a: 1 })).toEqual({ a: 3 });
    expect(merge({ a: 1 }, { a: 3 }, { a: 2 })).toEqual({ a: 3 });
  });

  it('keeps deletions unless the other side changed the entry since', () => {
    expect(merge({ a: 1 }, {}, { a: 1 })).toEqual({});
    expect(merge({ a: 1 }, { a: 1 }, {})).toEqual({});
    expect(merge({ a: 1 }, {}, { a: 2 })).toEqual({ a: 2 });
    expect(merge({ a: 1 }, { a: 5 }, {})).toEqual({ a: 5 });
  });
});
