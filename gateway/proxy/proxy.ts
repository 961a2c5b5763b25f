// The identity-aware proxy: a node:http server on the gateway's service address that decides
// every request by who sent it (the TCP source is a session's overlay address, which
// WireGuard vouches for), which application it names (Host) and what it asks (method and
// canonical path, common/http-rules.ts), then forwards what is allowed with undici (one
// keep-alive Pool per upstream, bodies streamed both ways) carrying X-Wicket-Assertion.
// Upgrades (websockets) are forwarded the same way and piped. Every request becomes one
// record; revocation destroys the connections a change no longer allows (connections.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import { canonicalPath, decideHttp, type CanonicalPath } from '../../common/http-rules.js';
import type { Logger } from '../../common/log.js';
import type { HttpRequestRecord__Output as HttpRequestRecord } from '../../proto/generated/wicket/v1/HttpRequestRecord.js';
import { AssertionSigner } from './assertion.js';
import { CallerIndex, rulesAt, type Caller, type CallerChange } from './callers.js';
import type { ProxyConfig, ProxyResource } from './config.js';
import { closeServer, listenOn } from './listen.js';
import { ConnectionTracker, type InFlight } from './connections.js';
import { clientHeaders, upstreamHeaders } from './headers.js';
import { errorPage } from './pages.js';

export interface ProxyOptions {
  log: Logger;
  /** Receives every request's record, with the TCP source it came from. */
  onRecord(record: HttpRequestRecord, source: string): void;
  /** Counts a finished request (metrics). */
  onCount?(resource: string, status: number): void;
  now?: () => number;
}

/** Longest timer Node keeps (about 24.8 days); a later grant expiry is re-armed from there. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_FIELD = 2048;

const REASONS: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 502: 'Bad Gateway', 503: 'Service Unavailable' };

/** "::ffff:a.b.c.d" as "a.b.c.d" (a dual-stack listener reports IPv4 peers that way). */
const plainAddress = (a: string | undefined): string => (a ?? '').replace(/^::ffff:/, '');

/** The Host header lower-cased, without its port. */
export function hostOf(host: string | undefined): string {
  const h = (host ?? '').trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return (colon < 0 ? h : h.slice(0, colon)).slice(0, 253);
}

