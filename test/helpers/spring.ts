/**
 * Starts the Spring MVC + embedded Tomcat fixture (test/fixtures/spring): the real Spring Security 4.2.20 filter
 * chain from ../shared/spring-security, plus fixture filters for what only Spring Security 6 does.
 * Installs Debian's Spring/Tomcat/Jackson packages when their jars are missing, builds Spring Security with its
 * build.sh and compiles the fixture with javac into test/fixtures/spring/build/<hash>/ (both reused while their
 * sources are unchanged), and runs java on an ephemeral 127.0.0.1 port.
 */
import { execFile, spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** Start options; each maps to a `-Dsessio.NAME` system property of the Java fixture (see its README). */
export interface SpringOptions {
  /** Where the expected CSRF token lives: 'session' (X-CSRF-TOKEN) or 'cookie' (XSRF-TOKEN / X-XSRF-TOKEN). Default 'session'. */
  csrf?: 'session' | 'cookie';
  /** Which Spring Security generation the client sees: login page markup, deferred CSRF, `?continue`, Boot's error body. Default 5. */
  spring?: 4 | 5 | 6;
  /** How a sent CSRF token is resolved: 'plain', 'xor' (masked, Spring 6's default) or 'spa'. Default 'xor' with spring 6, else 'plain'. */
  csrfHandler?: 'plain' | 'xor' | 'spa';
  /** Where the session id travels: Tomcat's JSESSIONID, Spring Session's SESSION cookie, X-Auth-Token or Authentication-Info. Default 'tomcat'. */
  sessionStore?: 'tomcat' | 'cookie' | 'header' | 'authentication-info';
  /** `maximumSessions(N)` concurrent session control; 0 (default) means no limit. */
  maximumSessions?: number;
  /** bucket4j-style limit: this many /api/** requests per `rateLimitSeconds` window; 0 (default) means none. */
  rateLimit?: number;
  /** The rate limit window in seconds. Default 60. */
  rateLimitSeconds?: number;
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
/** The real Spring Security sources and their build script, next to the repository (not in a user's clone). */
export const SPRING_SECURITY_DIR = process.env.SESSIO_SPRING_SECURITY_DIR ?? join(FIXTURE_DIR, '..', '..', '..', '..', 'shared', 'spring-security');
/** Why the Spring tests cannot run here, or undefined when they can. */
export const springSkipReason: string | undefined = existsSync(join(SPRING_SECURITY_DIR, 'build.sh'))
  ? undefined
  : `Spring Security sources not found at ${SPRING_SECURITY_DIR} (set SESSIO_SPRING_SECURITY_DIR); Spring fixture tests skipped`;
if (springSkipReason) console.warn(`[sessio] ${springSkipReason}`);
const JAR_DIR = '/usr/share/java';
const DEBIAN_PACKAGES = ['libspring-web-servlet-java', 'libtomcat9-java', 'libjackson2-databind-java', 'libaopalliance-java', 'libbcprov-java'];
const JDK_PACKAGE = 'openjdk-17-jdk-headless';
const JARS = [
  'spring3-core', 'spring3-beans', 'spring3-context', 'spring3-expression', 'spring3-aop', 'spring3-web',
  'spring3-web.servlet', 'commons-logging', 'jackson-core', 'jackson-databind', 'jackson-annotations',
  'tomcat9-servlet-api', 'tomcat9-catalina', 'tomcat9-coyote', 'tomcat9-util', 'tomcat9-util-scan', 'tomcat9-juli',
  'tomcat9-api', 'tomcat9-annotations-api', 'tomcat9-jaspic-api', 'tomcat9-el-api', 'tomcat9-jsp-api', 'aopalliance', 'bcprov',
].map((name) => join(JAR_DIR, `${name}.jar`));
const READY_PREFIX = 'SESSIO_SPRING_READY port=';
const STDERR_KEEP = 16_384;
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const COMPILE_TIMEOUT_MS = 3 * 60_000;
const STOP_TIMEOUT_MS = 5_000;

let prepared: Promise<string[]> | undefined;

/** Starts a fixture server; resolves once it accepts requests. */
export async function startSpring(opts: SpringOptions = {}): Promise<SpringServer> {
  if (springSkipReason) throw new SpringFixtureError(springSkipReason);
  prepared ??= prepare();
  let classpath: string[];
  try {
    classpath = await prepared;
  } catch (error) {
    prepared = undefined;
    throw error;
  }
  const tempDir = await mkdtemp(join(tmpdir(), 'sessio-spring-'));
  try {
    return await launch(classpath, tempDir, opts);
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
}

/** The runtime classpath: compiled fixture, Spring Security jar, Debian jars. */
async function prepare(): Promise<string[]> {
  await ensureToolchain();
  const securityJar = await buildSpringSecurity();
  return [await compile(securityJar), securityJar, ...JARS];
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

/**
 * Builds into build/<name>-<content hash>/; a finished folder is reused, and parallel builds (test files run in
 * several processes) race only to a rename.
 */
async function buildOnce(name: string, inputs: string[], build: (staging: string) => Promise<void>): Promise<string> {
  const hash = createHash('sha256');
  for (const file of inputs) hash.update(file).update('\0').update(await readFile(file)).update('\0');
  const target = join(BUILD_DIR, `${name}-${hash.digest('hex').slice(0, 16)}`);
  const marker = join(target, '.complete');
  if (existsSync(marker)) return target;
  await mkdir(BUILD_DIR, { recursive: true });
  const staging = join(BUILD_DIR, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(staging, { recursive: true });
    await build(staging);
    await writeFile(join(staging, '.complete'), new Date().toISOString());
    await rename(staging, target);
  } catch (error) {
    if (!existsSync(marker)) throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return target;
}

/** Runs ../shared/spring-security/build.sh (unmodified upstream sources); returns the jar's path. */
async function buildSpringSecurity(): Promise<string> {
  const inputs = [join(SPRING_SECURITY_DIR, 'build.sh'), join(SPRING_SECURITY_DIR, 'vendor', 'UPSTREAM.txt')];
  let jarName = '';
  const dir = await buildOnce('spring-security', inputs, async (staging) => {
    const { stdout } = await run('bash', [inputs[0]!, staging], COMPILE_TIMEOUT_MS);
    jarName = stdout.split('\n')[0]?.trim().split('/').pop() ?? '';
  });
  const jar = (await readdir(dir)).find((file) => file.startsWith('spring-security-') && file.endsWith('.jar')) ?? jarName;
  if (!jar) throw new SpringFixtureError(`build.sh left no spring-security jar in ${dir}`);
  return join(dir, jar);
}

async function compile(securityJar: string): Promise<string> {
  const sources = await javaSources(SOURCE_DIR);
  if (sources.length === 0) throw new SpringFixtureError(`no Java sources under ${SOURCE_DIR}`);
  const classpath = [securityJar, ...JARS].join(':');
  return buildOnce('fixture', [securityJar, ...sources], async (staging) => {
    await run(javaTool('javac'), ['--release', '17', '-nowarn', '-encoding', 'UTF-8', '-cp', classpath, '-d', staging, ...sources], COMPILE_TIMEOUT_MS);
  });
}

function systemProperties(opts: SpringOptions, tempDir: string): string[] {
  const props: Record<string, string | number | undefined> = {
    'java.io.tmpdir': tempDir,
    'sessio.host': '127.0.0.1',
    'sessio.port': 0,
    'sessio.exitOnStdinEof': 'true',
    'sessio.csrf': opts.csrf,
    'sessio.spring': opts.spring,
    'sessio.csrfHandler': opts.csrfHandler,
    'sessio.sessionStore': opts.sessionStore,
    'sessio.maximumSessions': opts.maximumSessions,
    'sessio.rateLimit': opts.rateLimit,
    'sessio.rateLimitSeconds': opts.rateLimitSeconds,
    'sessio.sessionTimeoutSeconds': opts.sessionTimeoutSeconds,
    'sessio.accessTokenSeconds': opts.accessTokenSeconds,
    'sessio.refreshTokenSeconds': opts.refreshTokenSeconds,
    'sessio.digestNonceSeconds': opts.digestNonceSeconds,
  };
  return Object.entries(props).filter(([, value]) => value !== undefined).map(([name, value]) => `-D${name}=${value}`);
}

type JavaProcess = ChildProcessByStdio<Writable, Readable, Readable>;

async function launch(classpath: string[], tempDir: string, opts: SpringOptions): Promise<SpringServer> {
  const args = [
    '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss512k', '-Xmx256m',
    ...systemProperties(opts, tempDir),
    '-cp', classpath.join(':'),
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
