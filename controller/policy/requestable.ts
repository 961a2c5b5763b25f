// Just-in-time grants seen from a request: which requestable grants would give a user a
// resource, and whether someone may approve a request for one. Pure.
import { grantsNaming, subjectGroups } from './evaluate.js';
import type { Grant, Policy } from './policy.js';

/** The requestable grants naming the user (directly or through a group) that give `resource`, in file order. */
export function requestableGrants(policy: Policy, user: string, directoryGroups: readonly string[], resource: string): Grant[] {
  return grantsNaming(policy, user, subjectGroups(policy, user, directoryGroups))
    .map((i) => policy.grants[i]!)
    .filter((g) => g.requestable !== null && g.resources.includes(resource));
}

/** Whether `user` (with these directory groups) is among a requestable grant's approvers. */
export function isApprover(policy: Policy, grant: Grant, user: string, directoryGroups: readonly string[]): boolean {
  const r = grant.requestable;
  if (!r) return false;
  if (r.approverUsers.includes(user)) return true;
  const groups = subjectGroups(policy, user, directoryGroups);
  return r.approverGroups.some((g) => groups.has(g));
}
