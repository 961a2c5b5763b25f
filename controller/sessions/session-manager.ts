// The session lifecycle: Connect (policy decision, overlay address, per-gateway preshared
// keys, push to gateways, wait for their acks), re-evaluation whenever something that fed a
// decision changes (policy, groups, user or device state, posture, time), and the end of a
// session (revoke, expiry, disconnect, missing heartbeats). Every change is one store
// transaction; the gateway deltas and client events it implies are sent right after commit.
// Connects arriving in the same event-loop turn share one transaction and one delta per
// gateway (group commit, batch.ts): per-session commits and gateway applies capped throughput.
// Whatever throws after a commit (publishing, client events, timers) is reported as an
// internal error and the affected session is ended cleanly: it never escapes to the event
// loop, and a session whose state cannot be sent never lingers half-open.
// The pieces it orchestrates live beside it: admission of one Connect (admission.ts), the
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
import type { SessionRecord } from './session-store.js';
import type { Audit } from '../audit/audit.js';
import type { MasterKey } from '../crypto/masterkey.js';
import { DomainError, deadlineExceeded, failedPrecondition, notFound, resourceExhausted } from '../errors.js';
import type { InternalErrorReporter } from '../internal-errors.js';
import type { GatewayChange, SyncFanout } from '../sync/fanout.js';
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
import { openSession, type AdmissionContext, type AppliedPolicy, type ConnectRequest, type DeviceCaller, type OpenedSession } from './admission.js';
import { changeFor, commitChanges, type Change, type CommitContext } from './commit.js';
import { Deadlines } from './deadlines.js';

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

/** A stored and published session: the version each gateway got it in. */
interface Admitted { session: SessionRecord; versions: Map<string, number>; gateways: string[]; denials: Denial[] }

const CURSOR_KEY = 'ipam.cursor';
const SWEEP_MS = 10_000;
/** Sessions told of a gateway's connectivity change per event-loop turn. */
const CONNECTIVITY_SLICE = 256;

export class SessionManager {
  readonly events = new SessionEvents();
  private readonly deadlines = new Deadlines();
  private sweepTimer: NodeJS.Timeout | undefined;
  /** The latest connectivity change per gateway still being told to its sessions. */
  private readonly connectivityRuns = new Map<string, number>();
  private readonly admissions = new MicroBatch<Admission>((batch) => this.admit(batch));
  /** Posture changes per device: each one re-evaluates the device's sessions and may send gateway deltas. */
  private readonly postureChanges: TokenBuckets;
  /** What admission (admission.ts) and the write half of a change (commit.ts) work with. */
  private readonly admission: AdmissionContext;
  private readonly committing: CommitContext;

