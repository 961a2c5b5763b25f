// A session's life on the device: `up` (fresh WireGuard key pair, Connect, local tunnel,
// session files), live updates from the controller, the end of a session (revoked, expired)
// and `down`. Every path that fails part-way removes what it had set up.
import type { Logger } from '../common/log.js';
import { grpcErrorMessage } from '../common/grpc.js';
import { processAlive } from '../common/process.js';
import { isIpv6 } from '../common/ipv6.js';
import ipaddr from 'ipaddr.js';
import { generatePrivateKey, publicKeyOf } from '../common/wireguard/keys.js';
import { ifnameSchema } from '../common/wireguard/interface.js';
import type { ClientGatewayPeer__Output } from '../proto/generated/wicket/v1/ClientGatewayPeer.js';
import type { Denial__Output } from '../proto/generated/wicket/v1/Denial.js';
import type { Posture__Output } from '../proto/generated/wicket/v1/Posture.js';
import type { Session__Output } from '../proto/generated/wicket/v1/Session.js';
import { describeApiError, type ControllerApi } from './api.js';
import { parseGateways, planTunnel, standbyOrderOf, type GatewayPeer, type PlanOptions, type TunnelPlan } from './plan.js';
import type { SessionGateway, SessionRecord, StateDir } from './state.js';
import { NO_DNS_SETUP, revertResolver, type ResolverHost } from './system-resolver.js';
import type { TunnelOps } from './tunnel.js';

export const DEFAULT_INTERFACE = 'wicket0';

/** The session's gateways as stored on disk (without preshared keys, with health and what each carries) and the keys apart. */
function splitSecrets(gateways: readonly GatewayPeer[], plan: TunnelPlan, down: ReadonlySet<string>): { stored: SessionGateway[]; presharedKeys: Record<string, string> } {
  return {
    stored: gateways.map(({ presharedKey: _, ...g }) => ({ ...g, healthy: !down.has(g.gateway), carries: plan.carries[g.gateway] ?? [] })),
    presharedKeys: Object.fromEntries(gateways.map((g) => [g.gateway, g.presharedKey])),
  };
}

/** The gateways as the agent last applied them (stored fields plus the preshared keys). */
export function storedGateways(state: StateDir): GatewayPeer[] {
  const s = state.session();
  const secrets = state.sessionSecrets();
  if (!s || !secrets) return [];
  return s.gateways.flatMap(({ healthy: _h, carries: _c, ...g }) => {
    const presharedKey = secrets.presharedKeys[g.gateway];
    return presharedKey ? [{ ...g, presharedKey }] : [];
  });
}

/** The overlay IPv6 address from the controller: '' (an older controller) or an IPv6 address. */
function overlayIpv6Of(s: Session__Output): string {
  if (s.overlayIpv6 === '') return '';
  if (!isIpv6(s.overlayIpv6) || s.overlayIpv6.includes('/')) throw new Error(`controller sent an invalid IPv6 overlay address "${s.overlayIpv6.slice(0, 64)}"`);
  return ipaddr.parse(s.overlayIpv6).toString();
}

/** Gateways the controller reports disconnected: down until health says otherwise. */
const disconnected = (gateways: readonly GatewayPeer[]) => new Set(gateways.filter((g) => !g.connected).map((g) => g.gateway));

export interface UpOptions {
  interface?: string;
  ackTimeoutMs?: number;
  posture: Posture__Output;
}

/** Opens a session and its tunnel; returns the session and the policy's denials. */
export async function up(state: StateDir, api: ControllerApi, tunnel: TunnelOps, o: UpOptions): Promise<{ session: SessionRecord; denials: Denial__Output[] }> {
  const { login } = state.credentials();
  if (login.certExpiresAtMs <= Date.now()) {
    throw new Error(`your login expired at ${new Date(login.certExpiresAtMs).toISOString()}: run wicket login again`);
  }
  const existing = state.session();
  if (existing?.state === 'active') {
    throw new Error(`session ${existing.sessionId} is already up on ${existing.interface}: run wicket down first`);
  }
  const ifname = o.interface ?? DEFAULT_INTERFACE;
  if (!ifnameSchema.safeParse(ifname).success) {
    throw new Error(`invalid interface name "${ifname}": 1-15 characters of A-Z a-z 0-9 _ = + . -`);
  }
  // A fresh key pair for every session; the private key never leaves this device.
  const privateKey = generatePrivateKey();
  const wgPublicKey = publicKeyOf(privateKey);
  let res;
  try {
    res = await api.connect(wgPublicKey, o.posture, o.ackTimeoutMs ?? 0);
  } catch (err) {
    throw new Error(`cannot start a session: ${describeApiError(err, api.endpoint)}`);
  }
  const s = res.session;
  if (!s) throw new Error('the controller answered Connect without a session');
  const undo = async (why: unknown): Promise<never> => {
    await tunnel.destroy(ifname).catch(() => undefined);
    await api.disconnect(s.id).catch(() => undefined);
    state.deleteSession();
    throw why;
  };
  try {
    const gateways = parseGateways(res.gateways);
    const overlayIpv6 = overlayIpv6Of(s);
    const down = disconnected(gateways);
    const plan = planTunnel(gateways, { down, standbyOrder: standbyOrderOf(s.entitlements) });
    const { stored, presharedKeys } = splitSecrets(gateways, plan, down);
    state.saveSessionSecrets({ privateKey, presharedKeys });
    const session: SessionRecord = {
      sessionId: s.id, interface: ifname, overlayAddress: s.overlayAddress, overlayIpv6, wgPublicKey,
      createdAtMs: s.createdAtMs, expiresAtMs: s.expiresAtMs, state: 'active', endReason: '', endedAtMs: 0,
      gateways: stored, routes: plan.routes, entitlements: s.entitlements, agentPid: 0, dnsForwarder: '', dnsSetup: NO_DNS_SETUP,
      // The controller that answered Connect: the agent's Watch starts there.
      controller: api.endpoint,
    };
    state.saveSession(session);
    await tunnel.create(ifname, privateKey, { ipv4: s.overlayAddress, ipv6: overlayIpv6 }, plan);
    return { session, denials: res.denials };
  } catch (err) {
    return undo(err);
  }
}

