// What an access approval is bound to: a hash of the grant's content — who it is for, its
// resources as they are defined, its conditions, its approvers — as it was when the request
// was made. A policy that changes the grant (or removes it and adds another under the same
// name) ends the approval instead of handing it on to different terms; the one term that
// may change without ending it is max_duration, which only caps how long it runs.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/chain.js';
import type { Grant, Policy } from '../policy/index.js';

/** The hash of a grant's content under a policy (SHA-256 hex), max_duration aside. */
export function grantBinding(policy: Policy, grant: Grant): string {
  // The position in the file is not content: moving a grant keeps its approvals.
  // Terms the policy language gained later (HTTP rules, the tunnel requirement) count only
  // when set, so that bindings made before them still match an unchanged grant.
  const content = {
    ...grant,
    index: undefined,
    tunnel: grant.tunnel || undefined,
    http: grant.http ?? undefined,
    requestable: grant.requestable && { ...grant.requestable, maxDurationMs: undefined },
    resources: grant.resources.map((name) => {
      const r = policy.resources.get(name);
      return r ? { ...r, http: r.http ?? undefined } : name;
    }),
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** What a policy apply does to one live approval or pending request. */
export type BindingOutcome = { kind: 'keep' } | { kind: 'end'; reason: string } | { kind: 'shorten'; expiresAtMs: number };

/** Pure: the outcome for a request bound to `binding`, under the newly applied policy. */
export function rebind(policy: Policy, r: { grant: string; binding: string; state: string; decidedAtMs: number; expiresAtMs: number }, version: number): BindingOutcome {
  const grant = policy.grants.find((g) => g.name === r.grant);
  if (!grant?.requestable) return { kind: 'end', reason: `grant ${r.grant} was removed by policy version ${version}` };
  if (grantBinding(policy, grant) !== r.binding) return { kind: 'end', reason: `grant ${r.grant} was changed by policy version ${version}` };
  const cap = r.decidedAtMs + grant.requestable.maxDurationMs;
  if (r.state === 'approved' && cap < r.expiresAtMs) return { kind: 'shorten', expiresAtMs: cap };
  return { kind: 'keep' };
}
