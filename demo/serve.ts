/**
 * `npm run demo:server`: the bundled demo server alone, to play with from the library or the CLI.
 * It listens on 127.0.0.1:8080 (the README's examples use that address), or on $PORT; when the port
 * is taken it takes a free one and says so. Ctrl-C stops it.
 */
import { startDemoServer, type DemoServer } from './server.js';

const wanted = Number(process.env.PORT ?? 8080);
let server: DemoServer;
try {
  server = await startDemoServer(wanted);
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
  server = await startDemoServer(0);
  console.error(`port ${wanted} is taken; using ${server.port} instead (set PORT to choose)`);
}
console.log(server.url);
console.error('users: alice / secret. Pages: /login, /api/me, /api/items (POST needs the CSRF token), /logout. Ctrl-C stops.');
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
