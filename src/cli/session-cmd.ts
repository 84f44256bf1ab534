import { readSessionFile } from '../index.js';
import type { Command } from './args.js';
import { palette, wantsColor } from './colors.js';
import { UsageError } from './errors.js';
import { write, type Io } from './io.js';
import { colorJson } from './output.js';
import { listSessions, redactDocument, removeSession, sessionPath } from './sessions.js';

type SessionCommand = Extract<Command, { kind: 'session' }>;

/** `sessio session list | show NAME | rm NAME`. */
export async function runSessionCommand(cmd: SessionCommand, io: Io): Promise<number> {
  if (cmd.action === 'list') {
    const { dir, rows } = await listSessions(io.env);
    if (rows.length === 0) {
      await write(io.stdout, `No saved sessions in ${dir}\n`);
      return 0;
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    await write(io.stdout, rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n');
    return 0;
  }
  const file = sessionPath(cmd.name!, io.env);
  if (cmd.action === 'rm') {
    if (!(await removeSession(file))) throw new UsageError(`no saved session ${JSON.stringify(cmd.name)} (${file})`, 'see sessio session list');
    if (!cmd.values.quiet) await write(io.stdout, `Removed ${file}\n`);
    return 0;
  }
  const doc = await readSessionFile(file);
  if (!doc) throw new UsageError(`no saved session ${JSON.stringify(cmd.name)} (${file})`, 'see sessio session list');
  const pal = palette(wantsColor(io.stdout.isTTY, io.env));
  await write(io.stdout, `${colorJson(redactDocument(doc), pal)}\n`);
  return 0;
}
