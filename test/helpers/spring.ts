/**
 * Starts the Spring MVC + embedded Tomcat fixture (test/fixtures/spring) for stateful-login tests.
 * Installs Debian's Spring/Tomcat/Jackson packages when their jars are missing, compiles the Java sources
 * with javac into test/fixtures/spring/build/<hash>/ (reused while the sources are unchanged) and runs java
 * on an ephemeral 127.0.0.1 port.
 */
import { execFile, spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** Start options; each maps to a `-Dsessio.NAME` system property of the Java fixture. */
export interface SpringOptions {
  /** Where the expected CSRF token lives: 'session' (X-CSRF-TOKEN) or 'cookie' (XSRF-TOKEN / X-XSRF-TOKEN). Default 'session'. */
  csrf?: 'session' | 'cookie';
  /** HTTP session idle timeout in seconds. Default 1800. */
  sessionTimeoutSeconds?: number;
  /** JWT access token lifetime in seconds. Default 300. */
  accessTokenSeconds?: number;
  /** Refresh token lifetime in seconds. Default 86400. */
  refreshTokenSeconds?: number;
  /** Digest nonce lifetime in seconds. Default 300. */
  digestNonceSeconds?: number;
  /** How long to wait for the server to be ready, in milliseconds. Default 30000. */
  readyTimeoutMs?: number;
}

/** A running fixture server. */
export interface SpringServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** Stops the JVM and removes its temporary folder; safe to call twice. */
  stop(): Promise<void>;
}

/** The fixture could not be installed, compiled or started. */
export class SpringFixtureError extends Error {
  override readonly name = 'SpringFixtureError';
}

const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'spring');
const SOURCE_DIR = join(FIXTURE_DIR, 'src');
const BUILD_DIR = join(FIXTURE_DIR, 'build');
const JAR_DIR = '/usr/share/java';
const DEBIAN_PACKAGES = ['libspring-web-servlet-java', 'libtomcat9-java', 'libjackson2-databind-java'];
const JDK_PACKAGE = 'openjdk-17-jdk-headless';
const JARS = [
  'spring3-core', 'spring3-beans', 'spring3-context', 'spring3-expression', 'spring3-aop', 'spring3-web',
  'spring3-web.servlet', 'commons-logging', 'jackson-core', 'jackson-databind', 'jackson-annotations',
  'tomcat9-servlet-api', 'tomcat9-catalina', 'tomcat9-coyote', 'tomcat9-util', 'tomcat9-util-scan', 'tomcat9-juli',
  'tomcat9-api', 'tomcat9-annotations-api', 'tomcat9-jaspic-api', 'tomcat9-el-api', 'tomcat9-jsp-api',
].map((name) => join(JAR_DIR, `${name}.jar`));
const READY_PREFIX = 'SESSIO_SPRING_READY port=';
const STDERR_KEEP = 16_384;
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const COMPILE_TIMEOUT_MS = 3 * 60_000;
const STOP_TIMEOUT_MS = 5_000;

let prepared: Promise<string> | undefined;

/** Starts a fixture server; resolves once it accepts requests. */
export async function startSpring(opts: SpringOptions = {}): Promise<SpringServer> {
  prepared ??= prepare();
  let classesDir: string;
  try {
    classesDir = await prepared;
  } catch (error) {
    prepared = undefined;
    throw error;
  }
  const tempDir = await mkdtemp(join(tmpdir(), 'sessio-spring-'));
  try {
    return await launch(classesDir, tempDir, opts);
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
}

async function prepare(): Promise<string> {
  await ensureToolchain();
  return compile();
}

function run(command: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
      (error, stdout, stderr) => {
        if (error) reject(new SpringFixtureError(`${command} ${args.join(' ')} failed: ${error.message}\n${tail(stderr)}`));
        else resolve({ stdout, stderr });
      });
  });
}

function hasJavac(): boolean {
  return spawnSync(javaTool('javac'), ['-version'], { stdio: 'ignore' }).status === 0;
}

async function ensureToolchain(): Promise<void> {
  const missingJars = JARS.filter((jar) => !existsSync(jar));
  const needJdk = !hasJavac();
  if (missingJars.length === 0 && !needJdk) return;
  const packages = [...(missingJars.length > 0 ? DEBIAN_PACKAGES : []), ...(needJdk ? [JDK_PACKAGE] : [])];
  if (process.getuid?.() !== 0) {
    throw new SpringFixtureError(`Spring fixture needs Debian packages; run as root: apt-get install -y --no-install-recommends ${packages.join(' ')}`);
  }
  // Another process may hold the dpkg lock (parallel test files, other installs); wait for it instead of failing.
  const lockWait = ['-o', 'DPkg::Lock::Timeout=600'];
  await run('apt-get', [...lockWait, 'update', '-qq'], INSTALL_TIMEOUT_MS);
  await run('apt-get', [...lockWait, 'install', '-y', '-qq', '--no-install-recommends', ...packages], INSTALL_TIMEOUT_MS);
  const stillMissing = JARS.filter((jar) => !existsSync(jar));
  if (stillMissing.length > 0) throw new SpringFixtureError(`jars still missing after apt-get install: ${stillMissing.join(', ')}`);
}

