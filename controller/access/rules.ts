// The rules of just-in-time access, pure: which grant a request goes through, whether its
// duration and reason are acceptable, who may approve or deny it, and the request state
// machine (pending -> approved | denied; approved -> revoked | expired). Every refusal is an
// AccessRefusal whose kind the API turns into a gRPC status.
import { formatDuration } from '../../common/duration.js';
import { isApprover, requestableGrants, type Grant, type Policy } from '../policy/index.js';
import type { AccessRequestRecord, AccessState } from './access-store.js';

export type RefusalKind = 'invalid' | 'not_found' | 'ambiguous' | 'forbidden' | 'state' | 'exists';

export class AccessRefusal extends Error {
  constructor(readonly kind: RefusalKind, message: string) {
    super(message);
  }
}

const TRANSITIONS: Record<AccessState, readonly AccessState[]> = {
  pending: ['approved', 'denied'],
  approved: ['revoked', 'expired'],
  denied: [],
  revoked: [],
  expired: [],
};

/** Throws unless a request in state `from` may move to `to`. */
export function checkTransition(r: Pick<AccessRequestRecord, 'id' | 'state'>, to: AccessState): void {
  if (!TRANSITIONS[r.state].includes(to)) {
    const needed = (Object.keys(TRANSITIONS) as AccessState[]).filter((s) => TRANSITIONS[s].includes(to));
    throw new AccessRefusal('state', `request ${r.id} is ${r.state}; only a ${needed.join(' or ')} request can be ${to}`);
  }
}

export interface NewRequest {
  user: string;
  /** The user's directory groups. */
  groups: readonly string[];
  resource: string;
  /** The grant asked for by name; '' = the only requestable grant that gives the resource. */
  grant: string;
  durationMs: number;
  reason: string;
}

/** The grant a new request goes through; throws when the request may not be made. */
export function grantForRequest(policy: Policy, req: NewRequest): Grant {
  if (!policy.resources.has(req.resource)) throw new AccessRefusal('not_found', `no resource named "${req.resource}" in the policy`);
  const offered = requestableGrants(policy, req.user, req.groups, req.resource);
  const candidates = req.grant ? offered.filter((g) => g.name === req.grant) : offered;
  if (candidates.length === 0) {
    const which = req.grant ? `grant ${req.grant} is not a requestable grant giving ${req.resource} to ${req.user}` : `no requestable grant gives ${req.resource} to ${req.user}`;
    throw new AccessRefusal('not_found', offered.length > 0 ? `${which} (requestable: ${offered.map((g) => g.name).join(', ')})` : which);
  }
  if (candidates.length > 1) {
    throw new AccessRefusal('ambiguous', `several requestable grants give ${req.resource}: ${candidates.map((g) => g.name).join(', ')}; choose one with --grant NAME`);
  }
  const grant = candidates[0]!;
  checkDuration(grant, req.durationMs);
  if (grant.requestable!.reasonRequired && req.reason.trim() === '') {
    throw new AccessRefusal('invalid', `grant ${grant.name} requires a reason: pass --reason TEXT`);
  }
  return grant;
}

/** Throws when `durationMs` is beyond the grant's max_duration. */
export function checkDuration(grant: Grant, durationMs: number): void {
  const max = grant.requestable!.maxDurationMs;
  if (durationMs > max) {
    throw new AccessRefusal('invalid', `${formatDuration(durationMs)} is beyond grant ${grant.name}'s max_duration of ${formatDuration(max)}`);
  }
}

export interface Decider {
  /** The approving user (the admin certificate's name). */
  user: string;
  groups: readonly string[];
}

/**
 * The grant under which `decider` may decide a pending request (approve, or deny while the
 * grant still offers it): never the requester, always one of the grant's approvers. A request
 * the applied policy no longer offers (grant removed, requester left its groups) can only be
 * denied, by any admin.
 */
export function checkDecider(policy: Policy | undefined, r: AccessRequestRecord, requesterGroups: readonly string[], decider: Decider, to: 'approved' | 'denied'): Grant | undefined {
  checkTransition(r, to);
  const verb = to === 'approved' ? 'approve' : 'deny';
  if (decider.user === r.username) throw new AccessRefusal('forbidden', `${decider.user} cannot ${verb} their own request: approvers are never the requester`);
  const grant = policy && requestableGrants(policy, r.username, requesterGroups, r.resource).find((g) => g.name === r.grant);
  if (!grant) {
    if (to === 'denied') return undefined;
    throw new AccessRefusal('state', `grant ${r.grant} no longer offers ${r.resource} to ${r.username} on request under the applied policy; the request can only be denied`);
  }
  if (!isApprover(policy!, grant, decider.user, decider.groups)) {
    throw new AccessRefusal('forbidden', `${decider.user} is not an approver of grant ${grant.name} (approvers: ${grant.requestable!.approvers.join(', ')})`);
  }
  return grant;
}