  constructor(private readonly deps: {
    store: Store;
    audit: Audit;
    masterKey: MasterKey;
    fanout: SyncFanout;
    policy: () => AppliedPolicy | undefined;
    /** Live WireGuard figures of a session from gateway telemetry, when known. */
    stats?: (sessionId: string) => SessionStats | undefined;
    /** The user's approved just-in-time requests still running at `now` (their expiry becomes the entitlement's). */
    approvals?: (user: string, now: number) => Approval[];
    settings: SessionSettings;
    log: Logger;
    now?: () => number;
    /** Logs and counts an error caught after a commit or in a timer (controller/internal-errors.ts). */
    reportInternal?: InternalErrorReporter;
  }) {
    this.postureChanges = new TokenBuckets(deps.settings.postureChanges.burst, deps.settings.postureChanges.perMinute / 60);
    const seal = (sessionId: string, gateway: string, psk: string) => this.seal(sessionId, gateway, psk);
    this.admission = {
      store: deps.store, audit: deps.audit, pool: deps.settings.pool,
      maxSessionsPerUser: deps.settings.maxSessionsPerUser, maxSessionsPerDevice: deps.settings.maxSessionsPerDevice,
      policy: () => deps.policy(), isGatewayConnected: (g) => deps.fanout.isConnected(g),
      decide: (...args) => this.decide(...args), seal,
    };
    this.committing = {
      store: deps.store, audit: deps.audit, seal, open: (sessionId, gateway, sealed) => this.open(sessionId, gateway, sealed),
      entry: (s, gateway, psk) => this.entry(s, gateway, psk),
    };
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
  start(): void {
    const now = this.now();
    // Clients could not heartbeat while the controller was down: give them a fresh window.
    this.sessions.graceHeartbeats(now);
    this.reevaluate(this.sessions.active(), 'controller start', 'system');
    // Sessions the start-up evaluation left unchanged still need their expiry timers: the
    // timers of the previous run died with it.
    for (const s of this.sessions.active()) if (!this.deadlines.has(s.id)) this.armDeadline(s);
    this.sweepTimer = setInterval(() => {
      try {
        this.sweep();
      } catch (err) {
        this.internal('sessions.sweep', err);
      }
    }, SWEEP_MS);
    this.sweepTimer.unref();
  }

  stop(): void {
    clearInterval(this.sweepTimer);
    this.deadlines.clear();
    this.events.closeAll();
  }

  // ---- Connect ------------------------------------------------------------------------

  /**
   * What the policy gives this caller now with this posture (ListResources): the same
   * decision Connect makes, with MFA and identity-provider groups from the login.
   */
  decideFor(caller: DeviceCaller, posture: Posture | null | undefined): { policy: Policy; entitlements: Entitlement[]; denials: Denial[] } {
    const applied = this.deps.policy();
    if (!applied) throw failedPrecondition('no policy has been applied yet');
    const now = this.now();
    const decision = this.decide(applied.policy, caller.user, caller.certSerial, { ...EMPTY_POSTURE, ...(posture ?? {}) }, loginOf(this.deps.store, caller.certSerial).mfa, now, now);
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
      // Only connected gateways got the session (admission saw each resource reachable
      // through one of them); the others get it in their snapshot when they come back.
      await Promise.all(gateways.filter((g) => versions.has(g)).map((g) => this.deps.fanout.waitForAck(g, versions.get(g)!, timeoutMs)));
    } catch (err) {
      this.commit([{ session, end: { state: 'disconnected', reason: (err as Error).message } }], 'system');
      throw deadlineExceeded(`${(err as Error).message}; the session was not opened`);
    }
    try {
      const current = this.sessions.get(session.id)!;
      const acks = this.sessions.gateways(current.id);
      return { session: this.view(current, acks), gateways: this.clientPeers(current, acks), denials };
    } catch (err) {
      // The session is committed and enforced, but its client cannot be told how to use it.
      this.endBroken(session.id);
      throw err;
    }
  }

