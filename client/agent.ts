// The session agent: keeps the Client.Watch stream of one session open and acts on it
// (entitlement changes applied to the tunnel live; revocation or expiry tears the tunnel
// down and records why), sends posture heartbeats at the server's interval, warns before
// the certificate or session expires, and reopens a broken stream on the next controller of
// the login's list (common/failover.ts: at once within a round, with backoff and full jitter
// after a round without success); after reopening it reads the session once (a heartbeat), so
// that an end missed while switching is not lost. It also probes the gateways' health (moving a down gateway's destinations to its
// standby), runs the session's DNS forwarder (answers routed before they are returned) and
// points the system resolver at it.
import { status as grpcStatus } from '@grpc/grpc-js';
import { FAILOVER_BACKOFF, FailoverSchedule } from '../common/failover.js';
import type { Logger } from '../common/log.js';
import { grpcErrorMessage, isServiceError } from '../common/grpc.js';
import { MAX_TIMER_MS } from '../common/timer.js';
import type { Posture__Output } from '../proto/generated/wicket/v1/Posture.js';
import type { Session__Output } from '../proto/generated/wicket/v1/Session.js';
import type { SessionEvent__Output } from '../proto/generated/wicket/v1/SessionEvent.js';
import type { AgentApi, EventStream } from './api.js';
import type { ClientGatewayPeer__Output } from '../proto/generated/wicket/v1/ClientGatewayPeer.js';
import type { StateDir } from './state.js';
import type { TunnelOps } from './tunnel.js';
import { applyPlan, endSession, storedGateways } from './session-lifecycle.js';
import { DNS_PORT, dnsNameMatches } from '../common/dns-names.js';
import { askGateway, DnsForwarder, type DnsTarget } from './dns-forwarder.js';
import { GatewayProber, HealthTracker, type ProbeSender, type Scheduler } from './gateway-health.js';
import { LearnedRoutes, refusedAddress, type LearnGuard } from './learned-routes.js';
import { splitHostPort } from '../common/pki.js';
import { parseGateways, routeName, type GatewayPeer } from './plan.js';
import { configureResolver, revertResolver, routingDomains, type ResolverHost } from './system-resolver.js';

export interface AgentOptions {
  state: StateDir;
  api: AgentApi;
  tunnel: TunnelOps;
  posture: () => Promise<Posture__Output>;
  log: Logger;
  /** Reconnect backoff bounds after a round of failed controllers (defaults 250 ms .. 10 s, common/failover.ts). */
  backoffMs?: { initial: number; max: number };
  /** Source of the backoff's jitter, [0, 1) (Math.random unless a test fixes it). */
  random?: () => number;
  /** Heartbeat interval until the server says otherwise (default 30 s). */
  heartbeatMs?: number;
  /** Warn this long before the certificate or the session expires (default 10 min). */
  warnBeforeMs?: number;
  /** Gateway health probes (dnsProbe in production); none without. */
  probe?: ProbeSender;
  schedule?: Scheduler;
  /** The health clock (the fail-back hold-down); Date.now unless a test fakes it. */
  now?: () => number;
  /**
   * The DNS forwarder: listens on `address` (default the session's IPv4 overlay address) at
   * `port`, asks gateways at `upstreamPort` (default 53); none without.
   */
  dns?: { port: number; address?: string; upstreamPort?: number };
  /** The system resolver to point at the forwarder; left alone without. */
  resolver?: ResolverHost;
}

/** How the agent's run ended. */
export interface AgentResult {
  /** "revoked", "expired", "ended" (refused by the controller) or "stopped" (told to stop). */
  state: string;
  reason: string;
}

/** gRPC codes after which reconnecting cannot help: the controller no longer knows or allows the session. */
const FINAL_CODES = new Set<number>([grpcStatus.NOT_FOUND, grpcStatus.PERMISSION_DENIED, grpcStatus.UNAUTHENTICATED]);

/** How often learned answers past their TTL (and margin) are looked for. */
const LEARNED_SWEEP_MS = 15_000;
/** How long the new carrier of a name has to answer the failover re-ask. */
const REASK_TIMEOUT_MS = 3000;

