// The session lifecycle: Connect (policy decision, overlay address, per-gateway preshared
// keys, push to gateways, wait for their acks), re-evaluation whenever something that fed a
// decision changes (policy, groups, user or device state, posture, time), and the end of a
// session (revoke, expiry, disconnect, missing heartbeats). Every change is one store
// transaction, which also logs the gateway versions it implies (sync/fanout.ts `record`: the
// controller holding each gateway's stream sends them, in version order); the client events
// it implies are sent after it commits.
// Connects arriving in the same event-loop turn share one transaction and one delta per
// gateway (group commit, batch.ts): per-session commits and gateway applies capped throughput.
// The store is asynchronous: a batch's transaction is awaited, and the Connects arriving
// meanwhile gather into the next batch. Other changes (revocations, expiry) may commit in
// between (SQLite runs transactions one after the other on its connection; PostgreSQL
// makes writers take turns on one lock, and runs one that conflicted again). So a
// transaction body only reads and writes the store and returns what it decided; memory,
// timers and clients are touched after it returns.
// Whatever throws after a commit (building a gateway entry, client events, timers) is
// reported as an internal error and the affected session is ended cleanly: it never escapes
// to the event loop (no promise is left without a catch), and a session whose state cannot
// be sent never lingers half-open.
// The pieces it orchestrates live beside it: admission of a Connect batch (admission.ts), the
// write half of a change (commit.ts), the decision (decision.ts), wire views (views.ts),
// preshared keys (psk.ts), expiry timers (deadlines.ts), the standing check
// (revocation/standing.ts) and the event-loop batch (batch.ts).
import type { Logger } from '../../common/log.js';
import type { Session } from '../../proto/generated/wicket/v1/Session.js';
import type { ClientGatewayPeer } from '../../proto/generated/wicket/v1/ClientGatewayPeer.js';
import type { ConnectResponse } from '../../proto/generated/wicket/v1/ConnectResponse.js';
import type { GatewaySession } from '../../proto/generated/wicket/v1/GatewaySession.js';
import type { SessionEvent } from '../../proto/generated/wicket/v1/SessionEvent.js';
import type { Approval, Denial, Entitlement, Policy, Posture } from '../policy/index.js';
import { EMPTY_POSTURE } from '../policy/posture.js';
import type { Store } from '../store/store.js';
import type { SessionGatewayRecord, SessionRecord } from './session-store.js';
import type { Audit } from '../audit/audit.js';
import type { MasterKey } from '../crypto/masterkey.js';
import { DomainError, deadlineExceeded, failedPrecondition, notFound, resourceExhausted } from '../errors.js';
import type { InternalErrorReporter } from '../internal-errors.js';
import type { LoggedChange, SyncFanout } from '../sync/fanout.js';
import type { Pool } from './ipam.js';
import { SessionEvents } from './events.js';
import { MicroBatch } from './batch.js';
import { TokenBuckets } from '../throttle/token-buckets.js';
import { deviceStandingRefusal } from '../revocation/standing.js';
import { entitlementsEqual, sameGroups } from './entitlements.js';
import { clampEntitlements, decide, loginOf, summarizeDenials, type Decision } from './decision.js';
import { clientPeer, gatewaySession, sessionView, type GatewayFacts, type SessionStats } from './views.js';
import { ipv6Twin } from './overlay-ipv6.js';
import { openPsk, sealPsk } from './psk.js';
import { openSessions, Refused, type AdmissionContext, type AppliedPolicy, type ConnectRequest, type DeviceCaller, type OpenedSession } from './admission.js';
import { changeFor, commitChanges, type Change, type CommitContext } from './commit.js';
import { Deadlines } from './deadlines.js';
import type { Notifier } from '../store/notifications.js';
import { notifySessionChanges, parseSessionChange, SESSION_CHANGE_CHANNEL } from './session-changes.js';
import { isAlive } from '../controllers/registry.js';

export interface SessionSettings {
  pool: Pool;
  /** The IPv6 overlay prefix (canonical, large enough for the pool: overlay-ipv6.ts). */
  overlayIpv6: string;
  /** How long Connect waits for gateway acks by default. */
  ackTimeoutMs: number;
  /** How often clients send heartbeats, and how long a silent session lives. */
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** Live sessions one user, and one device, may hold; a Connect past either is refused. */
  maxSessionsPerUser: number;
  maxSessionsPerDevice: number;
  /** Posture changes one device may report: a burst, then this many per minute. */
  postureChanges: { burst: number; perMinute: number };
}

export type { AppliedPolicy, ConnectRequest, DeviceCaller };

