// Wires the session layer into a running controller: the Sync fan-out, the session manager,
// the Client and Gateway services, the session/device admin handlers, just-in-time access
// (whose approvals feed every decision), and the SessionControl it binds to the revocation
// module, through which policy applies, user changes and access approvals reach live sessions.
// Building it reads the store (the applied policy, the gateways) and starts the manager, so
// the module resolves once it is ready to serve.
import type { ServiceSet } from '../api/server.js';
import type { MasterKey } from '../crypto/masterkey.js';
import type { Notifier } from '../store/notifications.js';
import type { Revocation } from '../revocation/revocation.js';
import { clientService, type ClientServiceDeps } from './client-handlers.js';
import { gatewayService, type GatewayServiceDeps } from '../sync/gateway-handlers.js';
import { sessionAdmin, type SessionAdminDeps } from './admin-handlers.js';
import { deviceAdmin, type DeviceAdminDeps } from '../revocation/device-handlers.js';
import { parsePolicy } from '../policy/index.js';
import { accessLayer, type AccessLayerDeps } from '../access/module.js';
import { Counter, Histogram } from 'prom-client';
import { SyncFanout, type SyncMetrics } from '../sync/fanout.js';
import { parsePool } from './ipam.js';
import { ipv6Twin, parseOverlayIpv6 } from './overlay-ipv6.js';
import { DEFAULT_OVERLAY_IPV6 } from '../../common/ipv6.js';
import { SessionManager, type AppliedPolicy, type SessionSettings } from './session-manager.js';
import { AckWatch } from './ack-watch.js';
import { gatewayConfig } from './gateway-config.js';
import { ensureServiceAddress } from '../gateways/service-address.js';
import { CONTROLLER_KEY_OWNER, gatewayKeyOwner, ROTATION_CHECK_MS, type AssertionKeys } from '../assertion-keys/assertion-keys.js';
import { AppTickets, type BrowserLogin } from '../app-access/tickets.js';
import { GatewayPresence } from '../gateways/presence.js';
import type { ControllerRegistry } from '../controllers/registry.js';
import { ticketSigner } from '../app-access/ticket-signer.js';

export const DEFAULT_SESSION_SETTINGS: SessionSettings = {
  pool: parsePool('100.64.0.0/10'),
  overlayIpv6: DEFAULT_OVERLAY_IPV6,
  ackTimeoutMs: 10_000,
  heartbeatIntervalMs: 20_000,
  heartbeatTimeoutMs: 90_000,
  // A device runs one session; the slack covers a crashed client whose old session waits for
  // its heartbeat timeout. A user has a few devices.
  maxSessionsPerDevice: 4,
  maxSessionsPerUser: 16,
  postureChanges: { burst: 5, perMinute: 6 },
};

/** What the session layer is wired from: what each of its handlers and managers needs. */
export interface SessionModuleDeps extends ClientServiceDeps, Omit<GatewayServiceDeps, 'presence'>, SessionAdminDeps, DeviceAdminDeps, AccessLayerDeps {
  masterKey: MasterKey;
  /** Session settings given at start; the issuer and sign-in URL of gateway configs. */
  config: { sessions: Partial<SessionSettings>; issuer: string; signInUrl: string };
  /** The gateways' signing keys and the controller's (GatewayConfig.signing_key, controller_jwks). */
  assertionKeys: AssertionKeys;
  /** The session layer binds itself here, and is reached through it by every loss of access. */
  revocation: Revocation;
  /** Wake-ups from the controllers of the database: Sync changes and acks, gateway presence, session changes. */
  notifier: Notifier;
  /** This controller's id among them, and its heartbeat (gateway presence re-checks who is alive). */
  controllerRegistry: Pick<ControllerRegistry, 'id' | 'onHeartbeat'>;
}

/** Sync latency histograms and the ignored-ack counter on the controller's registry. */
function syncMetrics(ctx: Pick<SessionModuleDeps, 'metrics'>): SyncMetrics {
  const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    ackSeconds: new Histogram({ name: 'wicket_sync_ack_seconds', help: 'Sync version sent to a gateway until it acknowledged applying it', labelNames: ['gateway'], buckets, registers: [ctx.metrics.registry] }),
    revocationSeconds: new Histogram({ name: 'wicket_revocation_enforced_seconds', help: 'Session removal sent to a gateway until the gateway acknowledged enforcing it', labelNames: ['gateway'], buckets, registers: [ctx.metrics.registry] }),
    ignoredAcks: new Counter({ name: 'wicket_sync_ignored_acks_total', help: 'Sync acks ignored: of a version never sent, older than one already acked, or error acks beyond the snapshot rate (throttled)', labelNames: ['gateway', 'reason'], registers: [ctx.metrics.registry] }),
  };
}

