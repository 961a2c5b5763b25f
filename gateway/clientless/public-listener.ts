// The gateway's public HTTPS listener: public HTTP resources for browsers without the tunnel.
// `/.wicket/callback?ticket=...&return=PATH` trades the controller's ticket for our cookie and
// sends the browser on to PATH; any other request with a valid cookie for its hostname goes
// through the proxy's own decision and forwarding (gateway/proxy/), as the caller the cookie
// names, with its grants; without one, a GET is sent to sign in at the controller and
// anything else is refused (a form post cannot survive the detour).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createPrivateKey } from 'node:crypto';
import type { AccessClaims } from '../../common/access-claims.js';
import type { Logger } from '../../common/log.js';
import type { Caller } from '../proxy/callers.js';
import type { ProxyConfig, ProxyResource } from '../proxy/config.js';
import { errorPage } from '../proxy/pages.js';
import { hostOf, type IdentityProxy } from '../proxy/proxy.js';
import { closeServer, listenOn } from '../proxy/listen.js';
import { AccessCookies, COOKIE_NAME } from './cookie.js';
import { TicketVerifier } from './ticket.js';

export const CALLBACK_PATH = '/.wicket/callback';

export interface PublicListenerOptions {
  proxy: Pick<IdentityProxy, 'serve' | 'serveUpgrade'>;
  certPem: string;
  keyPem: string;
  /** How long a browser's cookie lasts. */
  cookieLifetimeS: number;
  log: Logger;
  now?: () => number;
}

/** Our cookie's value in a Cookie header, if any. */
function cookieValue(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const c = part.trim();
    if (c.startsWith(`${COOKIE_NAME}=`)) return c.slice(COOKIE_NAME.length + 1);
  }
  return undefined;
}

/** A path on this host to send the browser on to (never another origin). */
function localPath(p: string | null): string {
  return p && p.startsWith('/') && !p.startsWith('//') && !p.includes('\\') && p.length <= 2048 && !/[\u0000-\u001f\u007f]/.test(p) ? p : '/';
}

/** The proxy's caller for a browser: the cookie's identity, its grants for the one resource, until the cookie ends. */
function callerOf(claims: AccessClaims, untilMs: number): Caller {
  return {
    sessionId: claims.sid, overlayAddress: '', user: claims.sub, groups: claims.groups, deviceId: claims.device,
    grants: new Map([[claims.res, claims.grants.map((g) => ({ grant: g.grant, methods: g.methods, paths: g.paths, expiresAtMs: untilMs }))]]),
  };
}

export class PublicListener {
  private readonly tickets: TicketVerifier;
  private readonly cookies: AccessCookies;
  private resources = new Map<string, ProxyResource>();
  private signInUrl = '';
  private server: Server | undefined;
  private readonly now: () => number;

  constructor(private readonly options: PublicListenerOptions) {
    this.now = options.now ?? Date.now;
    this.tickets = new TicketVerifier(this.now);
    this.cookies = new AccessCookies(this.now, options.cookieLifetimeS);
  }

  /** Takes a new configuration from the controller (through the proxy link). */
  configure(config: ProxyConfig, controllerJwks: string, signInUrl: string): void {
    this.resources = new Map([...config.resources].filter(([, r]) => r.public));
    this.signInUrl = signInUrl;
    this.tickets.configure(controllerJwks, config.issuer);
    this.cookies.configure(config.signing && { kid: config.signing.kid, privateKey: createPrivateKey(config.signing.pem) }, config.issuer);
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    const server = createServer({ cert: this.options.certPem, key: this.options.keyPem }, (req, res) => {
      this.onRequest(req, res).catch((err: Error) => {
        this.options.log.warn({ err: err.message }, 'public request failed');
        if (!res.headersSent) this.answer(res, 500, 'the gateway could not handle this request');
        else res.destroy();
      });
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.onUpgrade(req, socket as Socket, head).catch(() => socket.destroy());
    });
    // A client that fails the TLS handshake is its own problem, not the listener's.
    server.on('tlsClientError', () => undefined);
    const address = await listenOn(server, host, port, this.options.log, 'public listener');
    this.server = server;
    return address;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server);
  }

  private answer(res: ServerResponse, status: number, message: string): void {
    const body = errorPage(status, message);
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' }).end(body);
  }

  /** The caller a request's cookie names for its hostname, or undefined. */
  private async caller(req: IncomingMessage, hostname: string): Promise<Caller | undefined> {
    const cookie = await this.cookies.verify(cookieValue(req), hostname);
    return cookie && callerOf(cookie.claims, cookie.expiresAtMs);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostname = hostOf(req.headers.host);
    if (!this.resources.has(hostname)) return this.answer(res, 404, `no public application answers to "${hostname}" here`);
    const url = new URL(req.url ?? '/', 'https://gateway.invalid');
    if (url.pathname === CALLBACK_PATH) return this.callback(res, url, hostname);
    const caller = await this.caller(req, hostname);
    if (caller) return this.options.proxy.serve(req, res, caller, false);
    if (!this.signInUrl) return this.answer(res, 503, 'sign-in is not available: the controller has no console listener');
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.answer(res, 401, 'sign in first: open this application in the browser again');
    const signIn = new URL(this.signInUrl);
    signIn.searchParams.set('host', req.headers.host ?? hostname);
    signIn.searchParams.set('return', localPath(req.url ?? '/'));
    res.writeHead(302, { location: signIn.href, 'cache-control': 'no-store' }).end();
  }

  private async callback(res: ServerResponse, url: URL, hostname: string): Promise<void> {
    let claims: AccessClaims;
    try {
      claims = await this.tickets.verify(url.searchParams.get('ticket') ?? '', hostname);
    } catch (err) {
      this.options.log.info({ hostname, reason: (err as Error).message }, 'sign-in ticket refused');
      return this.answer(res, 403, `this sign-in cannot be used: ${(err as Error).message}`);
    }
    const cookie = await this.cookies.issue(claims, hostname);
    res.writeHead(303, {
      location: localPath(url.searchParams.get('return')),
      'set-cookie': `${COOKIE_NAME}=${cookie.value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${cookie.maxAgeS}`,
      'cache-control': 'no-store',
    }).end();
  }

  private async onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const hostname = hostOf(req.headers.host);
    const caller = this.resources.has(hostname) ? await this.caller(req, hostname) : undefined;
    // Without a cookie there is no one to forward for: the proxy refuses it and records why.
    this.options.proxy.serveUpgrade(req, socket, head, caller, false);
  }
}