export class SessionAgent {
  private stream: EventStream | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private queue: Promise<void> = Promise.resolve();
  private finished = false;
  private resolveRun!: (r: AgentResult) => void;
  private readonly done = new Promise<AgentResult>((r) => { this.resolveRun = r; });
  /** Which controller the Watch stream uses, and the wait before the next one. */
  private readonly failover: FailoverSchedule;
  /** Streams opened so far (the first needs no read of the session: nothing was missed yet). */
  private opened = 0;
  private heartbeatMs: number;
  private expiryTimer: NodeJS.Timeout | undefined;
  private readonly warned = new Set<string>();
  /** The gateways as last applied (validated, with preshared keys). */
  private gateways: GatewayPeer[] = [];
  private entitlements: Session__Output['entitlements'] = [];
  private readonly health: HealthTracker;
  private readonly learned = new LearnedRoutes();
  /** Learned name → the carrier whose answer was asked for after it moved. */
  private readonly reasked = new Map<string, string>();
  /** "<name> <gateway>" asks in flight. */
  private readonly reasking = new Set<string>();
  private prober: GatewayProber | undefined;
  private forwarder: DnsForwarder | undefined;
  /** What the system resolver was last set up for (forwarder running, domains). */
  private resolverKey: string | undefined;

  constructor(private readonly o: AgentOptions) {
    this.health = new HealthTracker(o.now);
    const backoff = o.backoffMs ? { baseMs: o.backoffMs.initial, capMs: o.backoffMs.max } : FAILOVER_BACKOFF;
    this.failover = new FailoverSchedule(o.api.endpoints.length, { backoff, random: o.random, start: o.api.current() });
    this.heartbeatMs = o.heartbeatMs ?? 30_000;
  }

  private get sessionId(): string {
    const s = this.o.state.session();
    if (!s) throw new Error(`no session in ${this.o.state.dir}`);
    return s.sessionId;
  }

  /** Runs until the session ends or stop() is called. */
  run(): Promise<AgentResult> {
    const s = this.o.state.session();
    if (!s || s.state !== 'active') {
      return Promise.resolve({ state: s?.state ?? 'none', reason: s ? `session is ${s.state}` : 'no session' });
    }
    this.o.log.info({ session: s.sessionId, interface: s.interface }, 'session agent started');
    this.armExpiry(s.expiresAtMs);
    this.armCertWarning();
    this.gateways = storedGateways(this.o.state);
    this.entitlements = s.entitlements;
    this.health.setGateways(this.gateways);
    this.enqueue(() => this.startDns());
    this.sweepLearned();
    if (this.o.probe) {
      this.prober = new GatewayProber({
        tracker: this.health, send: this.o.probe, schedule: this.o.schedule,
        targets: () => this.gateways.flatMap((g) => (g.serviceAddresses[0] ? [{ gateway: g.gateway, address: g.serviceAddresses[0] }] : [])),
        onChange: (down) => this.enqueue(async () => {
          this.o.log.warn({ down: [...down] }, down.size ? `gateways not answering: ${[...down].join(', ')}` : 'all gateways answering');
          await this.replan();
        }),
      });
      this.prober.start();
    }
    this.connect();
    void this.heartbeat();
    return this.done;
  }

  /** Stops following the session without touching the tunnel (`wicket down` tears it down). */
  stop(): void {
    this.finish({ state: 'stopped', reason: 'agent stopped' });
  }