  /**
   * Decides, stores and publishes a batch of Connects: one transaction, each session in its
   * own savepoint (one refused or failing request leaves the others), then one delta per
   * gateway carrying every new session. Each request is answered here, never thrown.
   */
  private admit(batch: Admission[]): void {
    const { store } = this.deps;
    const now = this.now();
    const opened: (OpenedSession & { admission: Admission })[] = [];
    const refused: { admission: Admission; err: unknown }[] = [];
    try {
      store.transaction(() => {
        const cursor = { value: Number(store.settings.getText(CURSOR_KEY) ?? 0) };
        for (const admission of batch) {
          try {
            opened.push({ admission, ...openSession(this.admission, admission.caller, admission.request, now, cursor) });
          } catch (err) {
            refused.push({ admission, err });
          }
        }
        store.settings.set(CURSOR_KEY, String(cursor.value));
      });
    } catch (err) {
      // The whole transaction rolled back: no session of this batch exists.
      for (const a of batch) a.reject(err);
      return;
    }
    for (const { admission, err } of refused) admission.reject(err);
    if (opened.length === 0) return;

    // From here on the sessions are committed: one whose gateway entry cannot be built, or a
    // batch whose delta cannot be sent, is ended rather than left half-open.
    const notOpened = (o: (typeof opened)[number]) => {
      this.endBroken(o.session.id);
      o.admission.reject(new DomainError('internal', 'internal error; the session was not opened'));
    };
    const changes = new Map<string, GatewayChange>();
    const built = opened.filter((o) => {
      try {
        const entries = o.gateways.map((g) => [g, this.entry(o.session, g, o.psks.get(g)!)] as const);
        for (const [g, entry] of entries) changeFor(changes, g).upserts.push(entry);
        return true;
      } catch (err) {
        this.internal('sessions.connect', err);
        notOpened(o);
        return false;
      }
    });
    let versions: Map<string, number>;
    try {
      versions = this.publish(changes);
    } catch (err) {
      this.internal('sessions.publish', err);
      this.resync([...changes.keys()]);
      for (const o of built) notOpened(o);
      return;
    }
    for (const o of built) {
      this.armDeadline(o.session);
      o.admission.resolve({ session: o.session, versions, gateways: o.gateways, denials: o.denials });
    }
    this.deps.log.info({ sessions: built.map((o) => ({ id: o.session.id, user: o.session.user, address: o.session.overlayAddress, gateways: o.gateways })) },
      built.length === 1 ? 'session connected' : `${built.length} sessions connected`);
  }

  // ---- What clients and admins see ------------------------------------------------------

  /** The IPv6 twin of an IPv4 overlay address (session or service address). */
  private ipv6(ipv4: string): string {
    return ipv6Twin(this.deps.settings.overlayIpv6, this.deps.settings.pool, ipv4);
  }

  private gatewayFacts(name: string): GatewayFacts {
    const gw = this.deps.store.gateways.get(name);
    const serviceAddress = gw?.serviceAddress ?? '';
    return {
      name, endpoint: gw?.endpoint ?? '', publicKey: gw?.publicKey ?? '',
      serviceAddress, serviceAddressIpv6: this.ipv6(serviceAddress), connected: this.deps.fanout.isConnected(name),
    };
  }

  /** The entry `gateway` enforces for the session (views.ts gatewaySession). */
  private entry(s: SessionRecord, gateway: string, psk: string): GatewaySession {
    return gatewaySession(s, this.ipv6(s.overlayAddress), { name: gateway, serviceAddress: this.deps.store.gateways.get(gateway)?.serviceAddress ?? '' }, psk);
  }

  /** The session as the proto describes it, with per-gateway ack state and device name. */
  view(s: SessionRecord, gateways = this.sessions.gateways(s.id)): Session {
    return sessionView(s, gateways, this.deps.store.devices.get(s.deviceId)?.name ?? '', this.deps.stats?.(s.id), this.ipv6(s.overlayAddress));
  }

  /** The gateways a client peers with, with the routes (entitled destinations) for each. */
  clientPeers(s: SessionRecord, gateways = this.sessions.gateways(s.id)): ClientGatewayPeer[] {
    return gateways.map((g) => clientPeer(s, this.gatewayFacts(g.gateway), this.open(s.id, g.gateway, g.pskSealed)));
  }

