// The policy engine's public surface: parse/validate, evaluate, explain, test, diff and
// listings. Other modules import from here (and EMPTY_POSTURE from posture.ts).
export type { Protocol, PortSpec } from './ports.js';
export { formatPortSpec, parsePortSpec } from './ports.js';
export type { PolicyError } from './source.js';
export type { Posture, PostureRequirement } from './posture.js';
export { EMPTY_POSTURE } from './posture.js';
export type { Policy, Grant, Resource, NetworkResource, HttpResource, Requestable } from './policy.js';
export type { HttpResourceSpec } from './http-resource.js';
export type { HttpRule } from '../../common/http-rules.js';
export { parsePolicy, type ParseResult } from './parse.js';
export { evaluate, type Subject, type Approval, type Entitlement, type Denial, type DenialCode, type Evaluation } from './evaluate.js';
export { requestableGrants, isApprover } from './requestable.js';
export { explain, type Explanation, type GrantDecision } from './explain.js';
export { parseHttpRequest, decideRequest, httpRulesOf, type HttpRequest } from './http-request.js';
export { checkPolicy, type PolicyCheck, type PolicyTestResult } from './check.js';
export { diffPolicies, type AccessChange, type DirectoryUser } from './diff.js';
export { resourcesOf, gatewaysOf, type ResourceListing } from './catalog.js';
export { matchingEntitlements } from './match.js';
