import type http from 'node:http';
import { startHttpServer, type TestServer } from '../../helpers/tls.js';

/** What the echo server saw. */
export interface Echo {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A test server: `/echo` answers the request as JSON; `/set?name=v` sets a cookie; `/status/N`
 * answers N; `/redirect` 302s to /echo; `/bytes` sends every byte value; `/slow` never answers;
 * `/file` sends 256 KiB in chunks with Content-Length and a Content-Disposition filename.
 */
export function startEchoServer(): Promise<TestServer<http.Server>> {
  return startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (url.pathname === '/slow') return; // never answers; the client's timeout must end it
    if (url.pathname === '/set') {
      res.setHeader('set-cookie', [...url.searchParams].map(([k, v]) => `${k}=${v}; Path=/; HttpOnly`));
    }
    const status = /^\/status\/(\d{3})$/.exec(url.pathname);
    if (status) {
      res.writeHead(Number(status[1]), { 'content-type': 'application/json' }).end(JSON.stringify({ status: Number(status[1]) }));
      return;
    }
    if (url.pathname === '/redirect') return void res.writeHead(302, { location: '/echo?from=redirect' }).end();
    if (url.pathname === '/bytes') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([...Array(256).keys()]));
      return;
    }
    if (url.pathname === '/file') {
      const size = 256 * 1024;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size), 'content-disposition': 'attachment; filename="report.bin"' });
      for (let i = 0; i < 16; i++) res.write(Buffer.alloc(size / 16, i));
      res.end();
      return;
    }
    const echo: Echo = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(echo));
  });
}