/** A Connect waiting for its batch (see admit). */
interface Admission {
  caller: DeviceCaller;
  request: ConnectRequest;
  resolve: (admitted: Admitted) => void;
  reject: (err: unknown) => void;
}

/** A stored session: the version of each gateway's change log that carries it. */
interface Admitted { session: SessionRecord; versions: Map<string, number>; gateways: string[]; denials: Denial[] }

const CURSOR_KEY = 'ipam.cursor';
const SWEEP_MS = 10_000;
/** Sessions told of a gateway's connectivity change per event-loop turn. */
const CONNECTIVITY_SLICE = 256;
/**
 * Times a batch is run again after PostgreSQL reported a unique violation on a live address
 * or key: a concurrent transaction took it first, and the next run sees it taken.
 */
const UNIQUE_RETRIES = 3;

const isUniqueViolation = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';

/** What a client was told of a session, as far as a change elsewhere can alter it (compared after a notification gap). */
const summary = (s: SessionRecord) => JSON.stringify([s.state, s.entitlements, s.groups, s.expiresAtMs]);

/** The changes ending each of `list`. */
const ended = (list: SessionRecord[], end: NonNullable<Change['end']>): Change[] => list.map((session) => ({ session, end }));

export class SessionManager {
  readonly events = new SessionEvents();
  private readonly deadlines = new Deadlines((id) => this.deadlineCame(id));
  private sweepTimer: NodeJS.Timeout | undefined;
  /** A sweep still running when the next is due is not doubled. */
  private sweeping = false;
  /** The latest connectivity change per gateway still being told to its sessions. */
  private readonly connectivityRuns = new Map<string, number>();
  private readonly admissions = new MicroBatch<Admission>((batch) => this.admit(batch));
  /** Posture changes per device: each one re-evaluates the device's sessions and may send gateway deltas. */
  private readonly postureChanges: TokenBuckets;
  /** What admission (admission.ts) and the write half of a change (commit.ts) work with. */
  private readonly admission: AdmissionContext;
  private readonly committing: CommitContext;
  private readonly unsubscribe: (() => void)[] = [];
  /** Changes heard from other controllers are followed one after the other, each reading the session as it is then. */
  private following: Promise<void> = Promise.resolve();

  constructor(private readonly deps: {
    store: Store;
    audit: Audit;
    masterKey: MasterKey;
    fanout: SyncFanout;
    /** Whether a gateway's stream is held by this or another alive controller (gateways/presence.ts); default: by this one. */
    isGatewayConnected?: (gateway: string) => boolean;
    /** Wake-ups between the controllers of the database: session changes are told and followed through it. */
    notifier?: Notifier;
    /** This controller's id (ControllerRegistry.id), sent with its session changes. */
    controllerId?: string;
    policy: () => AppliedPolicy | undefined;
    /** Live WireGuard figures of a session from gateway telemetry, when known. */
    stats?: (sessionId: string) => Promise<SessionStats | undefined> | SessionStats | undefined;
    /**
     * The user's approved just-in-time requests still running at `now` (their expiry becomes
     * the entitlement's), read through `store` (a transaction's, during admission).
     */
    approvals?: (store: Store, user: string, now: number) => Promise<Approval[]> | Approval[];
    settings: SessionSettings;
    log: Logger;
    now?: () => number;
    /** Logs and counts an error caught after a commit or in a timer (controller/internal-errors.ts). */
    reportInternal?: InternalErrorReporter;
  }) {
    this.postureChanges = new TokenBuckets(deps.settings.postureChanges.burst, deps.settings.postureChanges.perMinute / 60);
    const seal = (sessionId: string, gateway: string, psk: string) => this.seal(sessionId, gateway, psk);
    this.admission = {
      audit: deps.audit, pool: deps.settings.pool,
      maxSessionsPerUser: deps.settings.maxSessionsPerUser, maxSessionsPerDevice: deps.settings.maxSessionsPerDevice,
      policy: () => deps.policy(), isGatewayConnected: (g) => this.isGatewayConnected(g),
      decide: (...args) => this.decide(...args), seal,
    };
    this.committing = {
      store: deps.store, audit: deps.audit, seal, record: (tx, changes) => deps.fanout.record(tx, changes),
      changed: (tx, ids) => this.notifyChanged(tx, ids),
    };
  }

  private isGatewayConnected(gateway: string): boolean {
    return this.deps.isGatewayConnected ? this.deps.isGatewayConnected(gateway) : this.deps.fanout.isConnected(gateway);
  }

  /** Tells the other controllers, when `tx` commits, that `ids` changed (their clients and timers follow). */
  private async notifyChanged(tx: Store, ids: string[]): Promise<void> {
    if (this.deps.notifier && this.deps.controllerId) await notifySessionChanges(this.deps.notifier, tx, this.deps.controllerId, ids);
  }

