/**
 * Each client runs in a process of its own, so that no client's use of shared code (undici above all,
 * which sessio, raw undici.request and the undici + tough-cookie client share) changes how V8 optimises
 * another's: in one process, the mix makes every undici user markedly slower. The parent still
 * interleaves the clients, one measured repetition at a time, so machine noise hits all of them alike.
 *
 * Protocol over IPC: the parent sends `{ id, type, ... }`, the child answers `{ id, ok, ... }`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TS_CHILD_ARGV } from './child-argv.js';
import type { BenchClient, SessioModule, Target } from './clients.js';
import type { Sample } from './measure.js';

type Command =
  | { type: 'setup'; caseId: string; target: Target }
  | { type: 'run'; count: number; inFlight: number; maxMs: number }
  | { type: 'teardown' };

type Reply = { id: number; ok: true; name?: string; sample?: Sample } | { id: number; ok: false; error: string };

const CALL_TIMEOUT_MS = 300_000;

/** The parent's handle on one client's process. */
export class ClientWorker {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  #next = 0;
  #exited: Error | undefined;
  /** Replaces the client's own name in results (to compare two builds of sessio). */
  readonly #label: string | undefined;

  private constructor(child: ChildProcess, label: string | undefined) {
    this.#child = child;
    this.#label = label;
    child.on('message', (m: Reply) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      clearTimeout(p.timer);
      p.resolve(m);
    });
    child.once('exit', (code) => {
      this.#exited = new Error(`bench client process exited (code ${code})`);
      for (const p of this.#pending.values()) {
        clearTimeout(p.timer);
        p.reject(this.#exited);
      }
      this.#pending.clear();
    });
  }

  /** Starts the process for `CLIENTS[index]`, measuring the sessio at `sessioUrl`. */
  static start(index: number, sessioUrl: string, label?: string): ClientWorker {
    const file = fileURLToPath(import.meta.url);
    const child = fork(file, [String(index), sessioUrl], { execArgv: TS_CHILD_ARGV, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new ClientWorker(child, label);
  }

  async #call(cmd: Command): Promise<Reply & { ok: true }> {
    if (this.#exited) throw this.#exited;
    const id = ++this.#next;
    const reply = await new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`bench client process did not answer ${cmd.type} in time`));
      }, CALL_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      this.#child.send({ id, ...cmd });
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply;
  }

  /** Makes the client for a case and primes its jar; resolves with the client's name. */
  async setup(caseId: string, target: Target): Promise<string> {
    const { name } = await this.#call({ type: 'setup', caseId, target });
    return this.#label ?? name!;
  }

  async run(count: number, inFlight: number, maxMs: number): Promise<Sample> {
    return (await this.#call({ type: 'run', count, inFlight, maxMs })).sample!;
  }

  async teardown(): Promise<void> {
    if (!this.#exited) await this.#call({ type: 'teardown' });
  }

  /** Ends the process (closing the IPC channel lets it exit on its own). */
  close(): Promise<void> {
    if (this.#exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
      this.#child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.#child.disconnect();
    });
  }
}

async function serve(): Promise<void> {
  const [indexArg, sessioUrl] = process.argv.slice(2);
  const { CLIENTS } = await import('./clients.js');
  const { HTTP_CASES } = await import('./http-cases.js');
  const { measure } = await import('./measure.js');
  const make = CLIENTS[Number(indexArg)];
  if (!make || !sessioUrl) throw new Error('usage: client-worker <client index> <sessio module URL>');
  const sessio = (await import(sessioUrl)) as SessioModule;
  let client: BenchClient | undefined;
  let op: ((c: BenchClient) => Promise<void>) | undefined;
  const handle = async (cmd: Command): Promise<Omit<Reply & { ok: true }, 'id'>> => {
    if (cmd.type === 'setup') {
      await client?.close();
      const spec = HTTP_CASES.find((c) => c.id === cmd.caseId);
      if (!spec) throw new Error(`unknown case ${cmd.caseId}`);
      client = make(cmd.target, sessio);
      op = spec.op;
      await client.get('/prime'); // two cookies into the jar
      return { ok: true, name: client.name };
    }
    if (cmd.type === 'run') {
      if (!client || !op) throw new Error('run before setup');
      const c = client;
      const run = op;
      // Alone in this process: its garbage is its own cost, and a forced GC per repetition is not.
      return { ok: true, sample: await measure(() => run(c), cmd.count, cmd.inFlight, cmd.maxMs, false) };
    }
    await client?.close();
    client = undefined;
    return { ok: true };
  };
  // The parent may be gone by the time an answer is ready (it stopped on another client's failure).
  const answer = (reply: Reply) => {
    if (process.connected) process.send!(reply, (err: Error | null) => void err);
  };
  process.on('message', (m: Command & { id: number }) => {
    handle(m).then(
      (r) => answer({ id: m.id, ...r }),
      (err: unknown) => answer({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  process.once('disconnect', () => {
    void client?.close().finally(() => process.exit(0));
    if (!client) process.exit(0);
  });
}

if (process.send && process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  serve().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