/** The applied policy as the store holds it, parsed (it was valid when applied). */
async function loadApplied(ctx: Pick<SessionModuleDeps, 'store'>): Promise<AppliedPolicy | undefined> {
  const current = await ctx.store.policies.current();
  if (!current) return undefined;
  const parsed = parsePolicy(current.yaml);
  if (!parsed.ok) throw new Error(`applied policy version ${current.version} no longer parses: ${parsed.errors[0]?.message}`);
  return { policy: parsed.policy, version: current.version };
}

/** Seams a test may replace. */
export interface SessionSeams {
  /** Live WireGuard figures of a session (default: the gateways' telemetry in the store). */
  stats?: (sessionId: string) => Promise<{ rxBytes: number; txBytes: number; lastHandshakeMs: number } | undefined> | { rxBytes: number; txBytes: number; lastHandshakeMs: number } | undefined;
}

/** What this controller holds now (its heartbeat in the registry of controllers, controller/controllers/). */
export interface SessionLoad {
  /** The gateways whose Sync stream this controller holds. */
  gateways: string[];
  /** Sessions followed by at least one client's Watch stream here: the clients this controller serves. */
  clients: number;
}

export function sessionModule(settings: Partial<SessionSettings> = {}, seams: SessionSeams = {}): (ctx: SessionModuleDeps) => Promise<ServiceSet & { close: () => void; load: () => SessionLoad }> {
  return async (ctx) => {
    let applied = await loadApplied(ctx);
    const given = { ...DEFAULT_SESSION_SETTINGS, ...ctx.config.sessions, ...settings };
    const resolved = { ...given, overlayIpv6: parseOverlayIpv6(given.overlayIpv6, given.pool) };
    // The fan-out and the manager refer to each other; the fan-out only calls back once
    // streams exist, long after both are built.
    const fanout: SyncFanout = new SyncFanout({
      store: ctx.store,
      notifier: ctx.notifier,
      snapshot: (tx, gateway) => manager.gatewaySnapshot(tx, gateway),
      entries: (gateway, ids) => manager.gatewayEntries(gateway, ids),
      onAck: (gateway) => {
        // Admins' followers are told after the ack is recorded, without holding up the gateway's queue.
        void acks.acked(gateway).catch((err: unknown) => ctx.reportInternal('sessions.ack_watch', err));
      },
      // A stream closing here leaves the gateway connected when another controller holds a newer one.
      onConnectivity: (gateway, connected) => {
        void manager.gatewayConnectivity(gateway, connected || presence.isConnected(gateway));
      },
      reportInternal: ctx.reportInternal,
      config: (gateway) => gatewayConfig({
        policy: () => applied?.policy,
        serviceAddress: async (g) => (await ctx.store.gateways.get(g))?.serviceAddress ?? '',
        ipv6Of: (address) => ipv6Twin(resolved.overlayIpv6, resolved.pool, address),
        signingKey: (g) => ctx.assertionKeys.signingKey(gatewayKeyOwner(g)),
        controllerJwks: () => ctx.assertionKeys.controllerJwksJson(),
        issuer: () => ctx.config.issuer,
        signInUrl: () => ctx.config.signInUrl,
      }, gateway),
      log: ctx.log.child({ module: 'sync' }),
      metrics: syncMetrics(ctx),
      now: ctx.now,
    });
    const presence = new GatewayPresence({
      store: ctx.store, notifier: ctx.notifier, self: ctx.controllerRegistry.id, held: (g) => fanout.isConnected(g),
      now: ctx.now, reportInternal: ctx.reportInternal,
      onRemoteChange: (gateway, connected) => {
        void manager.gatewayConnectivity(gateway, connected);
      },
    });
    const manager: SessionManager = new SessionManager({
      store: ctx.store, audit: ctx.audit, masterKey: ctx.masterKey, fanout, isGatewayConnected: (g) => presence.isConnected(g),
      notifier: ctx.notifier, controllerId: ctx.controllerRegistry.id,
      policy: () => applied,
      stats: seams.stats ?? ((id) => ctx.store.telemetry.sessionStats(id)),
      approvals: (store, user, now) => store.access.approvals(user, now),
      settings: resolved,
      log: ctx.log.child({ module: 'sessions' }),
      now: ctx.now,
      reportInternal: ctx.reportInternal,
    });

    const unbind = ctx.revocation.bindSessions({
      revokeSession: async (id, reason, actor) => {
        await manager.revokeSession(id, reason, actor);
      },
      endUserSessions: (user, reason, actor) => manager.endUserSessions(user, reason, actor),
      endDeviceSessions: (deviceId, reason, actor) => manager.endDeviceSessions(deviceId, reason, actor),
      reevaluateUser: (user, reason, actor) => manager.reevaluateUser(user, reason, actor),
      policyApplied: async (policy, version) => {
        applied = { policy, version };
        // The gateways learn of added HTTP resources before any session is granted them (a lower version).
        await fanout.refreshConfigs();
        // Approvals bound to a grant this policy changed end first, so the re-evaluation sees it.
        await access.manager.policyApplied(policy, version);
        return manager.reevaluateAll(`policy version ${version} applied`, 'system');
      },
    });
    const acks = new AckWatch({ sessions: ctx.store.sessions, view: (s, gateways) => manager.view(s, gateways) });

    // Key rotation: at every Sync start and on a timer; a changed key reaches the gateways
    // it concerns as a config delta (the controller's key concerns them all).
    const rotateKeys = async () => {
      const { rotated, deleted } = await ctx.assertionKeys.rotate();
      if (rotated.length || deleted.length) await fanout.refreshConfigs();
    };
    await ctx.assertionKeys.signingKey(CONTROLLER_KEY_OWNER);
    const rotation = setInterval(() => {
      void rotateKeys().catch((err: unknown) => ctx.reportInternal('assertion_keys.rotate', err));
    }, ROTATION_CHECK_MS);
    rotation.unref();
    // The service address each gateway's HTTP entitlements were last decided with: a gateway
    // given one since (at enrollment, or at this Hello) re-evaluates the live sessions.
    const decidedWith = new Map((await ctx.store.gateways.list()).map((g) => [g.name, g.serviceAddress]));
    const beforeAttach = async (gateway: string) => {
      await ensureServiceAddress(ctx.store, resolved.pool, gateway);
      await rotateKeys();
      await ctx.assertionKeys.signingKey(gatewayKeyOwner(gateway));
      const address = (await ctx.store.gateways.get(gateway))?.serviceAddress ?? '';
      if (decidedWith.get(gateway) !== address) {
        decidedWith.set(gateway, address);
        await manager.reevaluateAll(`gateway ${gateway} has service address ${address}`, 'system');
      }
    };
    // An approval, revocation or expiry re-evaluates the requester's live sessions.
    const access = accessLayer(ctx, { policy: () => applied?.policy, reevaluateUser: (user, reason, actor) => ctx.revocation.approvalChanged(user, reason, actor) });

    // Browsers without the tunnel: tickets decided from the same applied policy.
    const tickets = new AppTickets({
      store: ctx.store, policy: () => applied?.policy, now: ctx.now,
      sign: ticketSigner({ signingKey: () => ctx.assertionKeys.signingKey(CONTROLLER_KEY_OWNER), issuer: () => ctx.config.issuer, now: ctx.now }),
    });
    // A policy applied through another controller: decided with from now on. That controller
    // re-evaluated the live sessions and logged the gateways' configurations; what is left
    // here is the policy in memory (Connects, tickets, approvals).
    const stopPolicyFollow = ctx.notifier.listen('wicket_policy_applied', (payload) => {
      if (Number(payload) <= (applied?.version ?? 0)) return;
      void loadApplied(ctx).then((latest) => {
        if (latest && latest.version > (applied?.version ?? 0)) applied = latest;
      }).catch((err: unknown) => ctx.reportInternal('sessions.policy_follow', err));
    });
    await presence.start();
    const stopPresenceChecks = ctx.controllerRegistry.onHeartbeat(() => {
      void presence.refresh();
    });
    await manager.start();

    return {
      appAccess: { ticket: (login: BrowserLogin, hostname: string) => tickets.issue(login, hostname) },
      client: { ...clientService(ctx, manager), ...access.client },
      gateway: gatewayService({ ...ctx, presence }, fanout, beforeAttach),
      adminExtras: [sessionAdmin(ctx, manager, acks), deviceAdmin(ctx), access.admin],
      load: () => ({ gateways: fanout.connected(), clients: manager.events.watchedSessions() }),
      close: () => {
        clearInterval(rotation);
        stopPresenceChecks();
        stopPolicyFollow();
        presence.close();
        unbind();
        acks.close();
        access.close();
        manager.stop();
        fanout.close();
      },
    };
  };
}
