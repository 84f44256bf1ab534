import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Owner read/write only: session files hold cookies and tokens. */
export const FILE_MODE = 0o600;
/** Owner-only directory for session files we create. */
export const DIR_MODE = 0o700;

/**
 * Writes `data` to `file` so that readers see either the old or the new content, never a mix: a
 * temp file in the same directory (created 0600, so the secret is never world-readable, not even
 * briefly), fsync, rename over the target, then fsync the directory so the rename survives a crash.
 */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  const temp = tempName(file);
  const handle = await open(temp, 'wx', FILE_MODE);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      // The umask may have narrowed the mode but never widens it; chmod pins it to exactly 0600.
      await handle.chmod(FILE_MODE);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Makes an existing file owner-only (files written by older tools may be wider). */
export async function restrictMode(file: string): Promise<void> {
  await chmod(file, FILE_MODE).catch(() => undefined);
}

/** A temp file next to `file` that names its writer's pid, so a crashed writer's leftovers can be told apart. */
export function tempName(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** A takeover's renamed-aside lock older than this was left by a crash (a takeover takes milliseconds). */
const ASIDE_STALE_MS = 60_000;

/**
 * Removes what writers of `file` killed mid-way left next to it: temp files of processes that are no
 * longer running, and stale locks renamed aside by a takeover. Called by the holder of the file's lock.
 */
export async function removeLeftoverTemps(file: string): Promise<number> {
  const dir = dirname(file);
  const base = basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const temp = new RegExp(`^\\.${base}(?:\\.lock(?:\\.takeover)?)?\\.(\\d+)\\.[0-9a-f]{12}\\.tmp$`);
  const aside = new RegExp(`^${base}\\.lock\\.stale-[0-9a-f]{12}$`);
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = temp.exec(name)?.[1];
    const leftover = pid !== undefined ? Number(pid) !== process.pid && !isRunning(Number(pid)) : aside.test(name) && await olderThan(join(dir, name), ASIDE_STALE_MS);
    if (leftover && await unlink(join(dir, name)).then(() => true, () => false)) removed++;
  }
  return removed;
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}

/** Whether a process with this pid runs (EPERM: it does, as another user). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
