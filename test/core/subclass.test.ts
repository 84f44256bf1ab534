import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session, type Stage } from '../../src/index.js';
import { startHttpServer, type TestServer } from '../helpers/tls.js';

let server: TestServer<http.Server>;
beforeAll(async () => {
  server = await startHttpServer((req, res) => void res.end(String(req.headers['x-tenant'] ?? '')));
});
afterAll(() => server.close());

/** A subclass adds a stage that uses its own field: the pipeline must be built after the field exists. */
class TenantSession extends Session {
  readonly tenant: string;
  constructor(tenant: string) {
    super({ baseUrl: server.url });
    this.tenant = tenant;
  }

  protected override stages(): Stage[] {
    const tag: Stage = (req, next) => {
      req.headers['x-tenant'] = this.tenant;
      return next(req);
    };
    return [tag, ...super.stages()];
  }
}

describe('Session subclasses', () => {
  it('an overridden stages() sees the subclass fields (the pipeline is built at the first request)', async () => {
    await using s = new TenantSession('acme');
    expect(await (await s.get('/')).text()).toBe('acme');
    expect(await (await s.get('/')).text()).toBe('acme');
  });
});
