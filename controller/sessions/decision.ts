// The policy decision for one user's device: groups (the user's and, for an SSO login, the
// identity provider's), MFA, posture, time and just-in-time approvals go into the pure
// evaluator; what comes out is capped at the session's expiry. An HTTP entitlement leaves the
// evaluator without a destination: it is the gateway's service address (its proxy), and a
// gateway without one yet gives nothing. Reads the store, writes nothing.
import { evaluate, type Approval, type Denial, type Entitlement, type Policy, type Posture } from '../policy/index.js';
import type { Store } from '../store/store.js';
import { policyGroups } from '../sso/claims.js';

/** What the policy gives, why not the rest, and the subject's groups (the assertion's `groups` claim). */
export interface Decision { entitlements: Entitlement[]; denials: Denial[]; groups: string[] }

/**
 * Whether the login behind a certificate used MFA (a password login always includes TOTP;
 * an SSO login did when the provider's amr/acr said so), and the identity-provider groups
 * it brought (as policy groups `idp:NAME`).
 */
export async function loginOf(store: Store, certSerial: string): Promise<{ mfa: boolean; idpGroups: string[] }> {
  const auth = await store.sso.certificateAuth(certSerial);
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
  /** Whether the caller comes through the tunnel (default true); false for a browser without it (controller/app-access/). */
  tunnel?: boolean;
}

/** `store` is the transaction's when the decision is part of one (admission, re-evaluation). */
export async function decide(store: Store, policy: Policy, input: DecisionInput): Promise<Decision> {
  const { user, certSerial, posture, mfa, now, sessionStart, approvals, tunnel } = input;
  const groups = [...await store.users.groupsOf(user), ...(await loginOf(store, certSerial)).idpGroups];
  const result = evaluate(policy, { user, groups, mfa, posture, now: new Date(now), sessionStart: new Date(sessionStart), approvals, tunnel });
  // An entitlement whose time is already up (session_ttl counted from the session start) gives nothing.
  const live = result.entitlements.filter((e) => e.expiresAt === null || e.expiresAt > now);
  const addresses = await serviceAddresses(store, [...new Set(live.filter((e) => e.http).map((e) => e.gateway))]);
  const { entitlements, denials } = routeHttp(live, (g) => addresses.get(g) ?? '');
  return {
    entitlements, denials: [...result.denials, ...denials],
    groups: [...new Set([...(policy.index.groupsOfUser.get(user) ?? []), ...groups])].sort(),
  };
}

/** The service address of each of `gateways` ('' for one that has none yet, or is unknown). */
export async function serviceAddresses(store: Store, gateways: Iterable<string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const g of gateways) if (!out.has(g)) out.set(g, (await store.gateways.get(g))?.serviceAddress ?? '');
  return out;
}

/**
 * Points each HTTP entitlement at its gateway's service address (looked up once per gateway);
 * one whose gateway has none yet becomes a denial instead.
 */
export function routeHttp(list: readonly Entitlement[], serviceAddress: (gateway: string) => string): { entitlements: Entitlement[]; denials: Denial[] } {
  const addresses = new Map<string, string>();
  const entitlements: Entitlement[] = [];
  const denials: Denial[] = [];
  for (const e of list) {
    if (!e.http) {
      entitlements.push(e);
      continue;
    }
    const address = addresses.get(e.gateway) ?? addresses.set(e.gateway, serviceAddress(e.gateway)).get(e.gateway)!;
    if (address) entitlements.push({ ...e, destination: address });
    else if (!denials.some((d) => d.resource === e.resource)) {
      denials.push({ resource: e.resource, code: 'no_grant', message: `gateway ${e.gateway} has no service address yet (it has not enrolled): its HTTP resources cannot be reached` });
    }
  }
  return { entitlements, denials };
}

/** Caps every entitlement's expiry at the session's. */
export function clampEntitlements(list: Entitlement[], expiresAtMs: number): Entitlement[] {
  return list.map((e) => ({ ...e, expiresAt: Math.min(e.expiresAt ?? expiresAtMs, expiresAtMs) }));
}

export function summarizeDenials(denials: Denial[]): string {
  if (denials.length === 0) return 'the policy grants this user nothing';
  return denials.slice(0, 5).map((d) => `${d.resource}: ${d.message}`).join('; ') + (denials.length > 5 ? `; and ${denials.length - 5} more` : '');
}
