/**
 * Real forward proxies (Debian's tinyproxy and squid) for tests.
 *
 * Each call starts its own proxy process in the foreground, on 127.0.0.1 with
 * its own port, config and temp dir, so parallel test files never share one.
 * Both require Basic proxy auth unless `auth: false` is given.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const APT_TIMEOUT_MS = 600_000;
const APT_LOCK_FILE = path.join(tmpdir(), 'sessio-test-apt.lock');
const START_ATTEMPTS = 3;
const OUTPUT_LIMIT = 16_384;
// Config files are line/space-separated, so credentials are kept to characters that need no quoting.
const SAFE_CREDENTIAL = /^[A-Za-z0-9._~+=@!$*-]+$/;

/** Options for {@link startTinyproxy} and {@link startSquid}. */
export interface ProxyOptions {
  /** Proxy user for Basic auth. Default `sessio`. */
  user?: string;
  /** Proxy password for Basic auth. Default `proxy-secret`. */
  password?: string;
  /** Require Basic proxy auth. Default `true`. */
  auth?: boolean;
}

/** A running proxy process. */
export interface RunningProxy {
  /** `http://127.0.0.1:PORT`, without credentials. */
  url: string;
  port: number;
  user: string;
  password: string;
  /** Value for a `Proxy-Authorization` header (undici ProxyAgent `token`). */
  proxyAuthorization: string;
  /** Terminates the process (SIGTERM, then SIGKILL), waits for its exit, removes its temp dir. */
  stop(): Promise<void>;
}

/** The proxy could not be installed or did not start; `output` is the process's own log tail. */
export class ProxyStartError extends Error {
  constructor(message: string, readonly output = '') {
    super(output ? `${message}\n--- proxy output ---\n${output}` : message);
    this.name = 'ProxyStartError';
  }
}

/** `Basic base64(user:password)`. */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Starts tinyproxy (`tinyproxy -d`). It answers bad proxy credentials with 401, not 407. */
export async function startTinyproxy(opts: ProxyOptions = {}): Promise<RunningProxy> {
  const creds = credentials(opts);
  const binary = await ensureInstalled('tinyproxy', 'tinyproxy');
  return startWithRetries('tinyproxy', async (port) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sessio-tinyproxy-'));
    const config = path.join(dir, 'tinyproxy.conf');
    await writeFile(config, tinyproxyConfig(port, dir, creds));
    return { dir, command: binary, args: ['-d', '-c', config], ready: /Accepting connections/ };
  }, creds);
}

/** Starts squid (`squid -N`). It answers bad proxy credentials with 407. */
export async function startSquid(opts: ProxyOptions = {}): Promise<RunningProxy> {
  const creds = credentials(opts);
  const binary = await ensureInstalled('squid', 'squid');
  const authHelper = creds.auth ? findFile(SQUID_AUTH_HELPERS) : undefined;
  if (creds.auth && !authHelper) {
    throw new ProxyStartError(`squid's basic_ncsa_auth helper not found in ${SQUID_AUTH_HELPERS.join(', ')}`);
  }
  return startWithRetries('squid', async (port) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sessio-squid-'));
    const passwordFile = path.join(dir, 'passwd');
    if (creds.auth) await writeFile(passwordFile, `${creds.user}:${await apr1Hash(creds.password)}\n`);
    const runAs = await squidRunAsUser();
    const config = path.join(dir, 'squid.conf');
    await writeFile(config, squidConfig(port, dir, runAs?.name, creds.auth ? `${authHelper} ${passwordFile}` : undefined));
    if (runAs) await giveDirTo(dir, runAs);
    // A unique service name keeps each instance's shared-memory segments (/dev/shm/NAME-*) apart.
    const serviceName = `sessio${process.pid}n${++squidCount}`;
    return {
      dir,
      command: binary,
      args: ['-N', '-d', '1', '-n', serviceName, '-f', config],
      ready: new RegExp(`Accepting HTTP Socket connections at .*local=127\\.0\\.0\\.1:${port}\\b`),
    };
  }, creds);
}

// ---------------------------------------------------------------- configs

interface Credentials {
  user: string;
  password: string;
  auth: boolean;
}

