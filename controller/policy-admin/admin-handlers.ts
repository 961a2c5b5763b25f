// Admin handlers for policy as code: test, diff (blast radius), apply (only when valid and
// every embedded test passes; stored as a new version with its author, audited, then the
// session layer is told), show, history and explain.
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { PolicyTestResponse__Output as PolicyTestResponse } from '../../proto/generated/wicket/v1/PolicyTestResponse.js';
import type { Entitlement__Output as WireEntitlement } from '../../proto/generated/wicket/v1/Entitlement.js';
import type { Audit } from '../audit/audit.js';
import type { Revocation } from '../revocation/revocation.js';
import type { Store } from '../store/store.js';
import type { Notifier } from '../store/notifications.js';
import { adminActor } from '../api/authz.js';
import { unary, type HandlerDeps } from '../api/handler.js';
import { failedPrecondition, invalidArgument, notFound } from '../errors.js';
import { checkPolicy, diffPolicies, explain, parseHttpRequest, parsePolicy, EMPTY_POSTURE, type Entitlement, type HttpRequest, type Policy, type PolicyCheck, type Protocol } from '../policy/index.js';

let cache: { version: number; policy: Policy } | undefined;

/** The applied policy (parsed once per version), or undefined before the first apply. */
export async function appliedPolicy(store: Store): Promise<{ version: number; policy: Policy } | undefined> {
  const current = await store.policies.current();
  if (!current) return undefined;
  if (cache?.version !== current.version || cache.policy.sha256 !== current.sha256) {
    const parsed = parsePolicy(current.yaml);
    if (!parsed.ok) throw new Error(`applied policy version ${current.version} no longer parses: ${parsed.errors[0]?.message}`);
    cache = { version: current.version, policy: parsed.policy };
  }
  return cache;
}

/** The engine's entitlement in wire form (no policy limit = 0). */
export function wireEntitlement(e: Entitlement): WireEntitlement {
  const { expiresAt, ...rest } = e;
  return { ...rest, expiresAtMs: expiresAt ?? 0 };
}

/** The request an explain asks about (both fields or neither), refused when malformed. */
function explainedRequest(method: string, path: string, protocol: string): HttpRequest | undefined {
  if (method === '' && path === '') return undefined;
  if (method === '' || path === '') throw invalidArgument('give both http_method and http_path (or neither)');
  if (protocol !== '') throw invalidArgument('ask about a protocol/port or an HTTP request, not both');
  const request = parseHttpRequest(method, path);
  if (typeof request === 'string') throw invalidArgument(request);
  return request;
}

function checkResponse(c: PolicyCheck): PolicyTestResponse {
  return { valid: c.valid, errors: c.errors, tests: c.tests, ok: c.ok };
}

export interface PolicyAdminDeps extends HandlerDeps {
  store: Store;
  audit: Audit;
  revocation: Pick<Revocation, 'policyApplied'>;
  /** Tells the other controllers of the database that a policy version was applied. */
  notifier: Pick<Notifier, 'notify'>;
  now: () => number;
}

export function policyAdmin(ctx: PolicyAdminDeps): Pick<AdminHandlers,
  'TestPolicy' | 'DiffPolicy' | 'ApplyPolicy' | 'ShowPolicy' | 'PolicyHistory' | 'ExplainPolicy'> {
  const diffAgainstApplied = async (after: Policy) => {
    const base = await appliedPolicy(ctx.store);
    return { baseVersion: base?.version ?? 0, changes: diffPolicies(base?.policy ?? null, after, await ctx.store.users.directory()) };
  };

  return {
    TestPolicy: unary(ctx.log, { method: 'Admin.TestPolicy', caller: (call) => adminActor(ctx.authorize, call), request: 'PolicyRequest' }, (req) => {
      return checkResponse(checkPolicy(req.yaml));
    }),

    DiffPolicy: unary(ctx.log, { method: 'Admin.DiffPolicy', caller: (call) => adminActor(ctx.authorize, call), request: 'PolicyRequest' }, async (req) => {
      const check = checkPolicy(req.yaml);
      if (!check.policy) return { check: checkResponse(check), baseVersion: (await appliedPolicy(ctx.store))?.version ?? 0, changes: [] };
      return { check: checkResponse(check), ...(await diffAgainstApplied(check.policy)) };
    }),

    ApplyPolicy: unary(ctx.log, { method: 'Admin.ApplyPolicy', caller: (call) => adminActor(ctx.authorize, call), request: 'PolicyRequest' }, async (req, actor) => {
      const check = checkPolicy(req.yaml);
      if (!check.ok || !check.policy) return { check: checkResponse(check), version: 0, changes: [], sessionsUpdated: 0 };
      const policy = check.policy;
      const { baseVersion, changes } = await diffAgainstApplied(policy);
      const appliedAtMs = ctx.now();
      const version = await ctx.store.transaction(async (tx) => {
        const v = await tx.policies.add({ yaml: policy.source, sha256: policy.sha256, author: actor, appliedAtMs });
        await ctx.audit.append(tx, { actor, action: 'policy.apply', target: `v${v}`, details: { version: v, base_version: baseVersion, sha256: policy.sha256, users_changed: changes.length } });
        await ctx.notifier.notify(tx, 'wicket_policy_applied', String(v));
        return v;
      });
      ctx.log.info({ version, actor }, 'policy applied');
      const sessionsUpdated = await ctx.revocation.policyApplied(policy, version);
      return { check: checkResponse(check), version, changes, sessionsUpdated };
    }),

    ShowPolicy: unary(ctx.log, { method: 'Admin.ShowPolicy', caller: (call) => adminActor(ctx.authorize, call), request: 'ShowPolicyRequest' }, async (req) => {
      const found = req.version === 0 ? await ctx.store.policies.current() : await ctx.store.policies.get(req.version);
      if (!found) throw notFound(req.version === 0 ? 'no policy has been applied yet' : `no policy version ${req.version}`);
      return found;
    }),

    PolicyHistory: unary(ctx.log, { method: 'Admin.PolicyHistory', caller: (call) => adminActor(ctx.authorize, call), request: 'PolicyHistoryRequest' }, async () => {
      return { versions: await ctx.store.policies.history() };
    }),

    ExplainPolicy: unary(ctx.log, { method: 'Admin.ExplainPolicy', caller: (call) => adminActor(ctx.authorize, call), request: 'ExplainPolicyRequest' }, async (req) => {
      const applied = await appliedPolicy(ctx.store);
      if (!applied) throw failedPrecondition('no policy has been applied yet');
      if (!applied.policy.resources.has(req.resource)) throw notFound(`the applied policy has no resource ${req.resource}`);
      const request = explainedRequest(req.httpMethod, req.httpPath, req.protocol);
      // Default posture: what the user's most recently seen device last reported.
      const device = (await ctx.store.devices.list()).filter((d) => d.username === req.user).sort((a, b) => b.lastSeenMs - a.lastSeenMs)[0];
      const subject = {
        user: req.user, groups: await ctx.store.users.groupsOf(req.user), mfa: req.mfa ?? true,
        posture: req.posture ?? device?.posture ?? EMPTY_POSTURE, now: new Date(req.atMs || ctx.now()),
      };
      const e = explain(applied.policy, subject, req.resource, (req.protocol || undefined) as Protocol | undefined, req.port || undefined, request);
      return { allowed: e.allowed, summary: e.summary, grants: e.grants, entitlements: e.entitlements.map(wireEntitlement), denial: e.denial ?? null, policyVersion: applied.version };
    }),
  };
}