function javaTool(name: 'java' | 'javac'): string {
  const home = process.env.JAVA_HOME;
  return home ? join(home, 'bin', name) : name;
}

async function javaSources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.java'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Compiles into build/<content hash>/; a finished folder is reused, and parallel compiles race only to a rename. */
async function compile(): Promise<string> {
  const sources = await javaSources(SOURCE_DIR);
  if (sources.length === 0) throw new SpringFixtureError(`no Java sources under ${SOURCE_DIR}`);
  const hash = createHash('sha256');
  hash.update(JARS.join(':'));
  for (const file of sources) hash.update(relative(SOURCE_DIR, file)).update('\0').update(await readFile(file)).update('\0');
  const target = join(BUILD_DIR, hash.digest('hex').slice(0, 16));
  const marker = join(target, '.complete');
  if (existsSync(marker)) return target;
  await mkdir(BUILD_DIR, { recursive: true });
  const staging = join(BUILD_DIR, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(staging, { recursive: true });
    await run(javaTool('javac'), ['--release', '17', '-nowarn', '-encoding', 'UTF-8', '-cp', JARS.join(':'), '-d', staging, ...sources], COMPILE_TIMEOUT_MS);
    await writeFile(join(staging, '.complete'), new Date().toISOString());
    await rename(staging, target);
  } catch (error) {
    if (!existsSync(marker)) throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return target;
}

function systemProperties(opts: SpringOptions, tempDir: string): string[] {
  const props: Record<string, string | number | undefined> = {
    'java.io.tmpdir': tempDir,
    'sessio.host': '127.0.0.1',
    'sessio.port': 0,
    'sessio.exitOnStdinEof': 'true',
    'sessio.csrf': opts.csrf,
    'sessio.sessionTimeoutSeconds': opts.sessionTimeoutSeconds,
    'sessio.accessTokenSeconds': opts.accessTokenSeconds,
    'sessio.refreshTokenSeconds': opts.refreshTokenSeconds,
    'sessio.digestNonceSeconds': opts.digestNonceSeconds,
  };
  return Object.entries(props).filter(([, value]) => value !== undefined).map(([name, value]) => `-D${name}=${value}`);
}

type JavaProcess = ChildProcessByStdio<Writable, Readable, Readable>;

async function launch(classesDir: string, tempDir: string, opts: SpringOptions): Promise<SpringServer> {
  const args = [
    '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss512k', '-Xmx256m',
    ...systemProperties(opts, tempDir),
    '-cp', [classesDir, ...JARS].join(':'),
    'sessio.fixture.Main',
  ];
  const child: JavaProcess = spawn(javaTool('java'), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  // Keep draining stderr for the server's whole life so a chatty JVM never blocks on a full pipe.
  child.stderr.on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-STDERR_KEEP); });
  child.stdin.on('error', () => { /* the JVM exiting first closes the pipe; nothing to do */ });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let port: number;
  try {
    port = await readyPort(child, opts.readyTimeoutMs ?? 30_000, () => stderr);
  } catch (error) {
    await kill(child, exited);
    throw error;
  }
  child.stdout.resume();
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () => {
      stopping ??= kill(child, exited).then(() => rm(tempDir, { recursive: true, force: true }));
      return stopping;
    },
  };
}

function readyPort(child: JavaProcess, timeoutMs: number, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const fail = (why: string): void => {
      cleanup();
      reject(new SpringFixtureError(`Spring fixture ${why}\n--- server stderr ---\n${tail(stderr())}`));
    };
    const onData = (chunk: string): void => {
      buffered += chunk;
      const line = buffered.split('\n').find((l) => l.startsWith(READY_PREFIX));
      if (line === undefined) {
        buffered = buffered.slice(-4096);
        return;
      }
      const port = Number(line.slice(READY_PREFIX.length).trim());
      cleanup();
      if (Number.isInteger(port) && port > 0) resolve(port);
      else reject(new SpringFixtureError(`Spring fixture printed a bad ready line: ${line}`));
    };
    const onClose = (code: number | null, signal: string | null): void => fail(`exited before it was ready (code ${code}, signal ${signal})`);
    const onError = (error: Error): void => fail(`could not be started: ${error.message}`);
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('close', onClose);
      child.off('error', onError);
    }
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.once('close', onClose);
    child.once('error', onError);
  });
}

async function kill(child: JavaProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function tail(text: string): string {
  return text.length > 4000 ? `...${text.slice(-4000)}` : text;
}
