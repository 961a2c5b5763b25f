// Evaluation: (policy, subject) -> entitlements, each tagged with the grant that allows it,
// and a denial with its reason for every resource not granted. Default deny; grants only add.
// Cost is proportional to the grants that name the subject (via the policy's indexes) plus
// one denial per resource left out. Pure.
import type { Denial__Output } from '../../proto/generated/wicket/v1/Denial.js';
import type { Entitlement__Output } from '../../proto/generated/wicket/v1/Entitlement.js';
import type { Grant, Policy } from './policy.js';
import { postureFailures, type Posture } from './posture.js';
import type { Protocol } from './ports.js';
import { scheduleState } from './schedule.js';

/** An approved just-in-time request: it opens requestable `grant` for `resource` until `expiresAt` (ms). */
export interface Approval {
  grant: string;
  resource: string;
  expiresAt: number;
}

/** Who asks: the user, their directory groups, whether the login used MFA, the device, the time. */
export interface Subject {
  user: string;
  groups: string[];
  mfa: boolean;
  posture: Posture;
  now: Date;
  /** When the session being evaluated began (session_ttl counts from it); default `now`. */
  sessionStart?: Date;
  /** The user's approved just-in-time requests (requestable grants give nothing without one). */
  approvals?: readonly Approval[];
  /** Whether the caller comes through the tunnel (default true); false for a clientless browser. */
  tunnel?: boolean;
}

/**
 * The proto Entitlement with a typed protocol and `expiresAt` in ms since the epoch: the
 * earliest of (sessionStart, default now) + session_ttl and the end of the current schedule
 * window; null when the policy sets no limit (the session's own expiry still applies). It may
 * already be past when the session started more than session_ttl ago: callers drop those.
 */
export type Entitlement = Omit<Entitlement__Output, 'protocol' | 'expiresAtMs'> & { protocol: Protocol; expiresAt: number | null };

export type DenialCode = 'no_grant' | 'missing_group' | 'posture' | 'schedule' | 'mfa' | 'requestable' | 'tunnel';
/** Treat as read-only: denials of resources no grant naming the subject mentions are shared and frozen. */
export type Denial = Omit<Denial__Output, 'code'> & { code: DenialCode };

export interface Evaluation {
  entitlements: Entitlement[];
  denials: Denial[];
}

/** A condition of a grant the subject fails. */
export interface ConditionFailure {
  code: 'mfa' | 'posture' | 'schedule' | 'requestable' | 'tunnel';
  message: string;
}

export interface GrantConditions {
  failures: ConditionFailure[];
  /** When the grant's access ends if it applies (null: no limit from the policy). */
  expiresAt: number | null;
  /** End of the current schedule window (null: no schedule, or it never closes). */
  scheduleUntil: number | null;
}

/** Per-evaluation memo: a posture is checked once however many grants require it. */
export type PostureMemo = Map<string, string[]>;

/** The outcome for a grant without conditions or TTL (most grants): shared, frozen. */
const UNCONDITIONAL: GrantConditions = Object.freeze({ failures: Object.freeze([]) as unknown as ConditionFailure[], expiresAt: null, scheduleUntil: null });

/** Checks a grant's conditions (tunnel, MFA, postures, schedule) for a subject already named by it. */
export function grantConditions(policy: Policy, grant: Grant, subject: Subject, memo: PostureMemo = new Map()): GrantConditions {
  if (!grant.mfa && !grant.tunnel && grant.postures.length === 0 && !grant.schedule && grant.sessionTtlMs === null) return UNCONDITIONAL;
  const now = subject.now.getTime();
  const failures: ConditionFailure[] = [];
  if (grant.tunnel && subject.tunnel === false) failures.push({ code: 'tunnel', message: 'requires the tunnel' });
  if (grant.mfa && !subject.mfa) failures.push({ code: 'mfa', message: 'MFA required but the login did not use MFA' });
  for (const name of grant.postures) {
    let failed = memo.get(name);
    if (!failed) {
      failed = postureFailures(policy.postures.get(name)!, subject.posture);
      memo.set(name, failed);
    }
    for (const message of failed) failures.push({ code: 'posture', message });
  }
  let scheduleUntil: number | null = null;
  if (grant.schedule) {
    const state = scheduleState(grant.schedule, now);
    if (!state.open) failures.push({ code: 'schedule', message: `outside schedule ${grant.schedule.text}` });
    else scheduleUntil = state.until;
  }
  const ttlEnd = grant.sessionTtlMs === null ? null : (subject.sessionStart?.getTime() ?? now) + grant.sessionTtlMs;
  const expiresAt = ttlEnd === null ? scheduleUntil : scheduleUntil === null ? ttlEnd : Math.min(ttlEnd, scheduleUntil);
  return { failures, expiresAt, scheduleUntil };
}

