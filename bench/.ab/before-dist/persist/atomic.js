import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, unlink } from 'node:fs/promises';
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
export async function writeFileAtomic(file, data) {
    const dir = dirname(file);
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
        try {
            await handle.writeFile(data, 'utf8');
            // The umask may have narrowed the mode but never widens it; chmod pins it to exactly 0600.
            await handle.chmod(FILE_MODE);
            await handle.sync();
        }
        finally {
            await handle.close();
        }
        await rename(temp, file);
    }
    catch (err) {
        await unlink(temp).catch(() => undefined);
        throw err;
    }
    await syncDirectory(dir);
}
async function syncDirectory(dir) {
    let handle;
    try {
        handle = await open(dir, 'r');
        await handle.sync();
    }
    catch {
        // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    }
    finally {
        await handle?.close().catch(() => undefined);
    }
}
/** Makes an existing file owner-only (files written by older tools may be wider). */
export async function restrictMode(file) {
    await chmod(file, FILE_MODE).catch(() => undefined);
}
