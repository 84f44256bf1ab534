/**
 * An auth server and an API on two origins, for `sessio login jwt|client-credentials|password-grant`:
 * - auth: POST /auth/token (JSON {username, password}) and /auth/email-token (JSON {email, password},
 *   token at data.token), POST /auth/refresh (JSON {refresh_token}, one use each), POST /oauth/token
 *   (RFC 6749 form: client_credentials, password, refresh_token; confidential client app:s3cret by
 *   Basic or form fields, public client cli);
 * - both: GET /api/me answers who the Bearer token belongs to, 401 with WWW-Authenticate otherwise.
 * `expire()` forgets every access token (as a server-side expiry would); `revokeRefresh()` every refresh token.
 */
import { randomToken, startApp, type App, type AppReply, type AppRequest } from '../../auth/fixtures/app.js';

export const CLIENT = { id: 'app', secret: 's3cret', publicId: 'cli' };
export const USER = { name: 'alice', password: 'hunter2' };

export interface TokenServers {
  auth: App;
  api: App;
  stats: { logins: number; refreshes: number; grants: Record<string, number>; refused: number };
  /** Form fields of every /oauth/token request, and its Authorization header. */
  tokenRequests: { form: Record<string, string>; authorization: string | undefined }[];
  expire(): void;
  revokeRefresh(): void;
  close(): Promise<void>;
}

function jwt(sub: string): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub, exp: Math.floor(Date.now() / 1000) + 3600, jti: randomToken() })}.sig`;
}

export async function startTokenServers(): Promise<TokenServers> {
  const stats = { logins: 0, refreshes: 0, grants: {} as Record<string, number>, refused: 0 };
  const tokenRequests: TokenServers['tokenRequests'] = [];
  const access = new Map<string, { who: string; scope?: string }>();
  const refresh = new Map<string, { who: string; scope?: string }>();
  const issue = (who: string, scope?: string) => {
    const a = jwt(who);
    const r = randomToken();
    access.set(a, { who, ...(scope && { scope }) });
    refresh.set(r, { who, ...(scope && { scope }) });
    return { access: a, refresh: r };
  };
  const refuse = (status: number, json: unknown): AppReply => {
    stats.refused++;
    return { status, json };
  };
  const api = (req: AppRequest): AppReply => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const holder = bearer === undefined ? undefined : access.get(bearer);
    if (!holder) return { status: 401, headers: { 'www-authenticate': 'Bearer realm="api"' }, json: { error: 'unauthorized' } };
    if (req.path === '/api/me') return { json: holder };
    return { status: 404, json: { error: 'not found' } };
  };
  const oauth = (req: AppRequest): AppReply => {
    const form = Object.fromEntries(new URLSearchParams(req.body));
    tokenRequests.push({ form, authorization: req.headers.authorization });
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [form.client_id, form.client_secret];
    const confidential = id === CLIENT.id && secret === CLIENT.secret;
    if (!confidential && !(id === CLIENT.publicId && secret === undefined)) return refuse(401, { error: 'invalid_client', error_description: 'Bad client credentials' });
    const grant = form.grant_type ?? '';
    stats.grants[grant] = (stats.grants[grant] ?? 0) + 1;
    let who: string;
    let scope = form.scope;
    if (grant === 'client_credentials' && confidential) who = `client:${id}`;
    else if (grant === 'password') {
      if (form.username !== USER.name || form.password !== USER.password) return refuse(400, { error: 'invalid_grant', error_description: 'Bad credentials' });
      who = USER.name;
    } else if (grant === 'refresh_token') {
      const held = refresh.get(form.refresh_token ?? '');
      if (!held) return refuse(400, { error: 'invalid_grant', error_description: 'Invalid refresh token' });
      refresh.delete(form.refresh_token!);
      who = held.who;
      scope = held.scope;
    } else return refuse(400, { error: 'unsupported_grant_type' });
    const t = issue(who, scope);
    return { json: { access_token: t.access, token_type: 'bearer', expires_in: 3600, ...(grant !== 'client_credentials' && { refresh_token: t.refresh }), ...(scope && { scope }) } };
  };
  const auth = await startApp((req) => {
    const body = req.headers['content-type']?.includes('json') && req.body ? (JSON.parse(req.body) as Record<string, string>) : {};
    switch (`${req.method} ${req.path}`) {
      case 'POST /auth/token':
      case 'POST /auth/email-token': {
        const user = req.path === '/auth/token' ? body.username : body.email;
        if (user !== USER.name || body.password !== USER.password) return refuse(401, { error: 'bad credentials' });
        stats.logins++;
        const t = issue(USER.name);
        return { json: req.path === '/auth/token' ? { access_token: t.access, refresh_token: t.refresh } : { data: { token: t.access } } };
      }
      case 'POST /auth/refresh': {
        const held = refresh.get(body.refresh_token ?? '');
        if (!held) return refuse(401, { error: 'bad refresh token' });
        refresh.delete(body.refresh_token!);
        stats.refreshes++;
        const t = issue(held.who);
        return { json: { access_token: t.access, refresh_token: t.refresh } };
      }
      case 'POST /oauth/token':
        return oauth(req);
    }
    return api(req);
  });
  const apiApp = await startApp(api);
  return {
    auth,
    api: apiApp,
    stats,
    tokenRequests,
    expire: () => access.clear(),
    revokeRefresh: () => refresh.clear(),
    close: async () => {
      await auth.close();
      await apiApp.close();
    },
  };
}