  /**
   * A gateway's Sync stream opened or closed: every active session on it that a client
   * follows gets an "updated" event with its gateways (ClientGatewayPeer.connected), so the
   * client moves that gateway's destinations to a standby, or back, without waiting for its
   * own probes. A session whose event cannot be built is ended, as after any commit.
   */
  gatewayConnectivity(gateway: string, connected: boolean): void {
    // Each watched session's view costs a decryption per gateway: a gateway with many
    // sessions (or every gateway coming back after a controller restart) is told in slices,
    // one per event-loop turn, so Connects and revocations are not held up behind it. A newer
    // change of the same gateway supersedes the run: its events carry the state that holds.
    const generation = (this.connectivityRuns.get(gateway) ?? 0) + 1;
    this.connectivityRuns.set(gateway, generation);
    const watched = this.sessions.onGateway(gateway).filter((s) => this.events.watching(s.id) > 0).map((s) => s.id);
    const message = `gateway ${gateway} ${connected ? 'connected' : 'disconnected'}`;
    const slice = (from: number): void => {
      if (this.connectivityRuns.get(gateway) !== generation) return;
      for (const id of watched.slice(from, from + CONNECTIVITY_SLICE)) {
        const s = this.sessions.get(id);
        if (!s || s.state !== 'active' || this.events.watching(id) === 0) continue;
        try {
          this.events.emit(id, { kind: 'updated', session: this.view(s), gateways: this.clientPeers(s), message });
        } catch (err) {
          this.internal('sessions.gateway_connectivity', err);
          this.endBroken(id);
        }
      }
      if (from + CONNECTIVITY_SLICE < watched.length) setImmediate(slice, from + CONNECTIVITY_SLICE);
      else this.connectivityRuns.delete(gateway);
    };
    slice(0);
  }


  /**
   * Every session a gateway serves now (its Sync snapshot). A session whose entry cannot be
   * built is ended and left out: one bad session must not cost the gateway its snapshot.
   */
  gatewaySnapshot(gateway: string): GatewaySession[] {
    const out: GatewaySession[] = [];
    for (const s of this.sessions.onGateway(gateway)) {
      try {
        out.push(this.entry(s, gateway, this.open(s.id, gateway, s.pskSealed)));
      } catch (err) {
        this.internal('sessions.snapshot', err);
        this.endBroken(s.id);
      }
    }
    return out;
  }

  /** An active session of this caller, or NOT_FOUND (never another user's or device's). */
  ownSession(caller: DeviceCaller, id: string): SessionRecord {
    const s = this.sessions.get(id);
    if (!s || s.user !== caller.user || s.deviceId !== caller.deviceId) throw notFound(`no session ${id} for this device`);
    return s;
  }

  // ---- Changes from clients -------------------------------------------------------------

  heartbeat(caller: DeviceCaller, id: string, posture: Posture | null | undefined): SessionRecord {
    const s = this.ownSession(caller, id);
    if (s.state !== 'active') throw failedPrecondition(`session ${id} has ended: ${s.endReason}`);
    const next = posture ? { ...EMPTY_POSTURE, ...posture } : undefined;
    const changed = next !== undefined && JSON.stringify(next) !== JSON.stringify(s.posture);
    // Refused before anything is written: the next heartbeat carries the posture again.
    if (changed && !this.postureChanges.tryTake(s.deviceId, this.now())) {
      const { burst, perMinute } = this.deps.settings.postureChanges;
      throw resourceExhausted(`too many posture changes from this device (at most ${burst} at once, then ${perMinute} a minute); try again later`);
    }
    this.sessions.heartbeat(id, this.now());
    if (changed) {
      this.deps.store.devices.recordPosture(s.deviceId, next, this.now());
      this.reevaluate([s], 'posture changed', `user:${caller.user}`, next);
    }
    return this.sessions.get(id)!;
  }

  disconnect(caller: DeviceCaller, id: string): void {
    const s = this.ownSession(caller, id);
    if (s.state === 'active') this.commit([{ session: s, end: { state: 'disconnected', reason: 'disconnected by the client' } }], `user:${caller.user}`);
  }

  // ---- Changes from admins and the rest of the controller --------------------------------

  revokeSession(id: string, reason: string, actor: string): SessionRecord {
    const s = this.sessions.get(id);
    if (!s) throw notFound(`no session ${id}`);
    if (s.state !== 'active') throw failedPrecondition(`session ${id} has already ended (${s.state}: ${s.endReason})`);
    this.commit([{ session: s, end: { state: 'revoked', reason: `revoked by ${actor}${reason ? `: ${reason}` : ''}` } }], actor);
    return this.sessions.get(id)!;
  }