/** The subject's groups: the policy groups listing the user plus the directory groups given. */
export function subjectGroups(policy: Policy, user: string, directoryGroups: readonly string[]): Set<string> {
  return new Set([...(policy.index.groupsOfUser.get(user) ?? []), ...directoryGroups]);
}

/** Indexes of the grants naming the user directly or through one of the groups, in file order. */
export function grantsNaming(policy: Policy, user: string, groups: Iterable<string>): number[] {
  const found = new Set<number>(policy.index.grantsOfUser.get(user) ?? []);
  for (const group of groups) for (const i of policy.index.grantsOfGroup.get(group) ?? []) found.add(i);
  return [...found].sort((a, b) => a - b);
}

/**
 * When the subject's approvals open a requestable grant for a resource: the latest expiry
 * still in the future, or undefined when no approval does.
 */
export function approvedUntil(subject: Subject, grant: string, resource: string): number | undefined {
  const now = subject.now.getTime();
  let until: number | undefined;
  for (const a of subject.approvals ?? []) {
    if (a.grant === grant && a.resource === resource && a.expiresAt > now && (until === undefined || a.expiresAt > until)) until = a.expiresAt;
  }
  return until;
}

/** The condition a requestable grant fails while no request for it is approved. */
export function awaitingRequest(grant: Grant): ConditionFailure {
  return { code: 'requestable', message: `requestable, approvers: ${grant.requestable!.approvers.join(', ')} (no approved request)` };
}

/**
 * Appends the entitlements a grant gives for one resource to `out`: one per port spec of a
 * network resource; one for an HTTP resource, to its gateway's proxy (tcp/80 of the service
 * address, which the controller fills in as the destination) with the grant's request rules.
 */
export function pushGrantEntitlements(out: Entitlement[], policy: Policy, grant: Grant, resource: string, expiresAt: number | null): void {
  const r = policy.resources.get(resource)!;
  if (r.http) {
    out.push({
      resource, gateway: r.gateway, standbyGateways: [...r.standbyGateways], destination: '', protocol: 'tcp', portFrom: 80, portTo: 80, grant: grant.name, expiresAt,
      http: { hostname: r.http.hostname, methods: [...grant.http?.methods ?? []], paths: [...grant.http?.paths ?? []] },
    });
    return;
  }
  for (const p of r.ports) {
    out.push({
      resource, gateway: r.gateway, standbyGateways: [...r.standbyGateways], destination: r.address.text, protocol: p.protocol,
      portFrom: p.portFrom, portTo: p.portTo, grant: grant.name, expiresAt, http: null,
    });
  }
}

export function evaluate(policy: Policy, subject: Subject): Evaluation {
  const memo: PostureMemo = new Map();
  const entitlements: Entitlement[] = [];
  // Resources the subject's grants mention, by file position: null when entitled, else why not.
  const touched = new Map<number, { code: DenialCode; reasons: string[] } | null>();
  for (const i of grantsNaming(policy, subject.user, subjectGroups(policy, subject.user, subject.groups))) {
    const grant = policy.grants[i]!;
    const { failures, expiresAt } = grantConditions(policy, grant, subject, memo);
    for (const resource of grant.resources) {
      const at = policy.index.resourcePosition.get(resource)!;
      // A requestable grant gives a resource only while a request for it is approved, and
      // at most until the approval ends.
      const until = grant.requestable ? approvedUntil(subject, grant.name, resource) : null;
      const failed = until === undefined ? [...failures, awaitingRequest(grant)] : failures;
      if (failed.length === 0) {
        touched.set(at, null);
        pushGrantEntitlements(entitlements, policy, grant, resource, until == null ? expiresAt : Math.min(expiresAt ?? until, until));
        continue;
      }
      const known = touched.get(at);
      if (known === null) continue;
      const reason = `grant ${grant.name}: ${failed.map((f) => f.message).join('; ')}`;
      if (known) known.reasons.push(reason);
      else touched.set(at, { code: failed[0]!.code, reasons: [reason] });
    }
  }
  // Every other resource gets its prebuilt (shared, frozen) denial: copy the runs between
  // the touched positions instead of deciding each resource again.
  const { unreached } = policy.index;
  const denials: Denial[] = [];
  let from = 0;
  for (const at of [...touched.keys(), unreached.length].sort((a, b) => a - b)) {
    for (let k = from; k < at; k++) denials.push(unreached[k]!);
    const t = touched.get(at);
    if (t) denials.push({ resource: unreached[at]!.resource, code: t.code, message: t.reasons.join('; ') });
    from = at + 1;
  }
  return { entitlements, denials };
}
