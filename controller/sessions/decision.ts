// The policy decision for one user's device: groups (the user's and, for an SSO login, the
// identity provider's), MFA, posture, time and just-in-time approvals go into the pure
// evaluator; what comes out is capped at the session's expiry. Reads the store, writes nothing.
import { evaluate, type Approval, type Denial, type Entitlement, type Policy, type Posture } from '../policy/index.js';
import type { Store } from '../store/store.js';
import { policyGroups } from '../sso/claims.js';

export interface Decision { entitlements: Entitlement[]; denials: Denial[] }

/**
 * Whether the login behind a certificate used MFA (a password login always includes TOTP;
 * an SSO login did when the provider's amr/acr said so), and the identity-provider groups
 * it brought (as policy groups `idp:NAME`).
 */
export function loginOf(store: Store, certSerial: string): { mfa: boolean; idpGroups: string[] } {
  const auth = store.sso.certificateAuth(certSerial);
  return auth ? { mfa: auth.mfa, idpGroups: policyGroups(auth.groups) } : { mfa: true, idpGroups: [] };
}

export interface DecisionInput {
  user: string;
  certSerial: string;
  posture: Posture;
  mfa: boolean;
  now: number;
  sessionStart: number;
  approvals: Approval[];
}

export function decide(store: Store, policy: Policy, input: DecisionInput): Decision {
  const { user, certSerial, posture, mfa, now, sessionStart, approvals } = input;
  const groups = [...store.users.groupsOf(user), ...loginOf(store, certSerial).idpGroups];
  const result = evaluate(policy, { user, groups, mfa, posture, now: new Date(now), sessionStart: new Date(sessionStart), approvals });
  // An entitlement whose time is already up (session_ttl counted from the session start) gives nothing.
  return { entitlements: result.entitlements.filter((e) => e.expiresAt === null || e.expiresAt > now), denials: result.denials };
}

/** Caps every entitlement's expiry at the session's. */
export function clampEntitlements(list: Entitlement[], expiresAtMs: number): Entitlement[] {
  return list.map((e) => ({ ...e, expiresAt: Math.min(e.expiresAt ?? expiresAtMs, expiresAtMs) }));
}

export function summarizeDenials(denials: Denial[]): string {
  if (denials.length === 0) return 'the policy grants this user nothing';
  return denials.slice(0, 5).map((d) => `${d.resource}: ${d.message}`).join('; ') + (denials.length > 5 ? `; and ${denials.length - 5} more` : '');
}
