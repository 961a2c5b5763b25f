// Signing in and out of the console. Sign-in is the controller's own password + TOTP login
// (LoginService: same throttling, lockout and audit as `wicket login`) for admins only: the
// console makes a key pair for this browser session, the login signs its CSR into an admin
// device certificate, and the console keeps key and certificate server-side. The browser
// gets a random session cookie: HttpOnly, Secure, SameSite=Strict, with a __Host- name (no
// Domain, Path=/), expiring with the session.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createCsr, generateKeyPairAsync } from '../../common/pki.js';
import type { LoginService } from '../auth/login.js';
import { DomainError } from '../errors.js';
import type { ConsoleSessions } from './console-sessions.js';
import { html } from './html.js';
import { credentialFields, csrfField, type Frame } from './layout.js';
import { ssoSignInRoutes, type ConsoleSso } from './sso-sign-in.js';
import { appSignInRoutes, type AppAccess } from './app-sign-in.js';
import type { LoginResponse__Output as LoginResponse } from '../../proto/generated/wicket/v1/LoginResponse.js';

export const SESSION_COOKIE = '__Host-wicket-session';

export interface SignInDeps {
  sessions: ConsoleSessions;
  login: Pick<LoginService, 'login'>;
  caPem: string;
  render(req: FastifyRequest, reply: FastifyReply, frame: Omit<Frame, 'admin'>, status?: number): FastifyReply;
  csrf(req: FastifyRequest, reply: FastifyReply): string;
  signInPerMinute: number;
  /** Single sign-on, when the controller has identity providers configured. */
  sso?: ConsoleSso;
  /** Sign-in for public HTTP resources (clientless access), when the controller serves them. */
  appAccess?: AppAccess;
  now: () => number;
}

interface SignInBody { username: string; password: string; totp: string; _csrf: string }

const signInSchema = {
  body: {
    type: 'object',
    required: ['username', 'password', 'totp', '_csrf'],
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 64 },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
      totp: { type: 'string', pattern: '^[0-9]{6}$' },
      _csrf: { type: 'string', maxLength: 512 },
    },
  },
} as const;

/** A key pair for a new console session (made off the event loop) and its CSR. */
async function newCsr(user: string): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await generateKeyPairAsync();
  return { csrPem: createCsr(keys, user), keyPem: keys.privateKeyPem };
}

export function signInRoutes(app: FastifyInstance, deps: SignInDeps): void {
  /** Holds the issued credential as a console session and gives the browser its cookie. */
  const startSession = (reply: FastifyReply, res: LoginResponse, keyPem: string): FastifyReply => {
    const s = deps.sessions.create({
      user: res.username, deviceId: res.deviceId, certificateExpiresAtMs: Number(res.expiresAtMs),
      credentials: { caPem: deps.caPem, certPem: res.certificatePem, keyPem },
    });
    return reply.setCookie(SESSION_COOKIE, s.id, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', expires: new Date(s.expiresAtMs) });
  };
  const providers = deps.sso?.providers() ?? [];
  const form = (req: FastifyRequest, reply: FastifyReply, error?: string, status = 200) => deps.render(req, reply, {
    title: 'Sign in',
    notice: error ? { kind: 'error', text: error } : undefined,
    body: html`<form method="post" action="/sign-in" class="sign-in">${csrfField(deps.csrf(req, reply))}
      ${credentialFields()}
      <button type="submit">Sign in</button></form>
      ${providers.length ? html`<p>Or sign in with your organisation's account:</p><ul class="sso">${providers.map((p) => html`<li><a href="/sso/${p}">Sign in with ${p}</a></li>`)}</ul>` : ''}`,
  }, status);

  app.get('/sign-in', (req, reply) => (req.consoleSession ? reply.redirect('/', 303) : form(req, reply)));

  app.post<{ Body: SignInBody }>('/sign-in', {
    schema: signInSchema,
    config: { rateLimit: { max: deps.signInPerMinute, timeWindow: 60_000 } },
    preHandler: app.csrfProtection,
    // A malformed form is answered on the form itself, like wrong credentials.
    attachValidation: true,
  }, async (req, reply) => {
    if (req.validationError) return form(req, reply, `the form is incomplete: ${req.validationError.message}`, 400);
    const { csrPem, keyPem } = await newCsr(req.body.username);
    let res;
    try {
      res = await deps.login.login({ username: req.body.username, password: req.body.password, totpCode: req.body.totp, csrPem, deviceName: 'console' }, req.ip, { adminOnly: true });
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'unauthenticated') return form(req, reply, err.message, 401);
      throw err;
    }
    return startSession(reply, res, keyPem).redirect('/', 303);
  });

  const appSignIn = deps.appAccess && appSignInRoutes(app, {
    access: deps.appAccess, login: deps.login, newCsr, render: deps.render, csrf: deps.csrf, providers, signInPerMinute: deps.signInPerMinute, now: deps.now,
  });

  if (deps.sso) {
    ssoSignInRoutes(app, {
      sso: deps.sso, newCsr, render: deps.render, now: deps.now, signInPerMinute: deps.signInPerMinute, completeApp: appSignIn?.complete,
      // The provider's redirect was cross-site, so a redirect from here would not carry the new
      // Strict cookie: this page, on our own origin, continues to the console.
      complete: (reply, login, keyPem) => startSession(reply, login, keyPem).code(200).type('text/html; charset=utf-8').header('cache-control', 'no-store')
        .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/"><title>Signed in · Wicket</title></head><body><p><a href="/">Continue to the console</a></p></body></html>`),
    });
  }

  app.post('/sign-out', { preHandler: app.csrfProtection }, (req, reply) => {
    if (req.consoleSession) deps.sessions.end(req.consoleSession.id);
    return reply.clearCookie(SESSION_COOKIE, { path: '/', secure: true }).redirect('/sign-in', 303);
  });
}
