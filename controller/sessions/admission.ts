// Admission of one Connect, inside its batch's transaction (group commit: session-manager.ts
// gathers the batch, batch.ts the event-loop turn). The checks and the policy decision run
// here, at commit time, so a policy apply or a user, device or certificate change that landed
// since the call arrived is honoured: standing, key reuse, session caps, the decision, the
// gateways' presence. A denial is audited (in the batch's transaction) and thrown.
// There are no savepoints (on PostgreSQL an error inside a transaction aborts all of it), so a
// request is refused only before anything of it is written: everything that may refuse it
// (checks, decision, address, sealed keys) is settled first, then its writes (row, sealed
// preshared keys, posture, audit) follow, and an error among them fails the whole batch.
// Nothing here touches process memory: the batch's transaction may be run again.
import { newId } from '../store/id.js';
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import type { Denial, Policy, Posture } from '../policy/index.js';
import { EMPTY_POSTURE } from '../policy/posture.js';
import { alreadyExists, DomainError, failedPrecondition, permissionDenied, resourceExhausted, unavailable } from '../errors.js';
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
  audit: Audit;
  pool: Pool;
  maxSessionsPerUser: number;
  maxSessionsPerDevice: number;
  policy: () => AppliedPolicy | undefined;
  isGatewayConnected: (gateway: string) => boolean;
  /** The decision, read through `store` (the batch's transaction). */
  decide: (store: Store, policy: Policy, user: string, certSerial: string, posture: Posture, mfa: boolean, now: number, sessionStart: number) => Promise<Decision>;
  seal: (sessionId: string, gateway: string, psk: string) => Buffer;
}

/** A session admitted and stored (not yet published): its gateways and their fresh keys. */
export interface OpenedSession { session: SessionRecord; gateways: string[]; psks: Map<string, string>; denials: Denial[] }

/**
 * Admits one Connect inside the batch's transaction `tx`: returns the stored session, or
 * throws a DomainError saying why not (nothing of the request written but its denial's audit
 * record). Any other error is the transaction's and must fail the whole batch. `cursor` is
 * the batch's address-allocation cursor.
 */
export async function openSession(ctx: AdmissionContext, tx: Store, caller: DeviceCaller, request: ConnectRequest, now: number, cursor: { value: number }): Promise<OpenedSession> {
  const actor = `user:${caller.user}`;
  let plan: Plan;
  try {
    plan = await planSession(ctx, tx, caller, request, now, cursor);
  } catch (err) {
    // A refusal; anything else is a failure of the batch (on PostgreSQL its transaction is
    // aborted already).
    if (err instanceof DomainError) throw new Refused(err);
    throw err;
  }
  if ('denied' in plan) {
    await ctx.audit.append(tx, { actor, action: 'session.deny', target: caller.deviceId, details: plan.denied.details });
    throw new Refused(plan.denied.err);
  }
  const { session: record, sealed, gateways, applied, psks, denials } = plan;
  cursor.value = plan.next;
  await tx.sessions.insert(record);
  for (const [g, pskSealed] of sealed) await tx.sessions.addGateway(record.id, g, pskSealed);
  await tx.devices.recordPosture(caller.deviceId, record.posture, now);
  await ctx.audit.append(tx, {
    actor, action: 'session.connect', target: record.id,
    details: { device: caller.deviceId, address: record.overlayAddress, gateways, expiresAtMs: record.expiresAtMs, policyVersion: applied.version, grants: [...new Set(record.entitlements.map((e) => e.grant))] },
  });
  return { session: record, gateways, psks, denials };
}

/** Why a request of the batch was refused (nothing of it written); the batch goes on. */
export class Refused extends Error {
  constructor(readonly reason: DomainError) {
    super(reason.message);
  }
}

type Plan =
  | { denied: { err: DomainError; details: Record<string, unknown> } }
  | { session: SessionRecord; gateways: string[]; psks: Map<string, string>; sealed: Map<string, Buffer>; denials: Denial[]; applied: AppliedPolicy; next: number };

/** Everything that may refuse the request, read through `tx`; writes nothing. */
async function planSession(ctx: AdmissionContext, tx: Store, caller: DeviceCaller, request: ConnectRequest, now: number, cursor: { value: number }): Promise<Plan> {
  const sessions = tx.sessions;
  const applied = ctx.policy();
  if (!applied) throw failedPrecondition('no policy has been applied yet; ask an admin to run `wicketctl policy apply`');
  const ended = await deviceStandingRefusal(tx, caller.user, caller.deviceId, caller.certSerial);
  if (ended) throw permissionDenied(ended);
  if (await sessions.isKeyLive(request.wgPublicKey)) {
    throw alreadyExists('this WireGuard key already belongs to a live session; every session needs a fresh key');
  }
  // Counted inside the batch's transaction, so Connects of one batch see each other.
  const live = await sessions.activeCounts(caller.user, caller.deviceId);
  const { maxSessionsPerDevice, maxSessionsPerUser } = ctx;
  if (live.device >= maxSessionsPerDevice) {
    throw resourceExhausted(`this device already has ${live.device} live sessions (at most ${maxSessionsPerDevice}); end one with \`wicket down\` first`);
  }
  if (live.user >= maxSessionsPerUser) {
    throw resourceExhausted(`user ${caller.user} already has ${live.user} live sessions (at most ${maxSessionsPerUser}); end one first`);
  }
  const posture = { ...EMPTY_POSTURE, ...(request.posture ?? {}) };
  const { mfa } = await loginOf(tx, caller.certSerial);
  const decision = await ctx.decide(tx, applied.policy, caller.user, caller.certSerial, posture, mfa, now, now);
  if (decision.entitlements.length === 0) {
    return { denied: { err: permissionDenied(`no resources granted: ${summarizeDenials(decision.denials)}`), details: { denials: decision.denials, policyVersion: applied.version } } };
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
  // A gateway's service address is never a session's (each check is one index lookup). Two
  // transactions allocating at once both write the cursor (settings 'ipam.cursor'), so on
  // PostgreSQL one of them is aborted and run again; the partial unique index
  // sessions_live_address backs this.
  let allocated: { address: string; next: number };
  try {
    allocated = await allocate(ctx.pool, cursor.value, async (a) => (await sessions.isAddressLive(a)) || (await tx.gateways.isServiceAddress(a)));
  } catch (err) {
    if (err instanceof Error && /exhausted/.test(err.message)) throw resourceExhausted(err.message);
    throw err;
  }
  const id = newId();
  const psks = new Map(gateways.map((g) => [g, newPsk()]));
  let sealed: Map<string, Buffer>;
  try {
    sealed = new Map([...psks].map(([g, psk]) => [g, ctx.seal(id, g, psk)]));
  } catch (err) {
    throw new DomainError('internal', `sealing the session's keys failed: ${(err as Error).message}`);
  }
  const session: SessionRecord = {
    id, user: caller.user, deviceId: caller.deviceId, certSerial: caller.certSerial,
    overlayAddress: allocated.address, wgPublicKey: request.wgPublicKey, posture, mfa, createdAtMs: now, expiresAtMs,
    state: 'active', endedAtMs: null, endReason: '', entitlements, groups: decision.groups, lastHeartbeatMs: now,
  };
  return { session, gateways, psks, sealed, denials: decision.denials, applied, next: allocated.next };
}