export class IdentityProxy {
  readonly callers = new CallerIndex();
  private readonly tracker = new ConnectionTracker();
  private config: ProxyConfig | undefined;
  private signer: AssertionSigner | undefined;
  private readonly pools = new Map<string, Pool>();
  private server: Server | undefined;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly options: ProxyOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log.child({ module: 'proxy' });
  }

  /** Whether a listener is up. */
  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Connections held for a session. */
  connections(sessionId: string): number {
    return this.tracker.count(sessionId);
  }

  /** Takes a new configuration: resources, and a new signer when the key or issuer changed. */
  setConfig(config: ProxyConfig): void {
    const prev = this.config;
    this.config = config;
    if (config.signing === undefined) this.signer = undefined;
    else if (!this.signer || prev?.signing !== config.signing || prev.issuer !== config.issuer) this.signer = new AssertionSigner(config.signing, config.issuer, this.now);
    const origins = new Set([...config.resources.values()].map((r) => r.origin));
    for (const [origin, pool] of this.pools) {
      if (origins.has(origin)) continue;
      this.pools.delete(origin);
      void pool.destroy().catch(() => undefined);
    }
  }

  /** The applied sessions are exactly these (a snapshot). */
  replaceSessions(callers: readonly Caller[]): void {
    this.changed(this.callers.replace(callers), callers);
  }

  /** Sessions added or replaced (a delta's upserts). */
  upsertSessions(callers: readonly Caller[]): void {
    this.changed(this.callers.upsert(callers), callers);
  }

  /** Sessions ended (a delta's removes): their connections close now. */
  removeSessions(ids: readonly string[]): void {
    this.changed(this.callers.remove(ids), []);
  }

  private changed(change: CallerChange, present: readonly Caller[]): void {
    for (const c of change.removed) {
      this.signer?.forget(c.sessionId);
      clearTimeout(this.timers.get(c.sessionId));
      this.timers.delete(c.sessionId);
      const n = this.tracker.closeSession(c.sessionId);
      if (n > 0) this.log.info({ session: c.sessionId, connections: n }, 'session ended: its proxy connections closed');
    }
    const nowMs = this.now();
    for (const c of change.changed) {
      this.signer?.forget(c.sessionId);
      const n = this.tracker.recheck(c, nowMs);
      if (n > 0) this.log.info({ session: c.sessionId, connections: n }, 'grants narrowed: proxy connections no longer allowed closed');
    }
    for (const c of present) this.armExpiry(c);
  }

  /** Re-checks a caller's connections when its next grant expires. */
  private armExpiry(c: Caller): void {
    clearTimeout(this.timers.get(c.sessionId));
    this.timers.delete(c.sessionId);
    const nowMs = this.now();
    let next = Infinity;
    for (const rules of c.grants.values()) for (const r of rules) if (r.expiresAtMs > nowMs && r.expiresAtMs < next) next = r.expiresAtMs;
    if (next === Infinity) return;
    const timer = setTimeout(() => {
      if (this.callers.bySession(c.sessionId) !== c) return;
      this.tracker.recheck(c, this.now());
      this.armExpiry(c);
    }, Math.min(MAX_TIMER_MS, next - nowMs + 1));
    timer.unref();
    this.timers.set(c.sessionId, timer);
  }

  /** Listens on host:port (the service address and 80; tests pass loopback and 0). */
  async listen(host: string, port: number): Promise<AddressInfo> {
    await this.stopListening();
    const server = createServer({ noDelay: true }, (req, res) => this.onRequest(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket as Socket, head));
    server.on('connection', (socket: Socket) => {
      const caller = this.callers.byOverlay(plainAddress(socket.remoteAddress));
      if (caller) this.tracker.attach(socket, caller.sessionId);
    });
    const address = await listenOn(server, host, port, this.log, 'proxy listener');
    this.server = server;
    return address;
  }

  /** Closes the listener and every connection on it. */
  async stopListening(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.tracker.closeAll();
    await closeServer(server);
  }

  /** Stops listening and closes the upstream pools. */
  async close(): Promise<void> {
    await this.stopListening();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.pools.values()].map((p) => p.destroy().catch(() => undefined)));
    this.pools.clear();
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      // No timeouts on headers or body: long polls and streams are the upstream's business,
      // and revocation or the client leaving ends them.
      pool = new Pool(origin, { headersTimeout: 0, bodyTimeout: 0 });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /**
   * The checks every request and upgrade goes through, in order: a known caller (a tunnel
   * session by its overlay address, or a browser by its cookie: gateway/clientless/), a known
   * hostname (public for a browser), a canonical path, a grant that allows it. Fills the
   * record as it learns.
   */
  private decide(req: IncomingMessage, rec: HttpRequestRecord, caller: Caller | undefined, source: string):
    { status: number; reason: string } | { caller: Caller; resource: ProxyResource; path: CanonicalPath; inFlight: InFlight } {
    if (!caller) return { status: 403, reason: `${source} is not a session of this gateway` };
    if (!this.tracker.attach(req.socket, caller.sessionId)) return { status: 403, reason: 'this connection belongs to another session' };
    // A browser without the tunnel has no session at this gateway: its record names user and device only.
    rec.sessionId = rec.tunnel ? caller.sessionId : '';
    rec.username = caller.user;
    rec.deviceId = caller.deviceId;
    const resource = this.config?.resources.get(rec.hostname);
    if (!resource || (!rec.tunnel && !resource.public)) return { status: 404, reason: `no application answers to "${rec.hostname}" here` };
    rec.resource = resource.name;
    const path = canonicalPath(req.url ?? '');
    if ('error' in path) return { status: 400, reason: path.error };
    rec.path = path.path;
    const decision = decideHttp(rulesAt(caller, resource.name, this.now()), rec.method, path, resource.name);
    if (!decision.allowed) return { status: 403, reason: decision.reason };
    if (!this.signer) return { status: 503, reason: 'the gateway has no signing key yet' };
    const inFlight: InFlight = { resource: resource.name, method: rec.method, path };
    this.tracker.begin(req.socket, inFlight);
    return { caller, resource, path, inFlight };
  }

  private newRecord(req: IncomingMessage, tunnel: boolean): HttpRequestRecord {
    const url = req.url ?? '';
    const q = url.search(/[?#]/);
    return {
      sessionId: '', resource: '', method: (req.method ?? '').slice(0, 32), hostname: hostOf(req.headers.host),
      path: (q < 0 ? url : url.slice(0, q)).slice(0, MAX_FIELD), status: 0, bytesIn: 0, bytesOut: 0,
      startedAtMs: this.now(), durationUs: 0, username: '', deviceId: '', deniedReason: '', tunnel,
    };
  }

  private emit(rec: HttpRequestRecord, started: bigint, source: string): void {
    rec.durationUs = Number((process.hrtime.bigint() - started) / 1000n);
    this.options.onCount?.(rec.resource, rec.status);
    this.options.onRecord(rec, source);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.serve(req, res, this.callers.byOverlay(plainAddress(req.socket.remoteAddress)), true);
  }

  /** Decides and forwards one request of `caller` (`tunnel`: a session, else a browser with our cookie). */
  serve(req: IncomingMessage, res: ServerResponse, caller: Caller | undefined, tunnel: boolean): void {
    const started = process.hrtime.bigint();
    const source = plainAddress(req.socket.remoteAddress);
    const rec = this.newRecord(req, tunnel);
    const d = this.decide(req, rec, caller, source);
    const inFlight = 'status' in d ? undefined : d.inFlight;
    res.once('close', () => {
      if (inFlight) this.tracker.end(req.socket, inFlight);
      // 0: the connection ended before any answer (the client left, or it was revoked).
      rec.status = res.headersSent ? res.statusCode : 0;
      this.emit(rec, started, source);
    });
    if ('status' in d) {
      rec.deniedReason = d.reason;
      this.bad(res, d.status, d.reason);
      return;
    }
    this.forward(req, res, rec, d.caller, d.resource, d.path).catch((err: Error) => {
      this.log.warn({ resource: d.resource.name, err: err.message }, 'proxying failed');
      res.destroy();
    });
  }

  /** The proxy's own answer: an HTML page saying why. */
  private bad(res: ServerResponse, status: number, message: string): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = errorPage(status, message);
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' }).end(body);
  }

  private async forward(req: IncomingMessage, res: ServerResponse, rec: HttpRequestRecord, caller: Caller, resource: ProxyResource, path: CanonicalPath): Promise<void> {
    // undici takes an EventEmitter as its abort signal: far cheaper per request than an
    // AbortController, whose signal and DOMException showed in profiles.
    const abort = new EventEmitter();
    let aborted = false;
    res.once('close', () => {
      if (res.writableFinished) return;
      aborted = true;
      abort.emit('abort');
    });
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const query = q < 0 ? '' : url.slice(q).replace(/#.*$/, '');
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
    let upstream: Dispatcher.ResponseData;
    try {
      const assertion = await this.signer!.assertion(caller, resource.name);
      upstream = await this.pool(resource.origin).request({
        method: rec.method,
        path: path.path + query,
        headers: upstreamHeaders(req.rawHeaders, { clientAddress: plainAddress(req.socket.remoteAddress), host: req.headers.host ?? '', assertion, proto: rec.tunnel ? 'http' : 'https' }),
        body: hasBody ? Readable.from(counted(req, rec), { objectMode: false }) : null,
        signal: abort,
      });
    } catch (err) {
      if (aborted || res.destroyed) return;
      this.log.warn({ resource: resource.name, err: (err as Error).message }, 'upstream request failed');
      this.bad(res, 502, `${resource.name} did not answer`);
      return;
    }
    try {
      res.writeHead(upstream.statusCode, clientHeaders(upstream.headers));
    } catch (err) {
      // A status or header Node will not send (the upstream's answer is malformed).
      upstream.body.destroy();
      this.log.warn({ resource: resource.name, err: (err as Error).message }, 'upstream answer refused');
      this.bad(res, 502, `${resource.name} gave an answer that cannot be passed on`);
      return;
    }
    // Plain writes with backpressure rather than stream.pipeline: its end-of-stream machinery
    // cost more per request than the rest of the proxy (docs/performance.md).
    const body = upstream.body;
    body.on('data', (chunk: Buffer) => {
      rec.bytesOut += chunk.length;
      if (!res.write(chunk)) body.pause();
    });
    res.on('drain', () => body.resume());
    body.once('end', () => res.end());
    // Either side going away mid-body closes the other; the record says how far it got.
    body.once('error', () => res.destroy());
    res.once('close', () => { if (!body.readableEnded) body.destroy(); });
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    this.serveUpgrade(req, socket, head, this.callers.byOverlay(plainAddress(socket.remoteAddress)), true);
  }

  /** Decides and forwards one upgrade (a websocket) of `caller`, as `serve` does a request. */
  serveUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, caller: Caller | undefined, tunnel: boolean): void {
    const started = process.hrtime.bigint();
    const source = plainAddress(socket.remoteAddress);
    const rec = this.newRecord(req, tunnel);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.emit(rec, started, source);
    };
    socket.once('close', finish);
    socket.on('error', () => socket.destroy());
    const d = this.decide(req, rec, caller, source);
    if ('status' in d) {
      rec.deniedReason = d.reason;
      rec.status = d.status;
      rawAnswer(socket, d.status, errorPage(d.status, d.reason));
      return;
    }
    this.forwardUpgrade(req, socket, head, rec, d.caller, d.resource, d.path).catch((err: Error) => {
      this.log.warn({ resource: d.resource.name, err: err.message }, 'proxying an upgrade failed');
      socket.destroy();
    });
  }

  private async forwardUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, rec: HttpRequestRecord, caller: Caller, resource: ProxyResource, path: CanonicalPath): Promise<void> {
    const abort = new EventEmitter();
    socket.once('close', () => abort.emit('abort'));
    const url = req.url ?? '';
    const q = url.indexOf('?');
    let up: Duplex;
    let headers: Record<string, string | string[] | undefined>;
    try {
      const assertion = await this.signer!.assertion(caller, resource.name);
      ({ socket: up, headers } = await this.pool(resource.origin).upgrade({
        method: rec.method,
        path: path.path + (q < 0 ? '' : url.slice(q).replace(/#.*$/, '')),
        headers: upstreamHeaders(req.rawHeaders, { clientAddress: plainAddress(socket.remoteAddress), host: req.headers.host ?? '', assertion, proto: rec.tunnel ? 'http' : 'https' }),
        protocol: req.headers.upgrade ?? 'websocket',
        signal: abort,
      }));
    } catch (err) {
      if (socket.destroyed) return;
      this.log.warn({ resource: resource.name, err: (err as Error).message }, 'upstream upgrade failed');
      rec.status = 502;
      rawAnswer(socket, 502, errorPage(502, `${resource.name} did not accept the upgrade`));
      return;
    }
    if (socket.destroyed) {
      up.destroy();
      return;
    }
    rec.status = 101;
    this.tracker.upgraded(socket, up);
    let text = 'HTTP/1.1 101 Switching Protocols\r\n';
    for (const [k, v] of Object.entries(clientHeaders(headers, true))) for (const one of Array.isArray(v) ? v : [v]) text += `${k}: ${one}\r\n`;
    socket.write(`${text}\r\n`);
    if (head.length > 0) up.write(head);
    socket.on('data', (c: Buffer) => { rec.bytesIn += c.length; });
    up.on('data', (c: Buffer) => { rec.bytesOut += c.length; });
    up.on('error', () => up.destroy());
    up.once('close', () => socket.destroy());
    socket.once('close', () => up.destroy());
    socket.pipe(up);
    up.pipe(socket);
  }
}

/** A request body passed through while its bytes are counted. */
async function* counted(req: IncomingMessage, rec: HttpRequestRecord): AsyncGenerator<Buffer> {
  for await (const chunk of req as AsyncIterable<Buffer>) {
    rec.bytesIn += chunk.length;
    yield chunk;
  }
}

/** An answer written on a raw socket (an upgrade that is refused), then the socket ends. */
function rawAnswer(socket: Socket, status: number, body: string): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`);
}
