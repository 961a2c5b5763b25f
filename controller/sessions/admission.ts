// Admission of one Connect, inside its batch's transaction (group commit: session-manager.ts
// gathers the batch, batch.ts the event-loop turn). The checks and the policy decision run
// here, at commit time, so a policy apply or a user, device or certificate change that landed
// since the call arrived is honoured: standing, key reuse, session caps, the decision, the
// gateways' presence. A denial is audited (in the batch's transaction) and thrown; the
// session's own writes (row, overlay address, sealed preshared keys, audit) go in a savepoint.
import { newId } from '../store/id.js';
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import type { Denial, Policy, Posture } from '../policy/index.js';
import { EMPTY_POSTURE } from '../policy/posture.js';
import { alreadyExists, failedPrecondition, permissionDenied, resourceExhausted, unavailable } from '../errors.js';
import { deviceStandingRefusal } from '../revocation/standing.js';
import { allocate, type Pool } from './ipam.js';
import { gatewaysOf, gatewaysOfEntitlement, sessionExpiry } from './entitlements.js';
import { clampEntitlements, loginOf, summarizeDenials, type Decision } from './decision.js';
import { newPsk } from './psk.js';
import type { SessionRecord } from './session-store.js';

/** Who is calling, from the user-device certificate. */
export interface DeviceCaller {
  user: string;
  deviceId: string;
  certSerial: string;
  certNotAfterMs: number;
}

export interface ConnectRequest { wgPublicKey: string; posture: Posture | null | undefined; ackTimeoutMs: number }

export interface AppliedPolicy {
  policy: Policy;
  version: number;
}

/** What admission reads and writes; the session manager provides it. */
export interface AdmissionContext {
  store: Store;
  audit: Audit;
  pool: Pool;
  maxSessionsPerUser: number;
  maxSessionsPerDevice: number;
  policy: () => AppliedPolicy | undefined;
  isGatewayConnected: (gateway: string) => boolean;
  decide: (policy: Policy, user: string, certSerial: string, posture: Posture, mfa: boolean, now: number, sessionStart: number) => Decision;
  seal: (sessionId: string, gateway: string, psk: string) => Buffer;
}

/** A session admitted and stored (not yet published): its gateways and their fresh keys. */
export interface OpenedSession { session: SessionRecord; gateways: string[]; psks: Map<string, string>; denials: Denial[] }

/** Admits one Connect or throws why not; `cursor` is the batch's address-allocation cursor. */
export function openSession(ctx: AdmissionContext, caller: DeviceCaller, request: ConnectRequest, now: number, cursor: { value: number }): OpenedSession {
  const { store, audit } = ctx;
  const sessions = store.sessions;
  const actor = `user:${caller.user}`;
  const applied = ctx.policy();
  if (!applied) throw failedPrecondition('no policy has been applied yet; ask an admin to run `wicketctl policy apply`');
  const ended = deviceStandingRefusal(store, caller.user, caller.deviceId, caller.certSerial);
  if (ended) throw permissionDenied(ended);
  if (sessions.isKeyLive(request.wgPublicKey)) {
    throw alreadyExists('this WireGuard key already belongs to a live session; every session needs a fresh key');
  }
  // Counted inside the batch's transaction, so Connects of one batch see each other.
  const live = sessions.activeCounts(caller.user, caller.deviceId);
  const { maxSessionsPerDevice, maxSessionsPerUser } = ctx;
  if (live.device >= maxSessionsPerDevice) {
    throw resourceExhausted(`this device already has ${live.device} live sessions (at most ${maxSessionsPerDevice}); end one with \`wicket down\` first`);
  }
  if (live.user >= maxSessionsPerUser) {
    throw resourceExhausted(`user ${caller.user} already has ${live.user} live sessions (at most ${maxSessionsPerUser}); end one first`);
  }
  const posture = { ...EMPTY_POSTURE, ...(request.posture ?? {}) };
  const { mfa } = loginOf(store, caller.certSerial);
  const decision = ctx.decide(applied.policy, caller.user, caller.certSerial, posture, mfa, now, now);
  if (decision.entitlements.length === 0) {
    audit.append({ actor, action: 'session.deny', target: caller.deviceId, details: { denials: decision.denials, policyVersion: applied.version } });
    throw permissionDenied(`no resources granted: ${summarizeDenials(decision.denials)}`);
  }
  const gateways = gatewaysOf(decision.entitlements);
  // A resource is usable through any of its gateways: only one none of whose gateways is
  // connected refuses the Connect (the session is still put on the others when they return).
  const unreachable = [...new Set(decision.entitlements.map(gatewaysOfEntitlement).filter((gs) => !gs.some(ctx.isGatewayConnected)).map((gs) => gs.join(', ')))];
  if (unreachable.length) {
    const why = unreachable.map((gs) => (gs.includes(',') ? `none of gateways ${gs} is connected` : `gateway ${gs} is not connected`)).join('; ');
    throw unavailable(`${why} to the controller; try again later`);
  }
  const expiresAtMs = sessionExpiry(decision.entitlements, caller.certNotAfterMs);
  const entitlements = clampEntitlements(decision.entitlements, expiresAtMs);
  const psks = new Map(gateways.map((g) => [g, newPsk()]));

  const session = store.transaction(() => {
    // A gateway's service address is never a session's (each check is one index lookup).
    const { address, next } = allocate(ctx.pool, cursor.value, (a) => sessions.isAddressLive(a) || store.gateways.isServiceAddress(a));
    cursor.value = next;
    const record: SessionRecord = {
      id: newId(), user: caller.user, deviceId: caller.deviceId, certSerial: caller.certSerial,
      overlayAddress: address, wgPublicKey: request.wgPublicKey, posture, mfa, createdAtMs: now, expiresAtMs,
      state: 'active', endedAtMs: null, endReason: '', entitlements, groups: decision.groups, lastHeartbeatMs: now,
    };
    sessions.insert(record);
    for (const [g, psk] of psks) sessions.addGateway(record.id, g, ctx.seal(record.id, g, psk));
    store.devices.recordPosture(caller.deviceId, posture, now);
    audit.append({
      actor, action: 'session.connect', target: record.id,
      details: { device: caller.deviceId, address, gateways, expiresAtMs, policyVersion: applied.version, grants: [...new Set(entitlements.map((e) => e.grant))] },
    });
    return record;
  });
  return { session, gateways, psks, denials: decision.denials };
}
