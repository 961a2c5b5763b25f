// Admission of a batch of Connects, inside its transaction (group commit: session-manager.ts
// gathers the batch, batch.ts the event-loop turn). The checks and the policy decision run
// here, at commit time, so a policy apply or a user, device or certificate change that landed
// since the call arrived is honoured: standing, key reuse, session caps, the decision, the
// gateways' presence. A denial is audited (in the batch's transaction) and answered alone.
// There are no savepoints (on PostgreSQL an error inside a transaction aborts all of it), so a
// request is refused only before anything of it is written: everything that may refuse any
// request (checks, decision, address, sealed keys) is settled first, then the batch's writes
// (rows, sealed preshared keys, postures, audit) follow, and an error among them fails the
// whole batch. The batch's reads are shared (admission-reads.ts) and its rows written with
// multi-row inserts: per-request queries held the transaction for as long as the batch grew.
// Nothing here touches process memory: the batch's transaction may be run again.
import { newId } from '../store/id.js';
import type { Store } from '../store/store.js';
import type { Audit, AuditEntry } from '../audit/audit.js';
import type { Denial, Policy, Posture } from '../policy/index.js';
import { EMPTY_POSTURE } from '../policy/posture.js';
import { alreadyExists, DomainError, failedPrecondition, permissionDenied, resourceExhausted, unavailable } from '../errors.js';
import { allocate, type Pool } from './ipam.js';
import { gatewaysOf, gatewaysOfEntitlement, sessionExpiry } from './entitlements.js';
import { clampEntitlements, summarizeDenials, type Decision } from './decision.js';
import { AdmissionReads } from './admission-reads.js';
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

/** A request of a Connect batch. */
export interface BatchRequest { caller: DeviceCaller; request: ConnectRequest }

/**
 * Admits a batch of Connects inside its transaction `tx`, in order: for each request, the
 * stored session, or the DomainError saying why not (nothing of that request written but its
 * denial's audit record). Any other error is the transaction's and must fail the whole batch.
 * `cursor` is the batch's address-allocation cursor. Every request is decided first (reads
 * shared by the batch: admission-reads.ts), then the admitted ones are written together, and
 * the audit records follow in the order of the requests.
 */
export async function openSessions(ctx: AdmissionContext, tx: Store, batch: readonly BatchRequest[], now: number, cursor: { value: number }): Promise<(OpenedSession | Refused)[]> {
  const reads = await AdmissionReads.of(tx, ctx.pool, batch);
  const results: (OpenedSession | Refused)[] = [];
  const audits: AuditEntry[] = [];
  const planned: Extract<Plan, { session: SessionRecord }>[] = [];
  for (const { caller, request } of batch) {
    const actor = `user:${caller.user}`;
    let plan: Plan;
    try {
      plan = await planSession(ctx, tx, reads, caller, request, now, cursor);
    } catch (err) {
      // A refusal; anything else is a failure of the batch (on PostgreSQL its transaction is
      // aborted already).
      if (!(err instanceof DomainError)) throw err;
      results.push(new Refused(err));
      continue;
    }
    if ('denied' in plan) {
      audits.push({ actor, action: 'session.deny', target: caller.deviceId, details: plan.denied.details });
      results.push(new Refused(plan.denied.err));
      continue;
    }
    const { session: record, gateways, applied, psks, denials } = plan;
    cursor.value = plan.next;
    reads.admitted(caller, request.wgPublicKey, record.overlayAddress);
    planned.push(plan);
    audits.push({
      actor, action: 'session.connect', target: record.id,
      details: { device: caller.deviceId, address: record.overlayAddress, gateways, expiresAtMs: record.expiresAtMs, policyVersion: applied.version, grants: [...new Set(record.entitlements.map((e) => e.grant))] },
    });
    results.push({ session: record, gateways, psks, denials });
  }
  await tx.sessions.insertMany(planned.map((p) => p.session));
  await tx.sessions.addGateways(planned.flatMap((p) => [...p.sealed].map(([gateway, pskSealed]) => ({ sessionId: p.session.id, gateway, pskSealed }))));
  // A device's last posture of the batch is the one that stays, as when each was written in turn.
  const postures = new Map(planned.map((p) => [p.session.deviceId, p.session.posture]));
  for (const [deviceId, posture] of postures) await tx.devices.recordPosture(deviceId, posture, now);
  for (const entry of audits) await ctx.audit.append(tx, entry);
  return results;
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
async function planSession(ctx: AdmissionContext, tx: Store, reads: AdmissionReads, caller: DeviceCaller, request: ConnectRequest, now: number, cursor: { value: number }): Promise<Plan> {
  const applied = ctx.policy();
  if (!applied) throw failedPrecondition('no policy has been applied yet; ask an admin to run `wicketctl policy apply`');
  const ended = await reads.standingRefusal(caller);
  if (ended) throw permissionDenied(ended);
  if (reads.isKeyLive(request.wgPublicKey)) {
    throw alreadyExists('this WireGuard key already belongs to a live session; every session needs a fresh key');
  }
  // Counted inside the batch's transaction, with the Connects of the batch admitted before.
  const live = reads.activeCounts(caller);
  const { maxSessionsPerDevice, maxSessionsPerUser } = ctx;
  if (live.device >= maxSessionsPerDevice) {
    throw resourceExhausted(`this device already has ${live.device} live sessions (at most ${maxSessionsPerDevice}); end one with \`wicket down\` first`);
  }
  if (live.user >= maxSessionsPerUser) {
    throw resourceExhausted(`user ${caller.user} already has ${live.user} live sessions (at most ${maxSessionsPerUser}); end one first`);
  }
  const posture = { ...EMPTY_POSTURE, ...(request.posture ?? {}) };
  const mfa = await reads.mfa(caller.certSerial);
  const decision = await reads.decision(caller, posture, () => ctx.decide(tx, applied.policy, caller.user, caller.certSerial, posture, mfa, now, now));
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
  // A gateway's service address is never a session's. Two transactions allocating at once
  // both write the cursor (settings 'ipam.cursor'), so on PostgreSQL one of them is aborted
  // and run again; the partial unique index sessions_live_address backs this.
  let allocated: { address: string; next: number };
  try {
    allocated = await allocate(ctx.pool, cursor.value, (a) => reads.isAddressTaken(a));
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
