/**
 * Starts Debian's redis-server on ephemeral 127.0.0.1 ports for the shared-session tests: one server,
 * or a 3-master Redis Cluster (redis-cli --cluster create). No persistence, temporary folders only.
 * `hasRedis` is false when redis-server is missing (scripts/test.sh installs it): tests skip, saying so.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from './child.js';

export const hasRedis = spawnSync('redis-server', ['--version']).status === 0 && spawnSync('redis-cli', ['--version']).status === 0;
if (!hasRedis) console.warn('redis-server/redis-cli not found: the shared-session (Redis) tests are skipped. Install Debian\'s redis-server (npm test does).');

export interface RedisServer {
  url: string;
  port: number;
  /** Stops it (SIGTERM), keeping the port for {@link RedisServer.start}. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (a restart without persistence). */
  start(): Promise<void>;
  /** Sends a command with redis-cli; returns its output. */
  cli(...args: string[]): string;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${child.exitCode}`);
    if (spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING']).stdout?.toString().trim() === 'PONG') return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server on ${port} did not answer PING in 5 s`);
}

function launch(port: number, dir: string, extra: string[]): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra], { stdio: 'ignore' });
}

const STOP_GRACE_MS = 3_000;

async function stopServer(child: ChildProcess | undefined): Promise<void> {
  if (child) await stopChild(child, 'SIGTERM', STOP_GRACE_MS);
}

export async function startRedis(extra: string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'sessio-redis-'));
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = launch(port, dir, extra);
      await waitForPing(port, child);
    },
    async stop() {
      await stopServer(child);
    },
    cli: (...args) => spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]).stdout.toString().trim(),
    async close() {
      await stopServer(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

export interface RedisCluster {
  urls: string[];
  close(): Promise<void>;
}

/** Three masters, no replicas, on loopback; resolves once every slot is served. */
export async function startCluster(): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'sessio-cluster-'));
  const nodes: { port: number; child: ChildProcess }[] = [];
  // The cluster bus listens on port + 10000: keep both in range.
  while (nodes.length < 3) {
    const port = await freePort();
    if (port > 55_000) continue;
    const nodeDir = join(dir, String(port));
    await import('node:fs/promises').then((fs) => fs.mkdir(nodeDir));
    const child = launch(port, nodeDir, ['--cluster-enabled', 'yes', '--cluster-config-file', join(nodeDir, 'nodes.conf'), '--cluster-node-timeout', '2000']);
    nodes.push({ port, child });
  }
  const close = async () => {
    await Promise.all(nodes.map((n) => stopServer(n.child)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const n of nodes) await waitForPing(n.port, n.child);
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stderr.toString()}${create.stdout.toString()}`);
    for (let i = 0; i < 200; i++) {
      const info = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(nodes[0]!.port), 'CLUSTER', 'INFO']).stdout.toString();
      if (info.includes('cluster_state:ok')) return { urls: nodes.map((n) => `redis://127.0.0.1:${n.port}`), close };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the cluster did not reach cluster_state:ok in 10 s');
  } catch (err) {
    await close();
    throw err;
  }
}
