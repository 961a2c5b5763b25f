// Signing a browser in for a public HTTP resource (clientless access). The gateway sends a
// browser without its cookie here, to /access/sign-in?host=HOST&return=PATH. The browser signs
// in like anyone else (password + TOTP through the LoginService, or SSO) — any user, not only
// admins — which issues an ordinary device certificate for it (device name `browser`); the
// console keeps the login as an access session (its own cookie, SameSite=Lax because the
// gateway's redirect here is a cross-site navigation) and sends the browser back to the
// gateway's /.wicket/callback with a one-minute ticket for that host (controller/app-access/).
// A browser still signed in here gets a fresh ticket without signing in again, decided anew.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { X509Certificate } from 'node:crypto';
import type { LoginService } from '../auth/login.js';
import { DomainError } from '../errors.js';
import type { LoginResponse__Output as LoginResponse } from '../../proto/generated/wicket/v1/LoginResponse.js';
import { html } from './html.js';
import { credentialFields, csrfField, type Frame } from './layout.js';
import { SessionTable, type SessionLimits, type TableEntry } from './session-table.js';

export const ACCESS_COOKIE = '__Host-wicket-access';

export const DEFAULT_ACCESS_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, maxAgeMs: 8 * 3_600_000, max: 10_000 };

/** What the console needs to send a signed-in browser back to a public resource. */
export interface AppAccess {
  /** A ticket for `hostname`, or a DomainError saying why not. */
  ticket(login: { user: string; deviceId: string; certSerial: string; sessionId: string }, hostname: string): Promise<string>;
}

/** Where a sign-in for a public resource goes back to: the host as the gateway was asked (port included) and the path. */
export interface AppTarget { host: string; returnTo: string }

interface AccessSession extends TableEntry { user: string; deviceId: string; certSerial: string }

/** host[:port] as a browser sends it: a lower-case DNS name, optionally a port. */
const HOST = /^(?=.{1,253}(?::\d{1,5})?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+(?::\d{1,5})?$/;

/** The target a query names, or undefined when it is not one we would redirect to. */
export function appTarget(host: unknown, returnTo: unknown): AppTarget | undefined {
  if (typeof host !== 'string' || !HOST.test(host)) return undefined;
  const path = typeof returnTo === 'string' && returnTo !== '' ? returnTo : '/';
  // A path on that host only: never another origin ("//evil", "/\evil") or a control character.
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('\\') || path.length > 2048 || /[\u0000-\u001f\u007f]/.test(path)) return undefined;
  return { host, returnTo: path };
}

export interface AppSignInDeps {
  access: AppAccess;
  login: Pick<LoginService, 'login'>;
  newCsr(user: string): Promise<{ csrPem: string; keyPem: string }>;
  render(req: FastifyRequest, reply: FastifyReply, frame: Omit<Frame, 'admin'>, status?: number): FastifyReply;
  csrf(req: FastifyRequest, reply: FastifyReply): string;
  /** SSO providers a browser may sign in with (/sso/:provider?for=HOST&return=PATH). */
  providers: string[];
  signInPerMinute: number;
  limits?: Partial<SessionLimits>;
  now: () => number;
}

interface AppSignInBody { username: string; password: string; totp: string; _csrf: string; host: string; return: string }

const bodySchema = {
  body: {
    type: 'object',
    required: ['username', 'password', 'totp', '_csrf', 'host'],
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 64 },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
      totp: { type: 'string', pattern: '^[0-9]{6}$' },
      _csrf: { type: 'string', maxLength: 512 },
      host: { type: 'string', maxLength: 260 },
      return: { type: 'string', maxLength: 2048 },
    },
  },
} as const;

