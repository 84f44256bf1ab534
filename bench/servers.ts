/** Starts bench/server.ts in a child process and hands back the origins and the CA that signed its certificate. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testPki } from '../test/helpers/tls.js';
import { TS_CHILD_ARGV } from './child-argv.js';
import type { ServerPorts } from './server.js';

/** The running bench servers. */
export interface BenchServers {
  httpOrigin: string;
  httpsOrigin: string;
  /** PEM of the CA that signed the HTTPS server's certificate. */
  ca: string;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

export async function startServers(): Promise<BenchServers> {
  const pki = await testPki();
  const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], {
    execArgv: TS_CHILD_ARGV,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ports = await new Promise<ServerPorts>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench server did not start in time')), START_TIMEOUT_MS);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as ServerPorts);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench server exited with code ${code}`));
    });
    child.send({ key: pki.serverKey, cert: pki.serverCert });
  });
  return {
    httpOrigin: `http://127.0.0.1:${ports.httpPort}`,
    httpsOrigin: `https://127.0.0.1:${ports.httpsPort}`,
    ca: pki.ca,
    close: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.disconnect();
  });
}
