import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { SessionFileError } from '../core/errors.js';
import { FILE_MODE, isRunning, tempName } from './atomic.js';

/** Options of `withFileLock`. */
export interface LockOptions {
  /** Give up after this long, ms (default 10 s). */
  timeout?: number;
  /** A lock file older than this is taken to be left by a crashed process, ms (default 30 s). */
  stale?: number;
}

/** A takeover takes milliseconds: a takeover lock older than this was left by a crash. */
const TAKEOVER_STALE_MS = 5_000;

/**
 * Runs `fn` while holding `<file>.lock`, created with O_EXCL (atomic on local file systems). Waits
 * with bounded back-off for another holder; removes a lock file whose holder is dead or that is
 * older than `stale`. Throws {@link SessionFileError} when the lock cannot be had in time.
 *
 * Each lock file holds its owner's pid and a random token. Two waiters may judge the same lock stale
 * at once; the removal is therefore serialised by `<file>.lock.takeover` (O_EXCL too), and done only
 * when the lock file still holds the token that was judged stale: a waiter can never delete the
 * fresh lock another waiter has just created. The owner removes its lock only while it holds its token.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockPath = `${file}.lock`;
  const timeout = options.timeout ?? 10_000;
  const staleAfter = options.stale ?? 30_000;
  const deadline = Date.now() + timeout;
  const content = `${process.pid}\n${randomBytes(12).toString('hex')}\n`;
  let delay = 5;
  for (let attempt = 0; ; attempt++) {
    if (await create(file, lockPath, content)) break;
    const held = await staleContent(lockPath, staleAfter);
    if (held !== undefined && await takeOver(file, lockPath, held)) continue;
    if (Date.now() >= deadline || attempt > 10_000) {
      throw new SessionFileError(file, `still locked by ${lockPath} after ${timeout} ms. If no sessio process is running, delete the lock file.`, { code: 'ERR_SESSION_FILE_LOCK' });
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
  try {
    return await fn();
  } finally {
    await release(lockPath, content);
  }
}

/**
 * Creates the lock file with our content; false when it exists. The content is written to a temp file
 * first and hard-linked into place (atomic, and failing with EEXIST like O_EXCL), so a process killed
 * at any instant never leaves an empty lock that nobody can judge; at worst it leaves the temp file,
 * which {@link removeLeftoverTemps} clears.
 */
async function create(file: string, path: string, content: string): Promise<boolean> {
  const temp = tempName(path);
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    await handle.writeFile(content).finally(() => handle.close());
    await link(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new SessionFileError(file, `cannot create lock file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Check the directory's permissions.`, { code: 'ERR_SESSION_FILE_LOCK', cause: err });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Removes our lock, unless it is no longer ours (taken over as stale): then it is another's to remove. */
async function release(path: string, content: string): Promise<void> {
  const now = await readFile(path, 'utf8').catch(() => undefined);
  if (now === content) await unlink(path).catch(() => undefined);
}

/**
 * Removes the stale lock whose content is `held`, under the takeover lock, after checking again that
 * the lock file still holds exactly that content. True when the caller should try to create its lock now.
 */
async function takeOver(file: string, lockPath: string, held: string): Promise<boolean> {
  const guard = `${lockPath}.takeover`;
  const guardContent = `${process.pid}\n${randomBytes(12).toString('hex')}\n`;
  if (!(await create(file, guard, guardContent))) {
    // Another waiter is taking over; a guard left by a crash is cleared so that waiting stays bounded.
    const left = await staleContent(guard, TAKEOVER_STALE_MS);
    if (left !== undefined) await release(guard, left);
    return false;
  }
  try {
    if ((await readFile(lockPath, 'utf8').catch(() => undefined)) !== held) return true; // released or replaced meanwhile
    // Renamed aside first, so that what is deleted is exactly the file checked, never a newer lock.
    const aside = `${lockPath}.stale-${randomBytes(6).toString('hex')}`;
    try {
      await rename(lockPath, aside);
    } catch {
      return true;
    }
    const moved = await readFile(aside, 'utf8').catch(() => undefined);
    // Its holder released it and another process locked in the instant between: give theirs back.
    if (moved !== held) await link(aside, lockPath).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return true;
  } finally {
    await release(guard, guardContent);
  }
}

/**
 * A lock without a pid (an older sessio killed between creating and writing it) older than this is
 * left by a crash: writing a pid takes microseconds.
 */
const UNREADABLE_STALE_MS = 1_000;

/** The lock file's content when its holder is dead or it is older than `staleAfter`; else undefined. */
async function staleContent(lockPath: string, staleAfter: number): Promise<string | undefined> {
  try {
    const text = await readFile(lockPath, 'utf8');
    const info = await stat(lockPath);
    const age = Date.now() - info.mtimeMs;
    if (age > staleAfter) return text;
    const pid = /^\d+\n/.test(text) ? Number.parseInt(text, 10) : NaN;
    if (!(pid > 0)) return age > UNREADABLE_STALE_MS ? text : undefined;
    return pid !== process.pid && !isRunning(pid) ? text : undefined;
  } catch {
    return undefined; // gone already, or unreadable: try again normally
  }
}