function credentials(opts: ProxyOptions): Credentials {
  const user = opts.user ?? 'sessio';
  const password = opts.password ?? 'proxy-secret';
  if (!SAFE_CREDENTIAL.test(user) || !SAFE_CREDENTIAL.test(password)) {
    throw new ProxyStartError(`proxy user and password must match ${SAFE_CREDENTIAL} (they go into config files)`);
  }
  return { user, password, auth: opts.auth ?? true };
}

function tinyproxyConfig(port: number, dir: string, creds: Credentials): string {
  return [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 60',
    'MaxClients 100',
    'LogLevel Info',
    `PidFile "${path.join(dir, 'tinyproxy.pid')}"`,
    // No ConnectPort line at all: tinyproxy then allows CONNECT to every port,
    // which tests need because their TLS servers sit on ephemeral ports.
    ...(creds.auth ? [`BasicAuth ${creds.user} ${creds.password}`] : []),
    '',
  ].join('\n');
}

const SQUID_AUTH_HELPERS = [
  '/usr/lib/squid/basic_ncsa_auth',
  '/usr/lib64/squid/basic_ncsa_auth',
  '/usr/libexec/squid/basic_ncsa_auth',
];

let squidCount = 0;

function squidConfig(port: number, dir: string, effectiveUser: string | undefined, authProgram: string | undefined): string {
  return [
    `http_port 127.0.0.1:${port}`,
    `pid_filename ${path.join(dir, 'squid.pid')}`,
    `cache_log ${path.join(dir, 'cache.log')}`,
    `coredump_dir ${dir}`,
    'access_log none',
    'cache_store_log none',
    'cache deny all',
    'cache_mem 8 MB',
    'max_filedescriptors 1024',
    'visible_hostname sessio-test-proxy',
    // Stray name lookups stay on loopback; tests address origins by IP or /etc/hosts names.
    'dns_nameservers 127.0.0.1',
    'pinger_enable off',
    'icp_port 0',
    'htcp_port 0',
    // Default is 30 s of draining on SIGTERM; tests want a prompt exit.
    'shutdown_lifetime 0 seconds',
    ...(effectiveUser ? [`cache_effective_user ${effectiveUser}`] : []),
    // No SSL_ports/Safe_ports ACLs: CONNECT is allowed to any port, ephemeral ones included.
    ...(authProgram
      ? [
          `auth_param basic program ${authProgram}`,
          'auth_param basic children 2 startup=1 idle=1',
          'auth_param basic realm sessio-test',
          'acl authenticated proxy_auth REQUIRED',
          'http_access allow authenticated',
          'http_access deny all',
        ]
      : ['http_access allow all']),
    '',
  ].join('\n');
}

