import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/persist/lock.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sessio-lock-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('withFileLock', () => {
  it('lets one waiter at a time in when many find the same stale lock', async () => {
    const file = path.join(dir, 'race.json');
    let inside = 0;
    let most = 0;
    let done = 0;
    for (let round = 0; round < 5; round++) {
      await writeFile(`${file}.lock`, '999999999\n'); // left by a dead process
      await Promise.all(Array.from({ length: 12 }, () => withFileLock(file, async () => {
        inside++;
        most = Math.max(most, inside);
        await sleep(2);
        inside--;
        done++;
      })));
    }
    expect(done).toBe(60);
    expect(most).toBe(1);
    expect((await readdir(dir)).filter((f) => f.startsWith('race.json.'))).toEqual([]);
  });

  it('never removes a lock that is no longer its own', async () => {
    const file = path.join(dir, 'owned.json');
    let bEntered!: () => void;
    const entered = new Promise<void>((r) => (bEntered = r));
    let aReleased!: () => void;
    const released = new Promise<void>((r) => (aReleased = r));
    let seenByB: string | undefined;
    // A holds the lock long enough to look stale to B (stale: 50 ms); B takes it over.
    const a = withFileLock(file, () => entered, { stale: 50 }).then(aReleased);
    await sleep(5);
    const b = withFileLock(file, async () => {
      bEntered();
      await released;
      seenByB = await readFile(`${file}.lock`, 'utf8').catch(() => undefined);
    }, { stale: 50 });
    await Promise.all([a, b]);
    expect(seenByB).toMatch(new RegExp(`^${process.pid}\\n[0-9a-f]+\\n$`));
    expect((await readdir(dir)).filter((f) => f.startsWith('owned.json.'))).toEqual([]);
  });
});
