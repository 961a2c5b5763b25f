// The admin console: an HTTPS server (fastify) in the controller process. Security comes
// from the well-kept plugins: helmet sets a strict Content-Security-Policy (scripts and
// styles from this origin only, no inline script, frame-ancestors 'none'); CSRF tokens bound
// to the console session guard every state change, and a request whose Origin or
// Sec-Fetch-Site says it came from another site is refused before that; sign-in is rate
// limited per address on top of the login's own throttling. Pages are plugins in pages/.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { Registry } from 'prom-client';
import type { Logger } from '../../common/log.js';
import { splitHostPort } from '../../common/pki.js';
import type { LoginService } from '../auth/login.js';
import { AdminApiError, SignedOut, adminCaller, httpStatusOf } from './admin-api.js';
import { assetRoutes, loadAssets } from './assets.js';
import { ConsoleSessions, DEFAULT_CONSOLE_SESSION_LIMITS, type ConsoleSession, type ConsoleSessionLimits } from './console-sessions.js';
import { html } from './html.js';
import { page, type Frame } from './layout.js';
import type { PageContext } from './page-context.js';
import { PAGES } from './pages/index.js';
import { signInRoutes, SESSION_COOKIE } from './sign-in.js';
import type { ConsoleSso } from './sso-sign-in.js';
import type { AppAccess } from './app-sign-in.js';

export interface ConsoleOptions {
  listen: string;
  certPem: string;
  keyPem: string;
  limits?: Partial<ConsoleSessionLimits>;
  /** Sign-in attempts one address may make per minute (the login's own throttling comes on top). */
  signInPerMinute?: number;
}

export interface ConsoleDeps {
  login: Pick<LoginService, 'login'>;
  /** The controller's Admin API (host:port on loopback) and the CA its certificate chains to. */
  api: { address: string; caPem: string };
  metrics: Registry;
  log: Logger;
  now: () => number;
  /** The controller's single sign-on for browsers, when identity providers are configured. */
  sso?: ConsoleSso;
  /** The JWKS document (controller/assertion-keys/): public keys that verify identity assertions. */
  jwks: () => Promise<string>;
  /** Tickets for public HTTP resources: browsers sign in here for them (/access/sign-in). */
  appAccess?: AppAccess;
}

export interface RunningConsole {
  port: number;
  sessions: ConsoleSessions;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession: ConsoleSession | undefined;
  }
}

const FLASH_COOKIE = '__Host-wicket-notice';
const SAFE_METHODS = new Set(['GET', 'HEAD']);

