// explain: why a subject may or may not reach one resource (optionally one protocol/port of
// a network resource, or one request to an HTTP resource): every grant that mentions the
// resource with the reasons it does or does not apply, the resulting entitlements, and the
// denial. A request is decided with common/http-rules, as the gateway's proxy decides it, so
// the summary names the rule that is missing. Mirrors the proto ExplainPolicyResponse. Pure.
import type { GrantDecision__Output } from '../../proto/generated/wicket/v1/GrantDecision.js';
import { formatDuration } from '../../common/duration.js';
import { approvedUntil, evaluate, grantConditions, subjectGroups, type Denial, type Entitlement, type Subject } from './evaluate.js';
import { ruleAllows, type HttpRule } from '../../common/http-rules.js';
import { decideRequest, formatHttpRequest, type HttpRequest } from './http-request.js';
import type { Grant, Policy } from './policy.js';
import { formatPortSpec, portSpecsOverlap, type PortSpec, type Protocol } from './ports.js';

export type GrantDecision = GrantDecision__Output;

export interface Explanation {
  allowed: boolean;
  /** One sentence. */
  summary: string;
  grants: GrantDecision[];
  /** The entitlements for the resource (restricted to the protocol/port asked about). */
  entitlements: Entitlement[];
  denial?: Denial;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The port spec asked about: a protocol alone means any of its ports. */
function querySpec(protocol: Protocol | undefined, port: number | undefined): PortSpec | undefined {
  if (!protocol) return undefined;
  if (protocol === 'icmp') return { protocol, portFrom: 0, portTo: 0 };
  return port ? { protocol, portFrom: port, portTo: port } : { protocol, portFrom: 1, portTo: 65535 };
}

function membership(grant: Grant, user: string, groups: Set<string>): string[] {
  const reasons: string[] = [];
  if (grant.users.includes(user)) reasons.push(`user ${user} is named in the grant`);
  for (const g of grant.groups) if (groups.has(g)) reasons.push(`user ${user} is in group ${g}`);
  return reasons;
}

/** A requestable grant's terms and whether a request for the resource is approved now. */
function requestReasons(grant: Grant, subject: Subject, resource: string): { approved: boolean; reasons: string[] } {
  const r = grant.requestable;
  if (!r) return { approved: true, reasons: [] };
  const until = approvedUntil(subject, grant.name, resource);
  return {
    approved: until !== undefined,
    reasons: [
      `requestable, approvers: ${r.approvers.join(', ')} (at most ${formatDuration(r.maxDurationMs)}${r.reasonRequired ? ', reason required' : ''})`,
      until === undefined ? `no approved request for ${resource} (ask with: wicket request ${resource} --for DURATION)` : `request for ${resource} approved until ${iso(until)}`,
    ],
  };
}

/** A grant's HTTP rule as a sentence ("allows GET, HEAD on /docs/*"). */
function describeRule(rule: HttpRule | null): string {
  const methods = rule?.methods.length ? rule.methods.join(', ') : 'every method';
  const paths = rule?.paths.length ? rule.paths.join(', ') : 'every path';
  return `${methods} on ${paths}`;
}

/** Whether an HTTP grant's rule allows the request asked about (any request when none is). */
function ruleReasons(grant: Grant, request: HttpRequest | undefined): { allows: boolean; reasons: string[] } {
  const rule = grant.http ?? { methods: [], paths: [] };
  if (!request) return { allows: true, reasons: [`http: allows ${describeRule(grant.http)}`] };
  const allows = ruleAllows(rule, request.method, request.path.segments);
  return { allows, reasons: [`http: allows ${describeRule(grant.http)}, so ${formatHttpRequest(request)} is ${allows ? '' : 'not '}allowed`] };
}

function decide(policy: Policy, grant: Grant, subject: Subject, groups: Set<string>, resource: string, request: HttpRequest | undefined): GrantDecision {
  const decision = (applies: boolean, reasons: string[]): GrantDecision => ({
    grant: grant.name, applies, reasons, requestable: grant.requestable !== null, approvers: grant.requestable?.approvers ?? [],
  });
  const member = membership(grant, subject.user, groups);
  if (member.length === 0) {
    const to = [...grant.groups.map((g) => `group:${g}`), ...grant.users].join(', ');
    return decision(false, [`user ${subject.user} is not among ${to}`]);
  }
  const c = grantConditions(policy, grant, subject);
  const failed = (code: string) => c.failures.filter((f) => f.code === code).map((f) => f.message);
  const reasons = [...member];
  if (grant.tunnel) reasons.push(...(failed('tunnel').length ? failed('tunnel') : ['through the tunnel, as required']));
  if (grant.mfa) reasons.push(...(failed('mfa').length ? failed('mfa') : ['MFA used, as required']));
  for (const name of grant.postures) {
    const own = failed('posture').filter((m) => m.startsWith(`posture ${name}:`));
    reasons.push(...(own.length ? own : [`posture ${name} satisfied`]));
  }
  if (grant.schedule) {
    reasons.push(...(failed('schedule').length ? failed('schedule')
      : [`inside schedule ${grant.schedule.text}${c.scheduleUntil === null ? '' : ` until ${iso(c.scheduleUntil)}`}`]));
  }
  if (grant.sessionTtlMs !== null) reasons.push(`session_ttl ${formatDuration(grant.sessionTtlMs)}`);
  const approval = requestReasons(grant, subject, resource);
  reasons.push(...approval.reasons);
  const rule = policy.resources.get(resource)!.http ? ruleReasons(grant, request) : { allows: true, reasons: [] };
  reasons.push(...rule.reasons);
  return decision(c.failures.length === 0 && approval.approved && rule.allows, reasons);
}

/**
 * The grants naming the subject whose rules would allow `request` but whose conditions fail
 * ("grant alice-write would allow it: requires the tunnel"): the rules alone do not say that
 * the missing rule exists and is merely held back.
 */
function heldBack(policy: Policy, subject: Subject, groups: Set<string>, resource: string, request: HttpRequest): string[] {
  return (policy.index.grantsOfResource.get(resource) ?? []).flatMap((i) => {
    const grant = policy.grants[i]!;
    if (membership(grant, subject.user, groups).length === 0) return [];
    if (!ruleAllows(grant.http ?? { methods: [], paths: [] }, request.method, request.path.segments)) return [];
    const failures = grantConditions(policy, grant, subject).failures.map((f) => f.message);
    if (grant.requestable && approvedUntil(subject, grant.name, resource) === undefined) failures.push('no approved request');
    return failures.length > 0 ? [`grant ${grant.name} would allow it: ${failures.join('; ')}`] : [];
  });
}

/**
 * Explains `resource` for `subject`: any access, one protocol (and port) of a network
 * resource, or one `request` to an HTTP resource.
 */
export function explain(policy: Policy, subject: Subject, resource: string, protocol?: Protocol, port?: number, request?: HttpRequest): Explanation {
  const r = policy.resources.get(resource);
  const spec = querySpec(protocol, port);
  const target = request ? `${resource} ${formatHttpRequest(request)}` : !spec ? resource : protocol !== 'icmp' && !port ? `${resource}:${protocol}` : `${resource}:${formatPortSpec(spec)}`;
  const denied = (denial: Denial, grants: GrantDecision[] = []): Explanation => ({
    allowed: false, summary: `${subject.user} may not reach ${target}: ${denial.message}`, grants, entitlements: [], denial,
  });
  if (!r) return denied({ resource, code: 'no_grant', message: `no resource named "${resource}" in the policy` });
  const groups = subjectGroups(policy, subject.user, subject.groups);
  const grants = (policy.index.grantsOfResource.get(resource) ?? []).map((i) => decide(policy, policy.grants[i]!, subject, groups, resource, r.http ? request : undefined));
  if (spec && r.http) {
    return denied({ resource, code: 'no_grant', message: `${resource} is an HTTP resource on ${r.http.hostname}: ask about a request (${resource}:GET/path) or the resource alone` }, grants);
  }
  if (request && !r.http) {
    return denied({ resource, code: 'no_grant', message: `${resource} is a network resource: ask about a port (${resource}:${formatPortSpec(r.ports[0]!)}) or the resource alone, not a request` }, grants);
  }
  if (spec && !r.http && !r.ports.some((p) => portSpecsOverlap(p, spec))) {
    return denied({ resource, code: 'no_grant', message: `${resource} does not expose ${formatPortSpec(spec)} (ports: ${r.ports.map(formatPortSpec).join(', ')})` }, grants);
  }
  const result = evaluate(policy, subject);
  const mine = result.entitlements.filter((e) => e.resource === resource);
  let entitlements = mine.filter((e) => !spec || portSpecsOverlap(e, spec));
  if (entitlements.length === 0) return denied(result.denials.find((d) => d.resource === resource)!, grants);
  if (request) {
    // The subject reaches the proxy; whether this request passes is the rules' decision.
    const decision = decideRequest(mine, resource, request);
    if (!decision.allowed) {
      const held = heldBack(policy, subject, groups, resource, request);
      return denied({ resource, code: 'no_grant', message: [decision.reason, ...held].join('; ') }, grants);
    }
    entitlements = mine.filter((e) => ruleAllows(e.http!, request.method, request.path.segments));
  }
  const through = [...new Set(entitlements.map((e) => e.grant))].join(', ');
  const ends = entitlements.map((e) => e.expiresAt).filter((t): t is number => t !== null);
  const until = ends.length === entitlements.length ? ` until ${iso(Math.max(...ends))}` : '';
  return { allowed: true, summary: `${subject.user} may reach ${target} through grant ${through}${until}`, grants, entitlements };
}
