/**
 * Debian's nginx with TLS and HTTP/2 on 127.0.0.1, from a temporary config: static locations for
 * what nginx answers itself (many Set-Cookie headers, the Cookie header it received, the protocol),
 * and the rest proxied to a Node HTTP/1.1 backend, so tests can see what arrived over h2.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stopChild } from './child.js';
import { testPki } from './tls.js';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
export const SET_COOKIE_COUNT = 24;

/** The nginx binary, or undefined when it is not installed (scripts/test.sh installs it). */
export function nginxBinary(): string | undefined {
  return ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
}

/** nginx 1.25.1 turned `listen … http2` into the `http2 on;` directive. */
function http2Directives(binary: string): { listen: string; directive: string } {
  const run = spawnSync(binary, ['-v'], { encoding: 'utf8', timeout: START_TIMEOUT_MS });
  const m = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${run.stdout}${run.stderr}`);
  const v = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  const modern = v[0]! > 1 || v[1]! > 25 || (v[1] === 25 && v[2]! >= 1);
  return modern ? { listen: 'ssl', directive: 'http2 on;' } : { listen: 'ssl http2', directive: '' };
}

export interface RunningNginx {
  /** `https://127.0.0.1:PORT`, with a certificate signed by {@link testPki}'s CA. */
  origin: string;
  ca: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function config(dir: string, port: number, backendPort: number, keepaliveRequests: number, h2: { listen: string; directive: string }): string {
  const cookies = Array.from({ length: SET_COOKIE_COUNT }, (_, i) => `      add_header Set-Cookie "c${i}=v${i}; Path=/; Secure";`).join('\n');
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} ${h2.listen};
    ${h2.directive}
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    keepalive_requests ${keepaliveRequests};
    location = /many-cookies {
${cookies}
      return 200 "ok";
    }
    location = /seen {
      default_type text/plain;
      return 200 "cookie=$http_cookie|protocol=$server_protocol";
    }
    location / {
      proxy_pass http://127.0.0.1:${backendPort};
      proxy_set_header X-Protocol $server_protocol;
      proxy_set_header Host $http_host;
    }
  }
}
`;
}

/** Starts nginx in front of `backendPort`; `keepaliveRequests` makes it send GOAWAY after that many streams. */
export async function startNginx(backendPort: number, options: { keepaliveRequests?: number } = {}): Promise<RunningNginx> {
  const binary = nginxBinary();
  if (!binary) throw new Error('nginx is not installed (Debian: apt-get install -y nginx)');
  const pki = await testPki();
  const dir = await mkdtemp(path.join(tmpdir(), 'sessio-nginx-'));
  await writeFile(path.join(dir, 'cert.pem'), pki.serverCert, { mode: 0o600 });
  await writeFile(path.join(dir, 'key.pem'), pki.serverKey, { mode: 0o600 });
  const port = await freePort();
  await writeFile(path.join(dir, 'nginx.conf'), config(dir, port, backendPort, options.keepaliveRequests ?? 1000, http2Directives(binary)));
  const child = spawn(binary, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitForPort(port, child, () => output);
  return {
    origin: `https://127.0.0.1:${port}`,
    ca: pki.ca,
    stop: async () => {
      await stopChild(child, 'SIGQUIT', STOP_TIMEOUT_MS); // nginx's graceful shutdown
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${output()}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`nginx did not listen on ${port} within ${START_TIMEOUT_MS} ms: ${output()}`);
}

