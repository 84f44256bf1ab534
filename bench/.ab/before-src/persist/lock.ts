import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { SessionFileError } from '../errors.js';
import { FILE_MODE } from './atomic.js';

/** Options of {@link withFileLock}. */
export interface LockOptions {
  /** Give up after this long, ms (default 10 s). */
  timeout?: number;
  /** A lock file older than this is taken to be left by a crashed process, ms (default 30 s). */
  stale?: number;
}

/**
 * Runs `fn` while holding `<file>.lock`, created with O_EXCL (atomic on local file systems). Waits
 * with bounded back-off for another holder; removes a lock file whose holder is dead or that is
 * older than `stale`. Throws {@link SessionFileError} when the lock cannot be had in time.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockPath = `${file}.lock`;
  const timeout = options.timeout ?? 10_000;
  const staleAfter = options.stale ?? 30_000;
  const deadline = Date.now() + timeout;
  let delay = 5;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', FILE_MODE);
      await handle.writeFile(`${process.pid}\n`).finally(() => handle.close());
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SessionFileError(file, `cannot create lock file ${lockPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Check the directory's permissions.`, { code: 'ERR_SESSION_FILE_LOCK', cause: err });
      }
      if (await isStale(lockPath, staleAfter)) {
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() >= deadline || attempt > 10_000) {
        throw new SessionFileError(file, `still locked by ${lockPath} after ${timeout} ms. If no sessio process is running, delete the lock file.`, { code: 'ERR_SESSION_FILE_LOCK' });
      }
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 100);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function isStale(lockPath: string, staleAfter: number): Promise<boolean> {
  try {
    const info = await stat(lockPath);
    if (Date.now() - info.mtimeMs > staleAfter) return true;
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid);
  } catch {
    return false; // gone already, or unreadable: try again normally
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
