// Just-in-time access over the store: a user requests a requestable grant's resource, an
// approver approves (for the requested or a shorter duration) or denies, an admin revokes,
// and approvals expire on time. Each step is one transaction with its audit record (refusals
// are audited too); after commit the requester's live sessions are re-evaluated so the
// entitlement appears or disappears at once.
import { newId } from '../store/id.js';
import type { Logger } from '../../common/log.js';
import type { AccessRequest } from '../../proto/generated/wicket/v1/AccessRequest.js';
import type { Grant, Policy } from '../policy/index.js';
import type { Store } from '../store/store.js';
import type { AccessRequestRecord } from './access-store.js';
import type { Audit } from '../audit/audit.js';
import { DomainError, notFound, type ErrorKind } from '../errors.js';
import type { InternalErrorReporter } from '../internal-errors.js';
import { grantBinding, rebind } from './binding.js';
import { AccessRefusal, checkDecider, checkDuration, checkTransition, grantForRequest, type NewRequest, type RefusalKind } from './rules.js';
import { MAX_TIMER_MS } from '../../common/timer.js';

const ERROR_KIND: Record<RefusalKind, ErrorKind> = {
  invalid: 'invalid',
  not_found: 'not_found',
  ambiguous: 'failed_precondition',
  forbidden: 'permission_denied',
  state: 'failed_precondition',
  exists: 'already_exists',
};

/** Grants by name, built once per applied policy (listing many requests looks each one up). */
const grantIndex = new WeakMap<Policy, Map<string, Grant>>();

function grantNamed(policy: Policy | undefined, name: string): Grant | undefined {
  if (!policy) return undefined;
  let byName = grantIndex.get(policy);
  if (!byName) grantIndex.set(policy, (byName = new Map(policy.grants.map((g) => [g.name, g]))));
  return byName.get(name);
}

export interface AccessDeps {
  store: Store;
  audit: Audit;
  /** The applied policy, if any. */
  policy: () => Policy | undefined;
  /** Re-evaluates the user's live sessions (installed by the session module). */
  reevaluateUser: (user: string, reason: string, actor: string) => Promise<unknown>;
  log: Logger;
  /** An unexpected error in the expiry timer (controller/internal-errors.ts). */
  reportInternal?: InternalErrorReporter;
  now: () => number;
  /** How often the expiry timer is armed again from the store (default REARM_MS). */
  rearmMs?: number;
}

/**
 * Approvals may be made on another controller of the database, which arms its own timer;
 * every controller reads the next expiry again this often, so an approval expires on time
 * (give or take this) even when the controller that made it died. The expiry itself is
 * decided in a transaction, so the controllers whose timers fire together expire it once.
 */
export const REARM_MS = 10_000;

export class AccessManager {
  private timer: NodeJS.Timeout | undefined;
  private rearmTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private armSeq = 0;

  constructor(private readonly deps: AccessDeps) {}

  /** Expires what ran out while the controller was down and arms the expiry timer. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.expireDue();
    this.rearmTimer = setInterval(() => {
      this.arm().catch((err: unknown) => this.deps.reportInternal?.('access.expiry', err));
    }, this.deps.rearmMs ?? REARM_MS);
    this.rearmTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.rearmTimer);
  }

  /** The request as the API returns it, with the grant's approvers under the applied policy. */
  view(r: AccessRequestRecord): AccessRequest {
    return { ...r, approvers: grantNamed(this.deps.policy(), r.grant)?.requestable?.approvers ?? [] };
  }

  async list(filter: { pending?: boolean; user?: string }): Promise<AccessRequest[]> {
    return (await this.deps.store.access.list(filter)).map((r) => this.view(r));
  }

  async get(id: string): Promise<AccessRequestRecord> {
    const r = await this.deps.store.access.get(id);
    if (!r) throw notFound(`no access request ${id}`);
    return r;
  }

