// Signing in to the console with single sign-on: the OIDC authorization code flow with PKCE,
// run by the controller's SSO (controller/sso/authorization-code.ts, handed in through the
// narrow ConsoleSso interface). The PKCE verifier, state and nonce never leave the server:
// the browser holds only a random id naming them, in a cookie that must be SameSite=Lax
// (the provider's redirect back is a cross-site navigation, which never carries a Strict
// cookie) and lives for the few minutes a sign-in takes. The callback answers with a page
// that continues to the console instead of a redirect: a redirect chain that began at
// another site would not carry the new Strict session cookie either. The same routes sign a
// browser in for a public HTTP resource (`?for=HOST&return=PATH`, app-sign-in.ts): then any
// user may finish, and the browser goes back to that resource.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoginResponse__Output as LoginResponse } from '../../proto/generated/wicket/v1/LoginResponse.js';
import { DomainError } from '../errors.js';
import { appTarget, type AppTarget } from './app-sign-in.js';
import { html } from './html.js';
import type { Frame } from './layout.js';

/** What the console needs of the controller's single sign-on. */
export interface ConsoleSso {
  providers(): string[];
  /** `check` is opaque here: kept for this browser, handed back to `finish`. */
  begin(provider: string, redirectUri: string): Promise<{ url: string; check: unknown }>;
  finish(check: unknown, callbackUrl: URL, req: { csrPem: string; deviceName: string; adminOnly: boolean }, source: string): Promise<LoginResponse>;
}

export const SSO_COOKIE = '__Host-wicket-sso';
const PENDING_MS = 10 * 60_000;
const MAX_PENDING = 1024;

export interface SsoSignInDeps {
  sso: ConsoleSso;
  /** Makes a key pair and CSR for a new console session; `complete` signs the browser in. */
  newCsr(user: string): Promise<{ csrPem: string; keyPem: string }>;
  complete(reply: FastifyReply, login: LoginResponse, keyPem: string): FastifyReply;
  /** Finishes a sign-in for a public resource; absent: only console sign-ins. */
  completeApp?(reply: FastifyReply, login: LoginResponse, target: AppTarget): Promise<FastifyReply>;
  render(req: FastifyRequest, reply: FastifyReply, frame: Omit<Frame, 'admin'>, status?: number): FastifyReply;
  now: () => number;
  signInPerMinute: number;
}

export function ssoSignInRoutes(app: FastifyInstance, deps: SsoSignInDeps): void {
  const pending = new Map<string, { check: unknown; redirectUri: string; atMs: number; app: AppTarget | undefined }>();
  const sweep = () => {
    const now = deps.now();
    for (const [id, p] of pending) if (now - p.atMs > PENDING_MS) pending.delete(id);
    while (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value!);
  };
  const failed = (req: FastifyRequest, reply: FastifyReply, text: string, status: number) =>
    deps.render(req, reply, { title: 'Sign in', notice: { kind: 'error', text }, body: html`<p><a href="/sign-in">Back to sign-in</a></p>` }, status);

  app.get<{ Params: { provider: string }; Querystring: { for?: string; return?: string } }>('/sso/:provider', {
    schema: { params: { type: 'object', required: ['provider'], properties: { provider: { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$' } } } },
    config: { rateLimit: { max: deps.signInPerMinute, timeWindow: 60_000 } },
  }, async (req, reply) => {
    if (!deps.sso.providers().includes(req.params.provider)) return failed(req, reply, `no identity provider ${req.params.provider}`, 404);
    const app = req.query.for === undefined || !deps.completeApp ? undefined : appTarget(req.query.for, req.query.return);
    if (req.query.for !== undefined && !app) return failed(req, reply, 'this sign-in link names no valid host and path', 400);
    const redirectUri = `https://${req.headers.host}/sso-callback`;
    const { url, check } = await deps.sso.begin(req.params.provider, redirectUri);
    sweep();
    const id = randomBytes(32).toString('base64url');
    pending.set(id, { check, redirectUri, atMs: deps.now(), app });
    return reply.setCookie(SSO_COOKIE, id, { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: PENDING_MS / 1000 }).redirect(url, 303);
  });

  app.get('/sso-callback', { config: { rateLimit: { max: deps.signInPerMinute, timeWindow: 60_000 } } }, async (req, reply) => {
    const id = req.cookies[SSO_COOKIE];
    const entry = id ? pending.get(id) : undefined;
    if (id) pending.delete(id);
    reply.clearCookie(SSO_COOKIE, { path: '/', secure: true });
    if (!entry || deps.now() - entry.atMs > PENDING_MS) return failed(req, reply, 'this sign-in was not started here or took too long; start again', 400);
    const callback = new URL(entry.redirectUri);
    callback.search = new URL(req.url, entry.redirectUri).search;
    const { csrPem, keyPem } = await deps.newCsr('sso');
    let login: LoginResponse;
    try {
      login = await deps.sso.finish(entry.check, callback, { csrPem, deviceName: entry.app ? 'browser' : 'console', adminOnly: !entry.app }, req.ip);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'unauthenticated') return failed(req, reply, err.message, 401);
      throw err;
    }
    return entry.app && deps.completeApp ? deps.completeApp(reply, login, entry.app) : deps.complete(reply, login, keyPem);
  });
}