/** The routes, and `complete` for the SSO callback to finish a browser's sign-in the same way. */
export function appSignInRoutes(app: FastifyInstance, deps: AppSignInDeps): { complete(reply: FastifyReply, login: LoginResponse, target: AppTarget): Promise<FastifyReply> } {
  const sessions = new SessionTable<AccessSession>({ ...DEFAULT_ACCESS_SESSION_LIMITS, ...deps.limits }, deps.now);
  const refused = (req: FastifyRequest, reply: FastifyReply, text: string, status: number) =>
    deps.render(req, reply, { title: 'No access', notice: { kind: 'error', text }, body: html`<p>Ask an administrator for access, or sign in as someone else.</p>` }, status);

  /**
   * Sends the browser to the gateway with a fresh ticket, or explains why not. Right after a
   * sign-in (`afterForm`) the way on is a page that continues by itself rather than a
   * redirect: a form's submission may not redirect to another origin (CSP form-action).
   */
  const toApp = async (req: FastifyRequest, reply: FastifyReply, s: AccessSession, target: AppTarget, afterForm = false): Promise<FastifyReply> => {
    let ticket: string;
    try {
      ticket = await deps.access.ticket({ user: s.user, deviceId: s.deviceId, certSerial: s.certSerial, sessionId: s.id }, target.host.replace(/:\d+$/, ''));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // A login no longer in good standing is over; a resource it may not use is only refused.
      if (err.kind === 'unauthenticated') sessions.end(s.id);
      return refused(req, reply, err.message, err.kind === 'not_found' ? 404 : 403);
    }
    const url = new URL(`https://${target.host}/.wicket/callback`);
    url.searchParams.set('ticket', ticket);
    url.searchParams.set('return', target.returnTo);
    reply.header('cache-control', 'no-store');
    if (!afterForm) return reply.redirect(url.href, 303);
    const href = html`${url.href}`;
    return reply.code(200).type('text/html; charset=utf-8')
      .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Signed in · Wicket</title></head><body><p><a href="${href}">Continue to ${html`${target.host}`}</a></p></body></html>`);
  };

  const startSession = (reply: FastifyReply, login: LoginResponse): AccessSession => {
    const certSerial = new X509Certificate(login.certificatePem).serialNumber.toLowerCase();
    const s = sessions.create((id, expiresAtMs, now) => ({ id, expiresAtMs, lastUsedMs: now, user: login.username, deviceId: login.deviceId, certSerial }), Number(login.expiresAtMs));
    reply.setCookie(ACCESS_COOKIE, s.id, { httpOnly: true, secure: true, sameSite: 'lax', path: '/', expires: new Date(s.expiresAtMs) });
    return s;
  };

  const form = (req: FastifyRequest, reply: FastifyReply, target: AppTarget, error?: string, status = 200) => {
    const sso = (p: string) => `/sso/${encodeURIComponent(p)}?${new URLSearchParams({ for: target.host, return: target.returnTo }).toString()}`;
    return deps.render(req, reply, {
      title: `Sign in to ${target.host}`,
      notice: error ? { kind: 'error', text: error } : undefined,
      body: html`<form method="post" action="/access/sign-in" class="sign-in">${csrfField(deps.csrf(req, reply))}
        <input type="hidden" name="host" value="${target.host}"><input type="hidden" name="return" value="${target.returnTo}">
        ${credentialFields()}
        <button type="submit">Sign in</button></form>
        ${deps.providers.length ? html`<p>Or sign in with your organisation's account:</p><ul class="sso">${deps.providers.map((p) => html`<li><a href="${sso(p)}">Sign in with ${p}</a></li>`)}</ul>` : ''}`,
    }, status);
  };

  app.get<{ Querystring: { host?: string; return?: string } }>('/access/sign-in', {
    config: { rateLimit: { max: deps.signInPerMinute * 6, timeWindow: 60_000 } },
  }, async (req, reply) => {
    const target = appTarget(req.query.host, req.query.return);
    if (!target) return refused(req, reply, 'this sign-in link names no valid host and path', 400);
    const s = sessions.use(req.cookies[ACCESS_COOKIE]);
    return s ? toApp(req, reply, s, target) : form(req, reply, target);
  });

  app.post<{ Body: AppSignInBody }>('/access/sign-in', {
    schema: bodySchema,
    config: { rateLimit: { max: deps.signInPerMinute, timeWindow: 60_000 } },
    preHandler: app.csrfProtection,
    attachValidation: true,
  }, async (req, reply) => {
    const target = appTarget(req.body?.host, req.body?.return);
    if (!target) return refused(req, reply, 'this sign-in names no valid host and path', 400);
    if (req.validationError) return form(req, reply, target, `the form is incomplete: ${req.validationError.message}`, 400);
    // The key is thrown away: the certificate stands for the browser's login (its serial ties
    // the login's MFA to the decision, and blocking the device ends its access).
    const { csrPem } = await deps.newCsr(req.body.username);
    let login: LoginResponse;
    try {
      login = await deps.login.login({ username: req.body.username, password: req.body.password, totpCode: req.body.totp, csrPem, deviceName: 'browser' }, req.ip);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'unauthenticated') return form(req, reply, target, err.message, 401);
      throw err;
    }
    return toApp(req, reply, startSession(reply, login), target, true);
  });

  return { complete: (reply, login, target) => toApp(reply.request, reply, startSession(reply, login), target, true) };
}