/** Applies the controller's current gateways (and session, when sent) to the live tunnel. */
export async function applyGateways(state: StateDir, tunnel: TunnelOps, gateways: readonly ClientGatewayPeer__Output[], session?: Session__Output, o: ApplyOptions = {}): Promise<SessionRecord> {
  return applyPlan(state, tunnel, parseGateways(gateways), { ...o, session });
}

export interface ApplyOptions {
  /** Gateways down by the agent's health checks (default: those the controller reports disconnected). */
  down?: ReadonlySet<string>;
  learned?: PlanOptions['learned'];
}

/**
 * Plans the tunnel for validated gateways (health, learned DNS answers, standby order from the
 * entitlements), applies it and records it. Nothing is touched when the plan is unchanged.
 */
export async function applyPlan(state: StateDir, tunnel: TunnelOps, gateways: readonly GatewayPeer[], o: ApplyOptions & { session?: Session__Output } = {}): Promise<SessionRecord> {
  const current = state.session();
  const secrets = state.sessionSecrets();
  if (!current || !secrets) throw new Error(`no active session in ${state.dir}`);
  const entitlements = o.session?.entitlements ?? current.entitlements;
  const down = o.down ?? disconnected(gateways);
  const plan = planTunnel(gateways, { down, learned: o.learned, standbyOrder: standbyOrderOf(entitlements) });
  const { stored, presharedKeys } = splitSecrets(gateways, plan, down);
  const sameKeys = JSON.stringify(presharedKeys) === JSON.stringify(secrets.presharedKeys);
  const unchanged = sameKeys && JSON.stringify(plan.routes) === JSON.stringify(current.routes)
    && JSON.stringify(stored.map((g) => [g.publicKey, g.endpoint, g.carries])) === JSON.stringify(current.gateways.map((g) => [g.publicKey, g.endpoint, g.carries]));
  if (!unchanged) await tunnel.update(current.interface, { ipv4: current.overlayAddress, ipv6: current.overlayIpv6 }, plan, current.routes);
  if (!sameKeys) state.saveSessionSecrets({ ...secrets, presharedKeys });
  const next: SessionRecord = {
    ...current,
    gateways: stored,
    routes: plan.routes,
    entitlements,
    expiresAtMs: o.session?.expiresAtMs || current.expiresAtMs,
  };
  state.saveSession(next);
  return next;
}

/** Tears the tunnel down after the session ended and records why (kept for `status`). */
export async function endSession(state: StateDir, tunnel: TunnelOps, endState: string, reason: string, log: Logger, resolver?: ResolverHost): Promise<void> {
  const s = state.session();
  if (!s) return;
  await revertResolver(s.interface, s.dnsSetup, resolver);
  try {
    await tunnel.destroy(s.interface);
  } catch (err) {
    log.error({ err: grpcErrorMessage(err), interface: s.interface }, 'removing the interface failed');
  }
  state.deleteSessionSecrets();
  state.saveSession({ ...s, state: endState, endReason: reason, endedAtMs: Date.now(), routes: [], agentPid: 0, dnsForwarder: '', dnsSetup: NO_DNS_SETUP });
  log.warn({ session: s.sessionId, state: endState, reason }, `session ${endState}: ${reason}`);
}

/** Waits until `pid` has exited (true) or `ms` passed (false). */
async function waitExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (processAlive(pid)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Ends the session from this side: stops the agent (by its pid), tells the controller, deletes
 * the interface and the session files. Returns notes for the user about what could not be done.
 */
export async function down(state: StateDir, api: ControllerApi | undefined, tunnel: TunnelOps, resolver?: ResolverHost): Promise<{ sessionId?: string; notes: string[] }> {
  const s = state.session();
  if (!s) return { notes: ['no session'] };
  const notes: string[] = [];
  if (s.agentPid !== process.pid && processAlive(s.agentPid)) {
    process.kill(s.agentPid, 'SIGTERM');
    if (!(await waitExit(s.agentPid, 5000))) {
      process.kill(s.agentPid, 'SIGKILL');
      await waitExit(s.agentPid, 2000);
    }
  }
  if (s.state === 'active') {
    if (api) {
      await api.disconnect(s.sessionId).catch((err: unknown) => notes.push(`the controller was not told (${describeApiError(err, api.endpoint)}); the session ends at its expiry`));
    } else {
      notes.push('not logged in: the controller was not told; the session ends at its expiry');
    }
    // The agent reverts the resolver when it stops cleanly; this covers one that was killed.
    await revertResolver(s.interface, state.session()?.dnsSetup ?? s.dnsSetup, resolver);
    await tunnel.destroy(s.interface);
  }
  state.deleteSession();
  return { sessionId: s.sessionId, notes };
}