  private internal(where: string, err: unknown): void {
    if (this.deps.reportInternal) this.deps.reportInternal(where, err);
    else this.deps.log.error({ err, where }, 'internal error caught');
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  get heartbeatIntervalMs(): number {
    return this.deps.settings.heartbeatIntervalMs;
  }

  appliedPolicy(): AppliedPolicy | undefined {
    return this.deps.policy();
  }

  private get sessions() {
    return this.deps.store.sessions;
  }

  /** Arms expiry timers and the periodic sweep; ends what expired while the controller was down. */
  async start(): Promise<void> {
    const now = this.now();
    // Clients could not heartbeat while the controller was down: give them a fresh window.
    // Not when another controller is running: the clients heartbeat there (they fail over),
    // so their windows are current, and a grace would only keep dead sessions alive longer;
    // a controller restarting over and over next to running ones would keep them forever.
    if (!(await this.othersAlive(now))) await this.sessions.graceHeartbeats(now);
    if (this.deps.notifier) {
      const { notifier } = this.deps;
      // Listening before the sessions are read below: a change committed elsewhere meanwhile is followed too.
      this.unsubscribe.push(
        notifier.listen(SESSION_CHANGE_CHANNEL, (payload) => this.follow(() => this.changedElsewhere(payload))),
        notifier.onGap(() => this.follow(() => this.rereadWatched())),
      );
    }
    await this.reevaluateAll('controller start', 'system');
    // Sessions the start-up evaluation left unchanged still need their expiry timers: the
    // timers of the previous run died with it.
    for (const s of await this.sessions.active()) if (!this.deadlines.has(s.id)) this.armDeadline(s);
    this.sweepTimer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = true;
      void this.sweep().catch((err: unknown) => this.internal('sessions.sweep', err)).finally(() => {
        this.sweeping = false;
      });
    }, SWEEP_MS);
    this.sweepTimer.unref();
  }

  stop(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
    clearInterval(this.sweepTimer);
    this.deadlines.clear();
    this.events.closeAll();
  }

  /** Whether another controller heartbeats in the registry (this one registers after its modules start). */
  private async othersAlive(now: number): Promise<boolean> {
    if (this.deps.store.dialect === 'sqlite') return false;
    return (await this.deps.store.controllers.list()).some((c) => c.id !== this.deps.controllerId && isAlive(c, now));
  }

  // ---- Changes committed on other controllers ---------------------------------------------

  /** Runs `step` after the steps before it; what it throws is reported. */
  private follow(step: () => Promise<void>): void {
    this.following = this.following.then(step).catch((err: unknown) => this.internal('sessions.follow', err));
  }

  /** A 'wicket_session_change' notification: another controller changed these sessions. */
  private async changedElsewhere(payload: string): Promise<void> {
    const { from, ids, all } = parseSessionChange(payload);
    if (from === this.deps.controllerId) return;
    if (all) {
      // Many sessions changed at once (a policy apply): watched ones are told, every timer re-armed.
      await this.rereadWatched();
      for (const s of await this.sessions.active()) this.armDeadline(s);
      return;
    }
    if (ids.length === 0) return;
    // One query for the sessions still active (the common case: opened or updated); an ended one is read alone when watched.
    const active = new Map((await this.sessions.activeOf(ids)).map((s) => [s.id, s]));
    for (const id of ids) await this.followSession(id, false, active.get(id) ?? null);
  }

  /** Notifications may have been lost: every watched session whose state differs from what its clients were sent is told. */
  private async rereadWatched(): Promise<void> {
    for (const id of this.events.watched()) await this.followSession(id, true);
  }

  /**
   * Does for a session changed elsewhere what `commit` does after its own changes: the expiry
   * timer armed or disarmed, the watchers told (updated, or revoked / expired and their
   * streams closed). `active`: the session when known to be active, null when known not to
   * be; read here when undefined. `onlyChanged`: watchers of an active session are told only
   * when its state differs from what they were sent. Never rejects.
   */
  private async followSession(id: string, onlyChanged: boolean, active?: SessionRecord | null): Promise<void> {
    try {
      const s = active ?? (active === null && this.events.watching(id) === 0 ? undefined : await this.sessions.get(id));
      if (s?.state === 'active') {
        this.armDeadline(s);
        if (this.events.watching(id) === 0 || (onlyChanged && this.events.lastSent(id) === summary(s))) return;
        this.events.emit(id, { kind: 'updated', session: await this.view(s), gateways: await this.clientPeers(s), message: 'entitlements changed' });
        this.events.noteSent(id, summary(s));
        return;
      }
      this.disarmDeadline(id);
      if (s && this.events.watching(id) > 0) this.events.emit(id, { kind: s.state === 'expired' ? 'expired' : 'revoked', session: await this.view(s), gateways: [], message: s.endReason });
      this.events.close(id);
    } catch (err) {
      this.internal('sessions.follow', err);
      await this.endBroken(id);
    }
  }

  /** A client's Watch sent the session's current state: what a change heard later is compared with. */
  watchOpened(s: SessionRecord): void {
    this.events.noteSent(s.id, summary(s), true);
  }

  // ---- Connect ------------------------------------------------------------------------

  /**
   * What the policy gives this caller now with this posture (ListResources): the same
   * decision Connect makes, with MFA and identity-provider groups from the login.
   */
  async decideFor(caller: DeviceCaller, posture: Posture | null | undefined): Promise<{ policy: Policy; entitlements: Entitlement[]; denials: Denial[] }> {
    const applied = this.deps.policy();
    if (!applied) throw failedPrecondition('no policy has been applied yet');
    const now = this.now();
    const { store } = this.deps;
    const { mfa } = await loginOf(store, caller.certSerial);
    const decision = await this.decide(store, applied.policy, caller.user, caller.certSerial, { ...EMPTY_POSTURE, ...(posture ?? {}) }, mfa, now, now);
    return { policy: applied.policy, ...decision };
  }

  /**
   * Opens a session and answers once every gateway it uses acknowledged it. Connects that
   * arrive within one turn of the event loop are decided and stored in one transaction and
   * reach each gateway as one delta (see admit); the answer never leaves before the commit.
   */
  async connect(caller: DeviceCaller, request: ConnectRequest): Promise<ConnectResponse> {
    const { session, versions, gateways, denials } = await new Promise<Admitted>((resolve, reject) => this.admissions.add({ caller, request, resolve, reject }));
    const timeoutMs = request.ackTimeoutMs || this.deps.settings.ackTimeoutMs;
    try {
      // Only connected gateways are waited for (admission saw each resource reachable
      // through one of them); the others apply the session when they come back.
      await Promise.all(gateways.filter((g) => versions.has(g) && this.isGatewayConnected(g)).map((g) => this.deps.fanout.waitForAck(g, versions.get(g)!, timeoutMs)));
    } catch (err) {
      try {
        await this.commit((tx) => this.ending(tx, [session.id], { state: 'disconnected', reason: (err as Error).message }), 'system');
      } catch (ending) {
        this.internal('sessions.connect', ending);
        await this.endBroken(session.id);
      }
      throw deadlineExceeded(`${(err as Error).message}; the session was not opened`);
    }
    try {
      const current = await this.sessions.get(session.id);
      if (!current) throw new Error(`session ${session.id} vanished after its commit`);
      // Ended meanwhile: its gateway entry could not be built (gatewayEntries).
      if (current.state !== 'active') throw new DomainError('internal', 'internal error; the session was not opened');
      const acks = await this.sessions.gateways(current.id);
      return { session: await this.view(current, acks), gateways: await this.clientPeers(current, acks), denials };
    } catch (err) {
      // The session is committed and enforced, but its client cannot be told how to use it.
      await this.endBroken(session.id);
      throw err;
    }
  }

  /**
   * Decides and stores a batch of Connects: one transaction (a refused request writes nothing
   * but its denial's audit record, and leaves the others) that logs one version per gateway
   * carrying every new session. Each request is answered here; this never rejects.
   */
  private async admit(batch: Admission[]): Promise<void> {
    try {
      await this.admitBatch(batch);
    } catch (err) {
      // Only reached by a bug in admitBatch itself: every request still gets an answer.
      this.internal('sessions.connect', err);
      for (const a of batch) a.reject(new DomainError('internal', 'internal error; the session was not opened'));
    }
  }

  private async admitBatch(batch: Admission[]): Promise<void> {
    const { store } = this.deps;
    const now = this.now();
    type Opened = OpenedSession & { admission: Admission };
    let outcome: { opened: Opened[]; refused: { admission: Admission; err: unknown }[]; versions: Map<string, number> };
    for (let attempt = 1; ; attempt++) {
      try {
        // The body only reads and writes through `tx`: on PostgreSQL it may run again.
        outcome = await store.transaction(async (tx) => {
          const opened: Opened[] = [];
          const refused: { admission: Admission; err: unknown }[] = [];
          const cursor = { value: Number((await tx.settings.getText(CURSOR_KEY)) ?? 0) };
          const results = await openSessions(this.admission, tx, batch, now, cursor);
          results.forEach((result, i) => {
            const admission = batch[i]!;
            if (result instanceof Refused) refused.push({ admission, err: result.reason });
            else opened.push({ admission, ...result });
          });
          if (opened.length) await tx.settings.set(CURSOR_KEY, String(cursor.value));
          await this.notifyChanged(tx, opened.map((o) => o.session.id));
          const changes = new Map<string, LoggedChange>();
          for (const o of opened) for (const g of o.gateways) changeFor(changes, g).upserts.push(o.session.id);
          return { opened, refused, versions: await this.deps.fanout.record(tx, changes) };
        });
        break;
      } catch (err) {
        if (isUniqueViolation(err) && attempt < UNIQUE_RETRIES) continue;
        // The whole transaction rolled back: no session of this batch exists.
        for (const a of batch) a.reject(err);
        return;
      }
    }
    const { opened, refused, versions } = outcome;
    // The streams held here are sent the batch at once, not after the notification's round trip.
    void this.deps.fanout.flush(versions);
    for (const { admission, err } of refused) admission.reject(err);
    if (opened.length === 0) return;
    for (const o of opened) {
      this.armDeadline(o.session);
      o.admission.resolve({ session: o.session, versions, gateways: o.gateways, denials: o.denials });
    }
    this.deps.log.info({ sessions: opened.map((o) => ({ id: o.session.id, user: o.session.user, address: o.session.overlayAddress, gateways: o.gateways })) },
      opened.length === 1 ? 'session connected' : `${opened.length} sessions connected`);
  }

  // ---- What clients and admins see ------------------------------------------------------

  /** The IPv6 twin of an IPv4 overlay address (session or service address). */
  private ipv6(ipv4: string): string {
    return ipv6Twin(this.deps.settings.overlayIpv6, this.deps.settings.pool, ipv4);
  }

  private async gatewayFacts(name: string): Promise<GatewayFacts> {
    const gw = await this.deps.store.gateways.get(name);
    const serviceAddress = gw?.serviceAddress ?? '';
    return {
      name, endpoint: gw?.endpoint ?? '', publicKey: gw?.publicKey ?? '',
      serviceAddress, serviceAddressIpv6: this.ipv6(serviceAddress), connected: this.isGatewayConnected(name),
    };
  }

  /** The entry `gateway` (whose service address is `serviceAddress`) enforces for the session (views.ts gatewaySession). */
  private entry(s: SessionRecord, gateway: string, psk: string, serviceAddress: string): GatewaySession {
    return gatewaySession(s, this.ipv6(s.overlayAddress), { name: gateway, serviceAddress }, psk);
  }

  /** The session as the proto describes it, with per-gateway ack state and device name. */
  async view(s: SessionRecord, gateways?: SessionGatewayRecord[]): Promise<Session> {
    const [acks, device, stats] = await Promise.all([gateways ?? this.sessions.gateways(s.id), this.deps.store.devices.get(s.deviceId), this.deps.stats?.(s.id)]);
    return sessionView(s, acks, device?.name ?? '', stats, this.ipv6(s.overlayAddress));
  }

  /** The gateways a client peers with, with the routes (entitled destinations) for each. */
  async clientPeers(s: SessionRecord, gateways?: SessionGatewayRecord[]): Promise<ClientGatewayPeer[]> {
    const list = gateways ?? await this.sessions.gateways(s.id);
    const facts = await Promise.all(list.map((g) => this.gatewayFacts(g.gateway)));
    return list.map((g, i) => clientPeer(s, facts[i]!, this.open(s.id, g.gateway, g.pskSealed)));
  }

  /**
   * A gateway's Sync stream opened or closed: every active session on it that a client
   * follows gets an "updated" event with its gateways (ClientGatewayPeer.connected), so the
   * client moves that gateway's destinations to a standby, or back, without waiting for its
   * own probes. A session whose event cannot be built is ended, as after any commit. Never
   * rejects.
   */
  async gatewayConnectivity(gateway: string, connected: boolean): Promise<void> {
    // Each watched session's view costs a decryption per gateway: a gateway with many
    // sessions (or every gateway coming back after a controller restart) is told in slices,
    // one per event-loop turn, so Connects and revocations are not held up behind it. A newer
    // change of the same gateway supersedes the run: its events carry the state that holds.
    const generation = (this.connectivityRuns.get(gateway) ?? 0) + 1;
    this.connectivityRuns.set(gateway, generation);
    const message = `gateway ${gateway} ${connected ? 'connected' : 'disconnected'}`;
    try {
      const watched = (await this.sessions.onGateway(gateway)).filter((s) => this.events.watching(s.id) > 0).map((s) => s.id);
      for (let from = 0; from < watched.length; from += CONNECTIVITY_SLICE) {
        if (from > 0) await new Promise((r) => setImmediate(r));
        if (this.connectivityRuns.get(gateway) !== generation) return;
        for (const id of watched.slice(from, from + CONNECTIVITY_SLICE)) {
          try {
            const s = await this.sessions.get(id);
            if (!s || s.state !== 'active' || this.events.watching(id) === 0) continue;
            this.events.emit(id, { kind: 'updated', session: await this.view(s), gateways: await this.clientPeers(s), message });
          } catch (err) {
            this.internal('sessions.gateway_connectivity', err);
            await this.endBroken(id);
          }
        }
      }
    } catch (err) {
      this.internal('sessions.gateway_connectivity', err);
    } finally {
      if (this.connectivityRuns.get(gateway) === generation) this.connectivityRuns.delete(gateway);
    }
  }

  /**
   * Every session a gateway serves now (its Sync snapshot), read through `tx` (the snapshot's
   * transaction). A session whose entry cannot be built is ended once the transaction
   * commits, and left out: one bad session must not cost the gateway its snapshot.
   */
  async gatewaySnapshot(tx: Store, gateway: string): Promise<GatewaySession[]> {
    const serviceAddress = (await tx.gateways.get(gateway))?.serviceAddress ?? '';
    return this.built(tx, gateway, await tx.sessions.onGateway(gateway), serviceAddress);
  }

  /**
   * The entries `gateway` enforces for those of `ids` still active on it (a logged version,
   * sent), built from the store now. A session whose entry cannot be built is ended.
   */
  async gatewayEntries(gateway: string, ids: string[]): Promise<GatewaySession[]> {
    const { store } = this.deps;
    const serviceAddress = (await store.gateways.get(gateway))?.serviceAddress ?? '';
    return this.built(store, gateway, await store.sessions.onGatewayOf(gateway, ids), serviceAddress);
  }

  /** Entries of `list`; the sessions whose entry fails are ended after `store`'s commit (their removal is a later version). */
  private built(store: Store, gateway: string, list: (SessionRecord & { pskSealed: Buffer })[], serviceAddress: string): GatewaySession[] {
    const out: GatewaySession[] = [];
    for (const s of list) {
      try {
        out.push(this.entry(s, gateway, this.open(s.id, gateway, s.pskSealed), serviceAddress));
      } catch (err) {
        store.afterCommit(() => {
          this.internal('sessions.snapshot', err);
          void this.endBroken(s.id);
        });
      }
    }
    return out;
  }

  /** An active session of this caller, or NOT_FOUND (never another user's or device's). */
  async ownSession(caller: DeviceCaller, id: string): Promise<SessionRecord> {
    const s = await this.sessions.get(id);
    if (!s || s.user !== caller.user || s.deviceId !== caller.deviceId) throw notFound(`no session ${id} for this device`);
    return s;
  }

  // ---- Changes from clients -------------------------------------------------------------

  async heartbeat(caller: DeviceCaller, id: string, posture: Posture | null | undefined): Promise<SessionRecord> {
    const s = await this.ownSession(caller, id);
    if (s.state !== 'active') throw failedPrecondition(`session ${id} has ended: ${s.endReason}`);
    const next = posture ? { ...EMPTY_POSTURE, ...posture } : undefined;
    const changed = next !== undefined && JSON.stringify(next) !== JSON.stringify(s.posture);
    // Refused before anything is written: the next heartbeat carries the posture again.
    if (changed && !this.postureChanges.tryTake(s.deviceId, this.now())) {
      const { burst, perMinute } = this.deps.settings.postureChanges;
      throw resourceExhausted(`too many posture changes from this device (at most ${burst} at once, then ${perMinute} a minute); try again later`);
    }
    await this.sessions.heartbeat(id, this.now());
    if (changed) {
      await this.deps.store.devices.recordPosture(s.deviceId, next, this.now());
      await this.commit(async (tx) => this.reevaluate(tx, await this.stillActive(tx, [id]), 'posture changed', next), `user:${caller.user}`, 'posture changed');
    }
    return (await this.sessions.get(id))!;
  }

  async disconnect(caller: DeviceCaller, id: string): Promise<void> {
    const s = await this.ownSession(caller, id);
    if (s.state === 'active') await this.commit((tx) => this.ending(tx, [id], { state: 'disconnected', reason: 'disconnected by the client' }), `user:${caller.user}`);
  }

  // ---- Changes from admins and the rest of the controller --------------------------------

  async revokeSession(id: string, reason: string, actor: string): Promise<SessionRecord> {
    const s = await this.sessions.get(id);
    if (!s) throw notFound(`no session ${id}`);
    if (s.state !== 'active') throw failedPrecondition(`session ${id} has already ended (${s.state}: ${s.endReason})`);
    await this.commit((tx) => this.ending(tx, [id], { state: 'revoked', reason: `revoked by ${actor}${reason ? `: ${reason}` : ''}` }), actor);
    return (await this.sessions.get(id))!;
  }

  /** Ends every live session of a user (user revoke, user disable). */
  async endUserSessions(user: string, reason: string, actor: string): Promise<number> {
    return this.commit(async (tx) => ended(await tx.sessions.activeOfUser(user), { state: 'revoked', reason }), actor);
  }

  /** Ends every live session of a device (device block). */
  async endDeviceSessions(deviceId: string, reason: string, actor: string): Promise<number> {
    return this.commit(async (tx) => ended(await tx.sessions.activeOfDevice(deviceId), { state: 'revoked', reason }), actor);
  }

  /** Re-evaluates every live session (policy applied). Returns how many changed. */
  async reevaluateAll(reason: string, actor: string): Promise<number> {
    return this.commit(async (tx) => this.reevaluate(tx, await tx.sessions.active(), reason), actor, reason);
  }

  /** Re-evaluates a user's live sessions (group change, enable). */
  async reevaluateUser(user: string, reason: string, actor: string): Promise<number> {
    return this.commit(async (tx) => this.reevaluate(tx, await tx.sessions.activeOfUser(user), reason), actor, reason);
  }

  /** Of `ids`, the sessions still active, read through `tx`. */
  private stillActive(tx: Store, ids: readonly string[]): Promise<SessionRecord[]> {
    return tx.sessions.activeOf(ids);
  }

  /** The changes ending those of `ids` still active, read through `tx`. */
  private async ending(tx: Store, ids: readonly string[], end: NonNullable<Change['end']>): Promise<Change[]> {
    return ended(await this.stillActive(tx, ids), end);
  }

  /**
   * Decides each session again, reading through `tx` (the commit's transaction, so the
   * decision and its write see the same store): sessions of disabled users or blocked
   * devices end, expired ones end, the others get their new entitlements (a session left
   * with none ends). Returns the changes; writes nothing.
   */
  private async reevaluate(tx: Store, list: SessionRecord[], reason: string, posture?: Posture): Promise<Change[]> {
    const store = tx;
    const applied = this.deps.policy();
    const now = this.now();
    const changes: Change[] = [];
    for (const s of list) {
      const refusal = await deviceStandingRefusal(store, s.user, s.deviceId, s.certSerial);
      if (refusal) changes.push({ session: s, end: { state: 'revoked', reason: refusal } });
      else if (s.expiresAtMs <= now) changes.push({ session: s, end: { state: 'expired', reason: 'the session reached its expiry' } });
      else if (!applied) continue;
      else {
        const p = posture ?? s.posture;
        const decision = await this.decide(store, applied.policy, s.user, s.certSerial, p, s.mfa, now, s.createdAtMs);
        const entitlements = clampEntitlements(decision.entitlements, s.expiresAtMs);
        if (entitlements.length === 0) {
          changes.push({ session: s, end: { state: 'revoked', reason: `no entitlements left (${reason}): ${summarizeDenials(decision.denials)}` } });
        } else if (!entitlementsEqual(entitlements, s.entitlements) || posture || !sameGroups(decision.groups, s.groups)) {
          changes.push({ session: s, entitlements, posture: p, groups: decision.groups });
        }
      }
    }
    return changes;
  }

  /** The decision for one session, read through `store` (a transaction's during admission). */
  private async decide(store: Store, policy: Policy, user: string, certSerial: string, posture: Posture, mfa: boolean, now: number, sessionStart: number): Promise<Decision> {
    const approvals = (await this.deps.approvals?.(store, user, now)) ?? [];
    return decide(store, policy, { user, certSerial, posture, mfa, now, sessionStart, approvals });
  }

  // ---- Commit: one transaction with the gateways' change log, then client events ----------

  /**
   * Decides the changes with `plan` and applies them atomically, with the gateways' change
   * log (commit.ts); returns how many sessions changed. Rejects only when the transaction
   * failed (then nothing changed); what fails after the commit is reported and the session ended.
   */
  private async commit(plan: (tx: Store) => Promise<Change[]>, actor: string, cause = ''): Promise<number> {
    const now = this.now();
    const { done, versions } = await commitChanges(this.committing, plan, actor, cause, now);
    if (done.length === 0) return 0;
    await this.deps.fanout.flush(versions);
    for (const after of done) {
      try {
        if (after.state === 'active') {
          this.armDeadline(after);
          if (this.events.watching(after.id) > 0) {
            this.events.emit(after.id, { kind: 'updated', session: await this.view(after), gateways: await this.clientPeers(after), message: cause ? `entitlements changed: ${cause}` : 'entitlements changed' });
            this.events.noteSent(after.id, summary(after));
          }
        } else {
          this.disarmDeadline(after.id);
          if (this.events.watching(after.id) > 0) {
            this.events.emit(after.id, { kind: after.state === 'expired' ? 'expired' : 'revoked', session: await this.view(after), gateways: [], message: after.endReason });
          }
          this.events.close(after.id);
        }
        this.deps.log.info({ session: after.id, user: after.user, state: after.state, reason: after.endReason || cause }, 'session changed');
      } catch (err) {
        this.internal('sessions.post_commit', err);
        await this.endBroken(after.id);
      }
    }
    return done.length;
  }

  /**
   * Ends a session after an internal error left it unusable or its change unsent: stored as
   * revoked (audited, its removal logged for its gateways), its timer and client streams closed. Touches
   * nothing that could have been the cause (no session view, no entitlement rendering).
   * Never rejects.
   */
  private async endBroken(id: string): Promise<void> {
    try {
      this.disarmDeadline(id);
      const reason = 'ended after an internal error (see the controller log)';
      const now = this.now();
      const ended = await this.deps.store.transaction(async (tx) => {
        const s = await tx.sessions.get(id);
        if (s?.state !== 'active') return undefined;
        const gateways = (await tx.sessions.gateways(id)).map((g) => g.gateway);
        if (!(await tx.sessions.end(id, 'revoked', reason, now))) return undefined;
        await this.deps.audit.append(tx, { actor: 'system', action: 'session.revoke', target: id, details: { user: s.user, device: s.deviceId, reason } });
        await this.notifyChanged(tx, [id]);
        await this.deps.fanout.record(tx, new Map(gateways.map((g) => [g, { upserts: [], removes: [id], config: false }])));
        return { user: s.user };
      });
      if (ended) {
        this.deps.log.warn({ session: id, user: ended.user }, 'session ended after an internal error');
      }
    } catch (err) {
      this.internal('sessions.end_broken', err);
    } finally {
      this.events.close(id);
    }
  }

  // ---- Time ------------------------------------------------------------------------------

  /** Re-evaluates the session when its expiry or the earliest expiry of an entitlement comes. */
  private armDeadline(s: SessionRecord): void {
    // An entitlement that expired between the decision and now counts too (the timer then
    // fires at once): skipping it would leave the session active, its peer in place and its
    // rules gone until the session's own expiry.
    const next = Math.min(s.expiresAtMs, ...s.entitlements.map((e) => e.expiresAt ?? Infinity));
    this.deadlines.arm(s.id, next, this.now());
  }

  /** A session's deadline came: it is decided again (its timer re-armed by the commit if it lives on). */
  private deadlineCame(id: string): void {
    void (async () => {
      try {
        await this.commit(async (tx) => this.reevaluate(tx, await this.stillActive(tx, [id]), 'time'), 'system', 'time');
      } catch (err) {
        this.internal('sessions.timer', err);
        await this.endBroken(id);
      }
    })();
  }

  private disarmDeadline(id: string): void {
    this.deadlines.disarm(id);
  }

  /** Ends sessions whose client went silent, and opens schedule windows that began. */
  private async sweep(): Promise<void> {
    const now = this.now();
    // Sessions past their expiry whose timer is not here (opened on a controller whose
    // notification this one missed) or did not fire: ended by whichever controller comes first.
    await this.commit(async (tx) => this.reevaluate(tx, await tx.sessions.expiredBy(now), 'time'), 'system', 'time');
    await this.commit(async (tx) => (await tx.sessions.silentSince(now - this.deps.settings.heartbeatTimeoutMs))
      .map((session) => ({ session, end: { state: 'disconnected', reason: `no heartbeat for ${Math.round((now - session.lastHeartbeatMs) / 1000)} s` } })), 'system');
    // A schedule window that opens adds entitlements; nothing else does so with time.
    if (this.deps.policy()?.policy.grants.some((g) => g.schedule)) await this.reevaluateAll('schedule', 'system');
  }

  // ---- Secrets -----------------------------------------------------------------------------

  private seal(sessionId: string, gateway: string, psk: string): Buffer {
    return sealPsk(this.deps.masterKey, sessionId, gateway, psk);
  }

  private open(sessionId: string, gateway: string, sealed: Buffer): string {
    return openPsk(this.deps.masterKey, sessionId, gateway, sealed);
  }
}

export type { SessionEvent };