  /** Ends every live session of a user (user revoke, user disable). */
  endUserSessions(user: string, reason: string, actor: string): number {
    return this.commit(this.sessions.activeOfUser(user).map((session) => ({ session, end: { state: 'revoked', reason } })), actor);
  }

  /** Ends every live session of a device (device block). */
  endDeviceSessions(deviceId: string, reason: string, actor: string): number {
    return this.commit(this.sessions.activeOfDevice(deviceId).map((session) => ({ session, end: { state: 'revoked', reason } })), actor);
  }

  /** Re-evaluates every live session (policy applied). Returns how many changed. */
  reevaluateAll(reason: string, actor: string): number {
    return this.reevaluate(this.sessions.active(), reason, actor);
  }

  /** Re-evaluates a user's live sessions (group change, enable). */
  reevaluateUser(user: string, reason: string, actor: string): number {
    return this.reevaluate(this.sessions.activeOfUser(user), reason, actor);
  }

  /**
   * Decides each session again and commits what changed: sessions of disabled users or
   * blocked devices end, expired ones end, the others get their new entitlements (a session
   * left with none ends).
   */
  private reevaluate(list: SessionRecord[], reason: string, actor: string, posture?: Posture): number {
    const applied = this.deps.policy();
    const now = this.now();
    const changes: Change[] = [];
    for (const s of list) {
      const refusal = deviceStandingRefusal(this.deps.store, s.user, s.deviceId, s.certSerial);
      if (refusal) changes.push({ session: s, end: { state: 'revoked', reason: refusal } });
      else if (s.expiresAtMs <= now) changes.push({ session: s, end: { state: 'expired', reason: 'the session reached its expiry' } });
      else if (!applied) continue;
      else {
        const p = posture ?? s.posture;
        const decision = this.decide(applied.policy, s.user, s.certSerial, p, s.mfa, now, s.createdAtMs);
        const entitlements = clampEntitlements(decision.entitlements, s.expiresAtMs);
        if (entitlements.length === 0) {
          changes.push({ session: s, end: { state: 'revoked', reason: `no entitlements left (${reason}): ${summarizeDenials(decision.denials)}` } });
        } else if (!entitlementsEqual(entitlements, s.entitlements) || posture || !sameGroups(decision.groups, s.groups)) {
          changes.push({ session: s, entitlements, posture: p, groups: decision.groups });
        }
      }
    }
    return this.commit(changes, actor, reason);
  }

  private decide(policy: Policy, user: string, certSerial: string, posture: Posture, mfa: boolean, now: number, sessionStart: number): Decision {
    return decide(this.deps.store, policy, { user, certSerial, posture, mfa, now, sessionStart, approvals: this.deps.approvals?.(user, now) ?? [] });
  }

  // ---- Commit: one transaction, then gateway deltas and client events ---------------------

  /** Applies changes atomically (commit.ts), then publishes them; returns how many sessions changed. */
  private commit(changes: Change[], actor: string, cause = ''): number {
    if (changes.length === 0) return 0;
    const { done, deltas } = commitChanges(this.committing, changes, actor, cause, this.now());
    this.publishOrResync(deltas);
    for (const s of done) {
      try {
        const after = this.sessions.get(s.id)!;
        if (after.state === 'active') {
          this.armDeadline(after);
          this.events.emit(s.id, { kind: 'updated', session: this.view(after), gateways: this.clientPeers(after), message: cause ? `entitlements changed: ${cause}` : 'entitlements changed' });
        } else {
          this.disarmDeadline(s.id);
          this.events.emit(s.id, { kind: after.state === 'expired' ? 'expired' : 'revoked', session: this.view(after), gateways: [], message: after.endReason });
          this.events.close(s.id);
        }
        this.deps.log.info({ session: s.id, user: s.user, state: after.state, reason: after.endReason || cause }, 'session changed');
      } catch (err) {
        this.internal('sessions.post_commit', err);
        this.endBroken(s.id);
      }
    }
    return done.length;
  }