  private finish(result: AgentResult): void {
    if (this.finished) return;
    this.finished = true;
    this.stream?.cancel();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.prober?.stop();
    const forwarder = this.forwarder;
    this.forwarder = undefined;
    void (forwarder?.stop() ?? Promise.resolve()).then(() => this.resolveRun(result));
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, Math.min(Math.max(ms, 0), MAX_TIMER_MS));
    this.timers.add(t);
    return t;
  }

  /** Runs `fn` after every change queued before it (changes to the tunnel never interleave). */
  private serial(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs event handlers one at a time, in arrival order. */
  private enqueue(fn: () => Promise<void>): void {
    this.serial(fn).catch((err: unknown) => this.o.log.error({ err: grpcErrorMessage(err) }, 'handling a session event failed'));
  }

  private connect(): void {
    if (this.finished) return;
    this.o.api.use(this.failover.current);
    const stream = this.o.api.watch(this.sessionId);
    this.stream = stream;
    const reopened = this.opened++ > 0;
    let closed = false;
    let answered = false;
    // Decided after the events already received are handled: a stream that ends right
    // after "revoked" has ended the session, and must not be reopened. Any other end moves
    // to the next controller (the one that failed is retried after the rest of the round).
    const reconnect = (why: string) => this.enqueue(async () => {
      if (closed || this.finished) return;
      closed = true;
      const from = this.o.api.endpoints[this.failover.current];
      const { index, delayMs } = this.failover.failed();
      this.o.log.warn({ retryInMs: delayMs, from, to: this.o.api.endpoints[index] }, `watch stream closed (${why}); reconnecting`);
      this.later(delayMs, () => this.connect());
    });
    stream.on('data', (event) => {
      if (!answered) {
        answered = true;
        this.enqueue(async () => this.onStreamAnswered(reopened));
      }
      this.enqueue(() => this.onEvent(event));
    });
    stream.on('error', (err) => {
      if (this.finished) return;
      if (isServiceError(err) && err.code === grpcStatus.CANCELLED) return reconnect('cancelled');
      if (isServiceError(err) && FINAL_CODES.has(err.code)) {
        closed = true;
        const reason = `controller refused the session: ${grpcErrorMessage(err)}`;
        this.enqueue(() => this.end('ended', reason));
        return;
      }
      reconnect(grpcErrorMessage(err));
    });
    stream.on('end', () => reconnect('ended by the controller'));
  }

  /**
   * The stream's controller answered: it is kept (and shown by `wicket status`) until it
   * fails. A reopened stream starts with the controller's current state; the session is also
   * read once more, so that its end is seen even if it happened while no stream was open.
   */
  private async onStreamAnswered(reopened: boolean): Promise<void> {
    if (this.finished) return;
    this.failover.succeeded();
    const endpoint = this.o.api.endpoints[this.failover.current] ?? '';
    if (this.o.state.session()?.controller !== endpoint) this.o.state.updateSession((r) => ({ ...r, controller: endpoint }));
    if (reopened) this.later(0, () => void this.heartbeat(false));
  }

  private async onEvent(e: SessionEvent__Output): Promise<void> {
    if (this.finished) return;
    const session = e.session;
    switch (e.kind) {
      case 'revoked':
      case 'expired':
        return this.end(e.kind, e.message || session?.endReason || e.kind);
      case 'expiring':
        this.o.log.warn({ expiresAt: session ? new Date(session.expiresAtMs).toISOString() : undefined }, e.message || 'session expiring soon');
        return;
      case 'state':
      case 'updated':
        if (session && session.state !== 'active') return this.end(session.state, session.endReason || e.message || session.state);
        return this.apply(session, e.gateways, e.message);
      default:
        this.o.log.debug({ kind: e.kind }, e.message || 'session event');
    }
  }

  private async apply(session: Session__Output | null, gateways: ClientGatewayPeer__Output[], message: string): Promise<void> {
    this.gateways = parseGateways(gateways);
    if (session) this.entitlements = session.entitlements;
    this.health.setGateways(this.gateways);
    this.learned.prune(this.patterns());
    const next = await this.replan(session ?? undefined);
    this.armExpiry(next.expiresAtMs);
    this.o.log.info({ routes: next.routes, gateways: next.gateways.map((g) => g.gateway) }, message || 'session state applied');
    await this.syncResolver();
  }

  /** Plans and applies the tunnel for the current gateways, health and learned answers. */
  private async replan(session?: Session__Output) {
    const next = await applyPlan(this.o.state, this.o.tunnel, this.gateways, { session, down: this.health.down(), learned: this.learned.list() });
    this.reaskMoved();
    return next;
  }

  /**
   * Learned names whose carrier changed (failover, or back): only the gateway that answered
   * a name holds its addresses in the session's sets, so the new carrier is asked for the name
   * (it resolves it and adds the elements) and ITS answer is routed to it. Until it answers, the
   * name's addresses stay where they are; a failed ask is retried at the next sweep or change.
   */
  private reaskMoved(): void {
    const dns = this.o.dns;
    if (!dns || this.finished) return;
    const names = this.learned.names();
    for (const name of this.reasked.keys()) if (!names.has(name)) this.reasked.delete(name);
    const down = this.health.down();
    for (const [name, via] of names) {
      const r = routeName(name, this.gateways, this.entitlements, down);
      if (!r || down.has(r.carrier) || [...via].every((g) => g === r.carrier) || this.reasked.get(name) === r.carrier) continue;
      const address = this.gateways.find((g) => g.gateway === r.carrier)?.serviceAddresses[0];
      const key = `${name} ${r.carrier}`;
      if (!address || this.reasking.has(key)) continue;
      this.reasking.add(key);
      void askGateway({ gateway: r.carrier, address, port: dns.upstreamPort ?? DNS_PORT }, name, REASK_TIMEOUT_MS)
        .then(({ addresses, ttl }) => this.serial(async () => {
          if (this.finished || addresses.length === 0) return;
          if (routeName(name, this.gateways, this.entitlements, this.health.down())?.carrier !== r.carrier) return;
          await this.learn(name, r.carrier, addresses, ttl);
          this.reasked.set(name, r.carrier);
        }))
        .catch((err: unknown) => this.o.log.warn({ name, gateway: r.carrier, err: (err as Error).message }, 'asking the new carrier of a name failed; its addresses stay where they are'))
        .finally(() => this.reasking.delete(key));
    }
  }

  /** Every name and wildcard some gateway answers for this session. */
  private patterns(): string[] {
    return [...new Set(this.gateways.flatMap((g) => g.dnsNames))];
  }

  /** Starts the DNS forwarder on the overlay address (the interface is up by now). */
  private async startDns(): Promise<void> {
    const dns = this.o.dns;
    const s = this.o.state.session();
    if (!dns || !s || this.finished) return;
    const address = dns.address ?? s.overlayAddress;
    const forwarder = new DnsForwarder({
      address, port: dns.port, log: this.o.log,
      localAddresses: [address, s.overlayAddress, s.overlayIpv6].filter((a) => a !== ''),
      route: (name) => this.dnsTarget(name, dns.upstreamPort ?? DNS_PORT),
      learn: (name, gateway, addresses, ttl) => this.serial(() => this.learn(name, gateway, addresses, ttl)),
    });
    try {
      await forwarder.start();
    } catch (err) {
      this.o.log.error({ err: (err as Error).message, address }, 'the DNS forwarder cannot listen: resource names will not resolve');
      return;
    }
    if (this.finished) return void forwarder.stop();
    this.forwarder = forwarder;
    this.o.state.updateSession((r) => ({ ...r, dnsForwarder: address }));
    await this.syncResolver();
  }

  /**
   * Routes `gateway`'s answer for `name` (a rejection makes the forwarder answer SERVFAIL):
   * refused when the gateway no longer serves the name, when an address is the client's own
   * connectivity (it would be pulled into the tunnel), or when the table is full.
   */
  private async learn(name: string, gateway: string, addresses: readonly string[], ttl: number): Promise<void> {
    if (!this.gateways.some((g) => g.gateway === gateway && g.dnsNames.some((p) => dnsNameMatches(p, name)))) {
      throw new Error(`gateway ${gateway} no longer serves ${name}`);
    }
    const guard = this.learnGuard();
    const refused = addresses.flatMap((a) => {
      const why = refusedAddress(a, guard);
      return why ? [`${a} (${why})`] : [];
    });
    if (refused.length) throw new Error(`refusing to route ${name} to ${refused.join(', ')}`);
    if (this.learned.add(name, gateway, addresses, ttl)) await this.replan();
  }

  /** The client's own connectivity, which no DNS answer may pull into the tunnel. */
  private learnGuard(): LearnGuard {
    const s = this.o.state.session();
    const own = [s?.overlayAddress ?? '', s?.overlayIpv6 ?? '', ...this.gateways.flatMap((g) => g.serviceAddresses)].filter((a) => a !== '');
    const endpointHosts = this.gateways.flatMap((g) => {
      try { return [splitHostPort(g.endpoint).host]; } catch { return []; }
    });
    // The IPv4 pool is not sent to clients; the IPv6 overlay is the session address's /64.
    return { own, endpointHosts, overlay: s?.overlayIpv6 ? [`${s.overlayIpv6}/64`] : [] };
  }

  /** Every LEARNED_SWEEP_MS: routes of answers past their TTL and margin go. */
  private sweepLearned(): void {
    this.later(LEARNED_SWEEP_MS, () => this.enqueue(async () => {
      if (this.finished) return;
      if (this.learned.expire()) await this.replan();
      else this.reaskMoved();
      this.sweepLearned();
    }));
  }

  private dnsTarget(name: string, port: number): DnsTarget | undefined {
    const r = routeName(name, this.gateways, this.entitlements, this.health.down());
    const address = r && this.gateways.find((g) => g.gateway === r.carrier)?.serviceAddresses[0];
    return r && address ? { gateway: r.carrier, address, port } : undefined;
  }

  /** Points the system resolver at the forwarder for the current names (only when they changed). */
  private async syncResolver(): Promise<void> {
    const s = this.o.state.session();
    if (!s || !this.o.resolver) return;
    const domains = routingDomains(this.patterns());
    const key = `${this.forwarder ? 'on' : 'off'} ${domains.join(' ')}`;
    if (key === this.resolverKey) return;
    this.resolverKey = key;
    await revertResolver(s.interface, s.dnsSetup, this.o.resolver);
    const setup = !this.forwarder ? { resolver: 'none' as const, domains, note: 'the DNS forwarder is not running (see the agent log): resource names do not resolve' }
      : await configureResolver(s.interface, s.dnsForwarder, this.patterns(), this.o.resolver);
    if (setup.note) this.o.log.warn(setup.note);
    this.o.state.updateSession((r) => ({ ...r, dnsSetup: setup }));
  }

  private async end(state: string, reason: string): Promise<void> {
    if (this.finished) return;
    await endSession(this.o.state, this.o.tunnel, state, reason, this.o.log, this.o.resolver);
    this.finish({ state, reason });
  }

  private armExpiry(expiresAtMs: number): void {
    if (this.expiryTimer) {
      clearTimeout(this.expiryTimer);
      this.timers.delete(this.expiryTimer);
    }
    const remaining = expiresAtMs - Date.now();
    const warnAt = remaining - (this.o.warnBeforeMs ?? 600_000);
    if (warnAt > 0) this.later(warnAt, () => this.warnOnce(`session-${expiresAtMs}`, `session expires at ${new Date(expiresAtMs).toISOString()}`));
    this.expiryTimer = this.later(remaining, () => {
      // Re-armed timers (long waits) land here early; only a real expiry ends the session.
      if (Date.now() < expiresAtMs) return this.armExpiry(expiresAtMs);
      this.enqueue(() => this.end('expired', `session expired at ${new Date(expiresAtMs).toISOString()}`));
    });
  }

  private armCertWarning(): void {
    const login = this.o.state.login();
    if (!login) return;
    const warnIn = login.certExpiresAtMs - (this.o.warnBeforeMs ?? 600_000) - Date.now();
    this.later(warnIn, () => {
      if (Date.now() < login.certExpiresAtMs - (this.o.warnBeforeMs ?? 600_000)) return this.armCertWarning();
      this.warnOnce('cert', `login certificate expires at ${new Date(login.certExpiresAtMs).toISOString()}: run wicket login again`);
    });
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.o.log.warn(message);
  }

  /** Sends a heartbeat; `again` schedules the next (false for the extra read after a reopen). */
  private async heartbeat(again = true): Promise<void> {
    if (this.finished) return;
    try {
      const res = await this.o.api.heartbeat(this.sessionId, await this.o.posture());
      if (res.intervalMs > 0) this.heartbeatMs = res.intervalMs;
      if (res.session && res.session.state !== 'active') {
        const s = res.session;
        this.enqueue(() => this.end(s.state, s.endReason || s.state));
        return;
      }
    } catch (err) {
      this.o.log.warn({ err: grpcErrorMessage(err) }, 'heartbeat failed');
    }
    if (again) this.later(this.heartbeatMs, () => void this.heartbeat());
  }
}