  /** A user asks for a resource through a requestable grant; returns the pending request. */
  async request(req: Omit<NewRequest, 'groups'>): Promise<AccessRequest> {
    const { store, audit } = this.deps;
    const actor = `user:${req.user}`;
    const policy = this.deps.policy();
    const record = await this.refusing(actor, 'request', req.resource, { resource: req.resource, grant: req.grant, durationMs: req.durationMs, reason: req.reason }, async () => {
      if (!policy) throw new AccessRefusal('state', 'no policy has been applied yet');
      const grant = grantForRequest(policy, { ...req, groups: await store.users.groupsOf(req.user) });
      // The id and the time are chosen once: a body run again after a conflict inserts the same request.
      const id = newId(9);
      const createdAtMs = this.deps.now();
      return store.transaction(async (tx) => {
        const pending = await tx.access.pendingFor(req.user, grant.name, req.resource);
        if (pending) throw new AccessRefusal('exists', `request ${pending.id} for ${req.resource} through grant ${grant.name} is already pending`);
        await tx.access.insert({ id, user: req.user, grant: grant.name, resource: req.resource, reason: req.reason, durationMs: req.durationMs, createdAtMs, binding: grantBinding(policy, grant) });
        await audit.append(tx, { actor, action: 'access.request', target: id, details: { user: req.user, grant: grant.name, resource: req.resource, durationMs: req.durationMs, reason: req.reason, approvers: grant.requestable!.approvers } });
        return (await tx.access.get(id))!;
      });
    });
    this.deps.log.info({ request: record.id, user: req.user, grant: record.grant, resource: req.resource }, 'access requested');
    return this.view(record);
  }

  /** An approver approves a pending request for its duration, or `durationMs` when given. */
  async approve(actor: string, approver: string, id: string, durationMs: number, note: string): Promise<AccessRequest> {
    const { store, audit } = this.deps;
    const r = await this.get(id);
    const record = await this.refusing(actor, 'approve', id, { user: r.username, grant: r.grant, resource: r.resource, durationMs }, async () => {
      const grant = checkDecider(this.deps.policy(), r, await store.users.groupsOf(r.username), { user: approver, groups: await store.users.groupsOf(approver) }, 'approved')!;
      const duration = durationMs || r.durationMs;
      checkDuration(grant, duration);
      const now = this.deps.now();
      return store.transaction(async (tx) => {
        if (!(await tx.access.approve(id, actor, now, note, now + duration))) checkTransition((await tx.access.get(id))!, 'approved');
        await audit.append(tx, { actor, action: 'access.approve', target: id, details: { user: r.username, grant: r.grant, resource: r.resource, durationMs: duration, expiresAtMs: now + duration, reason: note } });
        return (await tx.access.get(id))!;
      });
    });
    await this.changed(record, `access request ${id} approved by ${actor}`, actor);
    return this.view(record);
  }

  /** An approver denies a pending request, saying why. */
  async deny(actor: string, approver: string, id: string, reason: string): Promise<AccessRequest> {
    const { store, audit } = this.deps;
    const r = await this.get(id);
    const record = await this.refusing(actor, 'deny', id, { user: r.username, grant: r.grant, resource: r.resource }, async () => {
      checkDecider(this.deps.policy(), r, await store.users.groupsOf(r.username), { user: approver, groups: await store.users.groupsOf(approver) }, 'denied');
      const now = this.deps.now();
      return store.transaction(async (tx) => {
        if (!(await tx.access.deny(id, actor, now, reason))) checkTransition((await tx.access.get(id))!, 'denied');
        await audit.append(tx, { actor, action: 'access.deny', target: id, details: { user: r.username, grant: r.grant, resource: r.resource, reason } });
        return (await tx.access.get(id))!;
      });
    });
    this.deps.log.info({ request: id, actor }, 'access denied');
    return this.view(record);
  }

  /** Ends an approved request now; its entitlement leaves the requester's sessions. */
  async revoke(actor: string, id: string, reason: string): Promise<AccessRequest> {
    const { store, audit } = this.deps;
    const r = await this.get(id);
    const record = await this.refusing(actor, 'revoke', id, { user: r.username, grant: r.grant, resource: r.resource }, async () => {
      checkTransition(r, 'revoked');
      const now = this.deps.now();
      return store.transaction(async (tx) => {
        if (!(await tx.access.end(id, 'revoked', actor, now, reason))) checkTransition((await tx.access.get(id))!, 'revoked');
        await audit.append(tx, { actor, action: 'access.revoke', target: id, details: { user: r.username, grant: r.grant, resource: r.resource, reason } });
        return (await tx.access.get(id))!;
      });
    });
    await this.changed(record, `access request ${id} revoked by ${actor}`, actor);
    return this.view(record);
  }