export async function startConsole(opts: ConsoleOptions, deps: ConsoleDeps): Promise<RunningConsole> {
  const assets = loadAssets();
  const sessions = new ConsoleSessions(deps.api.address, { ...DEFAULT_CONSOLE_SESSION_LIMITS, ...opts.limits }, deps.now);
  const app = Fastify({ https: { cert: opts.certPem, key: opts.keyPem }, bodyLimit: 2 * 1024 * 1024, logger: false });

  await app.register(helmet, {
    // helmet's default, no-referrer, makes browsers send "Origin: null" on the console's own
    // form posts, which the cross-origin check below must refuse; same-origin keeps the
    // referrer (and Origin) for our own pages and sends nothing to other sites.
    referrerPolicy: { policy: 'same-origin' },
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"],
        fontSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'self'"], frameAncestors: ["'none'"],
      },
    },
  });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(rateLimit, { global: false });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: '__Host-wicket-csrf',
    cookieOpts: { httpOnly: true, secure: true, sameSite: 'strict', path: '/' },
    // The token is bound to the console session, so one taken from another session is useless.
    csrfOpts: { hmacKey: randomBytes(32), userInfo: true },
    getUserInfo: (req: FastifyRequest) => req.consoleSession?.id ?? 'signed-out',
  });

  app.decorateRequest('consoleSession', undefined);
  app.addHook('onRequest', async (req, reply) => {
    if (!SAFE_METHODS.has(req.method)) {
      const origin = req.headers.origin;
      const site = req.headers['sec-fetch-site'];
      if ((origin && origin !== `https://${req.headers.host}`) || (site && site !== 'same-origin' && site !== 'none')) {
        return reply.code(403).type('text/plain').send('cross-origin request refused\n');
      }
    }
    req.consoleSession = sessions.use(req.cookies[SESSION_COOKIE]);
  });

  const csrfToken = (req: FastifyRequest, reply: FastifyReply) => reply.generateCsrf({ userInfo: req.consoleSession?.id ?? 'signed-out' });
  const render = (req: FastifyRequest, reply: FastifyReply, frame: Omit<Frame, 'admin'>, status = 200): FastifyReply => {
    const s = req.consoleSession;
    const flash = req.cookies[FLASH_COOKIE];
    // A __Host- cookie is only replaced (here: expired) by one that is Secure too.
    if (flash) reply.clearCookie(FLASH_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'strict' });
    const notice = frame.notice ?? (flash ? { kind: 'ok' as const, text: flash.slice(0, 500) } : undefined);
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store')
      .send(page({ ...frame, notice, admin: s ? { user: s.user, csrf: csrfToken(req, reply) } : undefined }));
  };

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof SignedOut) {
      reply.clearCookie(SESSION_COOKIE, { path: '/', secure: true });
      return SAFE_METHODS.has(req.method) ? reply.redirect('/sign-in') : reply.code(401).type('text/plain').send('signed out: sign in again\n');
    }
    const status = err instanceof AdminApiError ? httpStatusOf(err.code) : ((err as { statusCode?: number }).statusCode ?? 500);
    if (status >= 500 && !(err instanceof AdminApiError)) deps.log.error({ err, url: req.url }, 'console request failed');
    // Fastify's own refusals (schema validation, CSRF, rate limit) carry a message meant for the caller.
    const text = status >= 500 && !(err instanceof AdminApiError) ? 'internal error' : err instanceof Error ? err.message : String(err);
    if (!req.consoleSession) return reply.code(status).type('text/plain').send(`${text}\n`);
    return render(req, reply, { title: 'Error', notice: { kind: 'error', text }, body: html`<p><a href="/">Back to the overview</a></p>` }, status);
  });

  assetRoutes(app, assets);
  // Public keys only: upstreams and gateways fetch them without signing in (GET needs no CSRF token).
  app.get('/.well-known/jwks.json', async (_req, reply) => reply.type('application/json').header('cache-control', 'public, max-age=300').send(await deps.jwks()));
  await app.register(async (open) => signInRoutes(open, { sessions, login: deps.login, caPem: deps.api.caPem, render, csrf: csrfToken, signInPerMinute: opts.signInPerMinute ?? 10, sso: deps.sso, appAccess: deps.appAccess, now: deps.now }));

  const ctx: PageContext = {
    session: (req) => req.consoleSession!,
    adminCall: adminCaller(sessions),
    render,
    csrf: csrfToken,
    redirect: (reply, path, notice) => reply.setCookie(FLASH_COOKIE, notice, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', maxAge: 60 }).redirect(path, 303),
    metrics: deps.metrics,
    now: deps.now,
  };
  await app.register(async (signedIn) => {
    signedIn.addHook('onRequest', async (req, reply) => {
      if (req.consoleSession) return;
      if (SAFE_METHODS.has(req.method)) return reply.redirect(`/sign-in`, 303);
      return reply.code(401).type('text/plain').send('sign in first\n');
    });
    // Every state change carries the session's CSRF token. Checked once the form body is
    // parsed (the token is a field of it) and before the body's schema is.
    signedIn.addHook('preValidation', (req, reply, done) => (SAFE_METHODS.has(req.method) ? done() : signedIn.csrfProtection(req, reply, done)));
    for (const register of PAGES) register(signedIn, ctx);
  });

  const { host, port } = splitHostPort(opts.listen);
  await app.listen({ host, port });
  const address = app.server.address();
  deps.log.info({ port: typeof address === 'object' && address ? address.port : port }, 'console started');
  return {
    port: typeof address === 'object' && address ? address.port : port,
    sessions,
    close: async () => {
      sessions.closeAll();
      await app.close();
    },
  };
}