  /** Publishes committed deltas; when that fails, the gateways get a snapshot of the store instead. */
  private publishOrResync(deltas: Map<string, GatewayChange>): void {
    try {
      this.publish(deltas);
    } catch (err) {
      this.internal('sessions.publish', err);
      this.resync([...deltas.keys()]);
    }
  }

  private resync(gateways: string[]): void {
    for (const g of gateways) {
      try {
        this.deps.fanout.resync(g);
      } catch (err) {
        this.internal('sessions.resync', err);
      }
    }
  }

  /**
   * Ends a session after an internal error left it unusable or its change unsent: stored as
   * revoked (audited), its timer and client streams closed, its gateways told. Touches
   * nothing that could have been the cause (no session view, no entitlement rendering).
   */
  private endBroken(id: string): void {
    try {
      const s = this.sessions.get(id);
      this.disarmDeadline(id);
      if (s?.state === 'active') {
        const reason = 'ended after an internal error (see the controller log)';
        const gateways = this.sessions.gateways(id).map((g) => g.gateway);
        const ended = this.deps.store.transaction(() => {
          if (!this.sessions.end(id, 'revoked', reason, this.now())) return false;
          this.deps.audit.append({ actor: 'system', action: 'session.revoke', target: id, details: { user: s.user, device: s.deviceId, reason } });
          return true;
        });
        if (ended) this.publishOrResync(new Map(gateways.map((g) => [g, { upserts: [], removes: [id] }])));
        this.deps.log.warn({ session: id, user: s.user }, 'session ended after an internal error');
      }
    } catch (err) {
      this.internal('sessions.end_broken', err);
    } finally {
      this.events.close(id);
    }
  }

  /** Sends the deltas and records which version carries each session's change. */
  private publish(deltas: Map<string, GatewayChange>): Map<string, number> {
    const versions = this.deps.fanout.publish(deltas);
    this.deps.store.transaction(() => {
      for (const [g, version] of versions) {
        const d = deltas.get(g)!;
        for (const u of d.upserts) this.sessions.setVersion(u.id!, g, version);
        for (const id of d.removes) this.sessions.setVersion(id, g, version);
      }
    });
    return versions;
  }

  /** A gateway acknowledged a version: record it on the sessions it carried. */
  onGatewayAck(gateway: string, version: number, atMs: number): void {
    this.sessions.recordAck(gateway, version, atMs);
  }

  // ---- Time ------------------------------------------------------------------------------

  /** Re-evaluates the session when its expiry or the earliest expiry of an entitlement comes. */
  private armDeadline(s: SessionRecord): void {
    // An entitlement that expired between the decision and now counts too (the timer then
    // fires at once): skipping it would leave the session active, its peer in place and its
    // rules gone until the session's own expiry.
    const next = Math.min(s.expiresAtMs, ...s.entitlements.map((e) => e.expiresAt ?? Infinity));
    this.deadlines.arm(s.id, next, this.now(), () => {
      try {
        const current = this.sessions.get(s.id);
        if (current?.state === 'active') this.reevaluate([current], 'time', 'system');
      } catch (err) {
        this.internal('sessions.timer', err);
        this.endBroken(s.id);
      }
    });
  }

  private disarmDeadline(id: string): void {
    this.deadlines.disarm(id);
  }

  /** Ends sessions whose client went silent, and opens schedule windows that began. */
  private sweep(): void {
    const now = this.now();
    const silent = this.sessions.silentSince(now - this.deps.settings.heartbeatTimeoutMs);
    this.commit(silent.map((session) => ({ session, end: { state: 'disconnected', reason: `no heartbeat for ${Math.round((now - session.lastHeartbeatMs) / 1000)} s` } })), 'system');
    // A schedule window that opens adds entitlements; nothing else does so with time.
    if (this.deps.policy()?.policy.grants.some((g) => g.schedule)) this.reevaluateAll('schedule', 'system');
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