async function apr1Hash(password: string): Promise<string> {
  // Via stdin so the password never shows up in a process list.
  const child = spawn('openssl', ['passwd', '-apr1', '-stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const output = collectOutput(child);
  child.stdin?.end(`${password}\n`);
  const code = await waitForExit(child, 10_000);
  const hash = output.text().trim();
  if (code !== 0 || !hash.startsWith('$apr1$')) {
    throw new ProxyStartError('openssl passwd -apr1 failed (is the openssl command line installed?)');
  }
  return hash;
}

interface SystemUser {
  name: string;
  uid: number;
  gid: number;
}

/** Squid refuses to keep root privileges; as root it switches to this user, which must own its files. */
async function squidRunAsUser(): Promise<SystemUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8');
  for (const name of ['proxy', 'nobody']) {
    const fields = passwd.split('\n').find((line) => line.startsWith(`${name}:`))?.split(':');
    if (fields && fields[2] && fields[3]) return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  throw new ProxyStartError('running as root but neither a "proxy" nor a "nobody" user exists for squid to switch to');
}

async function giveDirTo(dir: string, user: SystemUser): Promise<void> {
  await chmod(dir, 0o700);
  await chown(dir, user.uid, user.gid);
  for (const entry of await readdir(dir)) await chown(path.join(dir, entry), user.uid, user.gid);
}

// ---------------------------------------------------------------- install

let aptUpdated: Promise<void> | undefined;

async function ensureInstalled(binary: string, pkg: string): Promise<string> {
  const found = findBinary(binary);
  if (found) return found;
  aptUpdated ??= runApt(['update', '-qq']);
  await aptUpdated;
  await runApt(['install', '-y', '--no-install-recommends', pkg]);
  const installed = findBinary(binary);
  if (!installed) throw new ProxyStartError(`${binary} still not found after apt-get install ${pkg}`);
  return installed;
}

async function runApt(args: string[]): Promise<void> {
  // flock serialises apt across parallel test processes, which would otherwise fail on dpkg's lock.
  const command = findBinary('flock') ? ['flock', '-w', String(APT_TIMEOUT_MS / 1000), APT_LOCK_FILE, 'apt-get'] : ['apt-get'];
  try {
    await execFileAsync(command[0]!, [...command.slice(1), ...args], {
      timeout: APT_TIMEOUT_MS,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new ProxyStartError(`apt-get ${args.join(' ')} failed (root and Debian's package lists are needed)`, tail(e.stderr ?? e.message));
  }
}

function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  return findFile(dirs.filter(Boolean).map((dir) => path.join(dir, name)));
}

function findFile(candidates: string[]): string | undefined {
  return candidates.find((file) => {
    try {
      accessSync(file, fsConstants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// ---------------------------------------------------------------- process lifecycle

interface LaunchPlan {
  dir: string;
  command: string;
  args: string[];
  /** Log line that says the listener is bound, so a port answered by someone else is not mistaken for ours. */
  ready: RegExp;
}

const PORT_TAKEN = /address already in use|cannot bind|unable to listen|could not create listening/i;

const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

async function startWithRetries(
  name: string,
  plan: (port: number) => Promise<LaunchPlan>,
  creds: Credentials,
): Promise<RunningProxy> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const launch = await plan(port);
    try {
      const stop = await launchAndWait(name, launch, port);
      return {
        url: `http://127.0.0.1:${port}`,
        port,
        user: creds.user,
        password: creds.password,
        proxyAuthorization: basicAuthorization(creds.user, creds.password),
        stop,
      };
    } catch (err) {
      await rm(launch.dir, { recursive: true, force: true });
      // The port is picked before the proxy binds it, so a parallel test may win the race: pick another.
      const portRace = err instanceof ProxyStartError && PORT_TAKEN.test(err.output);
      if (!portRace || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

async function launchAndWait(name: string, launch: LaunchPlan, port: number): Promise<() => Promise<void>> {
  const child = spawn(launch.command, launch.args, { cwd: launch.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  const output = collectOutput(child);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= terminate(child).finally(() => {
      liveChildren.delete(child);
      return rm(launch.dir, { recursive: true, force: true });
    });
    return stopping;
  };
  try {
    await waitUntilReady(child, output, launch.ready, port);
  } catch (err) {
    await terminate(child);
    liveChildren.delete(child);
    const reason = err instanceof Error ? err.message : String(err);
    throw new ProxyStartError(`${name} did not start on 127.0.0.1:${port}: ${reason}`, tail(output.text()));
  }
  return stop;
}

async function waitUntilReady(child: ChildProcess, output: OutputBuffer, ready: RegExp, port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `process exited early (code ${code}, signal ${signal})`;
  });
  child.once('error', (err) => {
    exited = `process failed to spawn: ${err.message}`;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    if (ready.test(output.text()) && (await acceptsConnections(port))) return;
    await sleep(50);
  }
  throw new Error(`not ready after ${START_TIMEOUT_MS} ms`);
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if ((await waitForExit(child, STOP_GRACE_MS)) !== undefined) return;
  child.kill('SIGKILL');
  await waitForExit(child, STOP_GRACE_MS);
}

/** Resolves with the exit code (null when killed by a signal), or undefined after `timeoutMs`. */
function waitForExit(child: ChildProcess, timeoutMs: number): Promise<number | null | undefined> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.once('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

interface OutputBuffer {
  text(): string;
}

function collectOutput(child: ChildProcess): OutputBuffer {
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return { text: () => text };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function tail(text: string): string {
  return text.length > 4_000 ? `…${text.slice(-4_000)}` : text;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
