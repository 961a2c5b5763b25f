// checkPolicy: validate a policy file and run its embedded tests (`wicketctl policy test`,
// and the gate before apply: nothing is applied unless the file is valid and every test
// passes). One result per allow/deny item: a resource, a port of a network resource, or a
// request to an HTTP resource (decided with common/http-rules, as the proxy decides it).
// Pure apart from reading the clock when a test gives no `at` and the caller no `now`.
import type { PolicyTestResult__Output } from '../../proto/generated/wicket/v1/PolicyTestResult.js';
import { evaluate, type Entitlement, type Evaluation } from './evaluate.js';
import { decideRequest } from './http-request.js';
import { parsePolicy } from './parse.js';
import type { Policy, PolicyTest, TestExpectation } from './policy.js';
import { formatPortSpec, portSpecCovers, portSpecsOverlap, type PortSpec } from './ports.js';
import type { PolicyError } from './source.js';

export type PolicyTestResult = PolicyTestResult__Output;

export interface PolicyCheck {
  valid: boolean;
  errors: PolicyError[];
  tests: PolicyTestResult[];
  /** Valid and every test passed. */
  ok: boolean;
  policy?: Policy;
}

/** True when the entitlements together cover every port of `spec` (ranges may be split across grants). */
function covers(entitlements: Entitlement[], spec: PortSpec): boolean {
  const ranges = entitlements.filter((e) => e.protocol === spec.protocol).sort((a, b) => a.portFrom - b.portFrom);
  let next = spec.portFrom;
  for (const e of ranges) {
    if (e.portFrom > next) break;
    next = Math.max(next, e.portTo + 1);
    if (next > spec.portTo) return true;
  }
  return false;
}

function grantsOf(entitlements: Entitlement[]): string {
  return [...new Set(entitlements.map((e) => e.grant))].join(', ');
}

function runExpectation(policy: Policy, test: PolicyTest, result: Evaluation, expect: 'allow' | 'deny', x: TestExpectation): PolicyTestResult {
  const { resource, spec, text } = x.item;
  const r = policy.resources.get(resource)!;
  const mine = result.entitlements.filter((e) => e.resource === resource);
  const name = `${test.user}: ${expect} ${text}`;
  const denialOf = () => result.denials.find((d) => d.resource === resource)?.message ?? 'not granted';
  const outcome = (passed: boolean, message: string) => ({ name, passed, message, line: x.line });
  if (r.http) {
    // A request is decided as the gateway's proxy decides it; the resource alone means any access.
    const request = x.item.request;
    if (mine.length === 0) return outcome(expect === 'deny', expect === 'deny' ? `denied: ${denialOf()}` : `expected allow, but denied: ${denialOf()}`);
    if (!request) return outcome(expect === 'allow', expect === 'allow' ? `allowed by grant ${grantsOf(mine)}` : `expected deny, but allowed by grant ${grantsOf(mine)}`);
    const decision = decideRequest(mine, resource, request);
    if (decision.allowed) return outcome(expect === 'allow', `${expect === 'allow' ? '' : 'expected deny, but '}allowed by grant ${decision.grant}`);
    return outcome(expect === 'deny', `${expect === 'deny' ? '' : 'expected allow, but '}denied: ${decision.reason}`);
  }
  const specs = spec ? [spec] : r.ports;
  if (expect === 'allow') {
    if (spec && !r.ports.some((p) => portSpecCovers(p, spec))) return outcome(false, `${resource} does not expose ${formatPortSpec(spec)}`);
    const missing = specs.filter((s) => !covers(mine, s));
    if (missing.length === 0) return outcome(true, `allowed by grant ${grantsOf(mine)}`);
    const partly = mine.length > 0 ? ` (${missing.map(formatPortSpec).join(', ')} not granted)` : '';
    return outcome(false, `expected allow, but denied${partly}: ${mine.length > 0 ? `only ${grantsOf(mine)} applies` : denialOf()}`);
  }
  const leaking = mine.filter((e) => specs.some((s) => portSpecsOverlap(e, s)));
  if (leaking.length === 0) return outcome(true, mine.length > 0 ? `not granted on ${text}` : `denied: ${denialOf()}`);
  return outcome(false, `expected deny, but allowed by grant ${grantsOf(leaking)}`);
}

/** Runs every embedded test of a valid policy. */
export function runPolicyTests(policy: Policy, now: Date = new Date()): PolicyTestResult[] {
  return policy.tests.flatMap((test) => {
    const result = evaluate(policy, { user: test.user, groups: test.groups, mfa: test.mfa, posture: test.posture, now: test.at ?? now });
    return [
      ...test.allow.map((x) => runExpectation(policy, test, result, 'allow', x)),
      ...test.deny.map((x) => runExpectation(policy, test, result, 'deny', x)),
    ];
  });
}

/** Validates the text and runs its tests. `now` is the time for tests without `at` (default: the clock). */
export function checkPolicy(text: string, options: { now?: Date } = {}): PolicyCheck {
  const parsed = parsePolicy(text);
  if (!parsed.ok) return { valid: false, errors: parsed.errors, tests: [], ok: false };
  const tests = runPolicyTests(parsed.policy, options.now);
  return { valid: true, errors: [], tests, ok: tests.every((t) => t.passed), policy: parsed.policy };
}