  /**
   * A new policy was applied: requests whose grant changed or went away end (approved ones
   * revoked, pending ones denied), approvals longer than the grant's new max_duration are
   * shortened; all audited. Runs before the live sessions are re-evaluated, so those see the
   * result. Returns the users whose approvals changed.
   */
  async policyApplied(policy: Policy, version: number): Promise<string[]> {
    const { store, audit } = this.deps;
    const now = this.deps.now();
    const users = await store.transaction(async (tx) => {
      const changed: string[] = [];
      for (const { record: r, binding } of await tx.access.live()) {
        const outcome = rebind(policy, { grant: r.grant, binding, state: r.state, decidedAtMs: Number(r.decidedAtMs), expiresAtMs: Number(r.expiresAtMs) }, version);
        const details = { user: r.username, grant: r.grant, resource: r.resource, policyVersion: version };
        if (outcome.kind === 'keep') continue;
        if (outcome.kind === 'shorten') {
          if (!(await tx.access.shorten(r.id, outcome.expiresAtMs))) continue;
          await audit.append(tx, { actor: 'system', action: 'access.shorten', target: r.id, details: { ...details, expiresAtMs: outcome.expiresAtMs, reason: `grant ${r.grant}'s max_duration was narrowed` } });
        } else if (r.state === 'approved') {
          if (!(await tx.access.end(r.id, 'revoked', 'system', now, outcome.reason))) continue;
          await audit.append(tx, { actor: 'system', action: 'access.revoke', target: r.id, details: { ...details, reason: outcome.reason } });
        } else {
          if (!(await tx.access.deny(r.id, 'system', now, outcome.reason))) continue;
          await audit.append(tx, { actor: 'system', action: 'access.deny', target: r.id, details: { ...details, reason: outcome.reason } });
        }
        changed.push(r.username);
      }
      return changed;
    });
    await this.arm();
    return [...new Set(users)];
  }

  /** Marks approvals whose time is up as expired (audited), re-evaluates their users, re-arms. */
  private async expireDue(): Promise<void> {
    const { store, audit } = this.deps;
    const now = this.deps.now();
    const expired = await store.transaction(async (tx) => {
      const ended: AccessRequestRecord[] = [];
      for (const r of await tx.access.due(now)) {
        if (!(await tx.access.end(r.id, 'expired', 'system', now, 'the approved duration ended'))) continue;
        await audit.append(tx, { actor: 'system', action: 'access.expire', target: r.id, details: { user: r.username, grant: r.grant, resource: r.resource, expiresAtMs: r.expiresAtMs } });
        ended.push(r);
      }
      return ended;
    });
    for (const user of new Set(expired.map((r) => r.username))) await this.reevaluate(user, 'access request expired', 'system');
    await this.arm();
  }

  private async changed(r: AccessRequestRecord, reason: string, actor: string): Promise<void> {
    this.deps.log.info({ request: r.id, user: r.username, state: r.state, actor }, 'access changed');
    await this.reevaluate(r.username, reason, actor);
    await this.arm();
  }

  private async reevaluate(user: string, reason: string, actor: string): Promise<void> {
    try {
      await this.deps.reevaluateUser(user, reason, actor);
    } catch (err) {
      // The change is committed; the sessions' own deadlines and the next re-evaluation still apply it.
      this.deps.log.error({ err, user }, 're-evaluating sessions after an access change failed');
    }
  }

  /** One timer for the next approval to expire. */
  private async arm(): Promise<void> {
    // Of two arms running at once, the one that read last saw every commit before it: it alone sets the timer.
    const seq = ++this.armSeq;
    const next = await this.deps.store.access.nextExpiry();
    if (seq !== this.armSeq) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (next === undefined || this.stopped) return;
    this.timer = setTimeout(() => {
      this.expireDue().catch((err: unknown) => this.deps.reportInternal?.('access.expiry', err));
    }, Math.min(Math.max(next - this.deps.now(), 0) + 1, MAX_TIMER_MS));
    this.timer.unref();
  }

  /** Runs a step; a refusal is audited ("access.refuse", with who and why) and becomes a DomainError. */
  private async refusing<T>(actor: string, op: string, target: string, details: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof AccessRefusal)) throw err;
      await this.deps.audit.append(this.deps.store, { actor, action: 'access.refuse', target, details: { op, ...details, refusal: err.message } });
      throw new DomainError(ERROR_KIND[err.kind], err.message);
    }
  }
}
