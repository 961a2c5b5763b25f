// The write half of every change to live sessions: ending them (revoke, expiry, disconnect)
// or giving them new entitlements, in one store transaction with their audit records, and
// the per-gateway deltas that the change implies. Publishing the deltas and telling clients
// happen after the commit, in session-manager.ts; nothing here sends anything or changes
// process memory (on PostgreSQL the transaction may be run again).
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import type { Entitlement, Posture } from '../policy/index.js';
import type { GatewayChange } from '../sync/fanout.js';
import { gatewaysOf } from './entitlements.js';
import { serviceAddresses } from './decision.js';
import type { GatewaySession } from '../../proto/generated/wicket/v1/GatewaySession.js';
import { newPsk } from './psk.js';
import type { SessionLifecycle, SessionRecord } from './session-store.js';

/** One session's change: an end, or new entitlements (and posture, and the subject's groups). */
export interface Change {
  session: SessionRecord;
  end?: { state: Exclude<SessionLifecycle, 'active'>; reason: string };
  entitlements?: Entitlement[];
  posture?: Posture;
  groups?: string[];
}

export interface CommitContext {
  store: Store;
  audit: Audit;
  seal: (sessionId: string, gateway: string, psk: string) => Buffer;
  open: (sessionId: string, gateway: string, sealed: Buffer) => string;
  /** The entry a gateway enforces for the session (views.ts gatewaySession with its facts). */
  entry: (s: SessionRecord, gateway: string, psk: string, serviceAddress: string) => GatewaySession;
  /** Tells the other controllers, when the transaction commits, which sessions changed (session-changes.ts). */
  changed?: (tx: Store, ids: string[]) => Promise<void>;
}

/** The change being built for a gateway (created empty on first use). */
export function changeFor(changes: Map<string, GatewayChange>, gateway: string): GatewayChange {
  return changes.get(gateway) ?? changes.set(gateway, { upserts: [], removes: [] }).get(gateway)!;
}

const endAction = (state: Exclude<SessionLifecycle, 'active'>) => `session.${state === 'expired' ? 'expire' : state === 'revoked' ? 'revoke' : 'disconnect'}`;

/**
 * Decides the changes with `plan` and applies them atomically, in one transaction of its own
 * (`plan` reads through the transaction it is given and may run again). Returns the sessions
 * actually changed, as they are after the commit (one that had already ended is skipped),
 * and the delta each gateway must get.
 */
export async function commitChanges(ctx: CommitContext, plan: (tx: Store) => Promise<Change[]>, actor: string, cause: string, now: number): Promise<{ done: SessionRecord[]; deltas: Map<string, GatewayChange> }> {
  const { audit } = ctx;
  return ctx.store.transaction(async (tx) => {
    const sessions = tx.sessions;
    // Decided in the transaction, from what it reads: a change decided before another
    // committed (a revoke, a newer policy) could undo it.
    const changes = await plan(tx);
    const deltas = new Map<string, GatewayChange>();
    const delta = (g: string) => changeFor(deltas, g);
    const done: SessionRecord[] = [];
    for (const c of changes) {
      const s = c.session;
      const current = await sessions.gateways(s.id);
      if (c.end) {
        if (!(await sessions.end(s.id, c.end.state, c.end.reason, now))) continue;
        for (const g of current) delta(g.gateway).removes.push(s.id);
        await audit.append(tx, { actor, action: endAction(c.end.state), target: s.id, details: { user: s.user, device: s.deviceId, reason: c.end.reason } });
        done.push({ ...s, state: c.end.state, endedAtMs: now, endReason: c.end.reason });
      } else {
        const entitlements = c.entitlements ?? s.entitlements;
        const wanted = gatewaysOf(entitlements);
        for (const g of current) {
          if (!wanted.includes(g.gateway)) {
            delta(g.gateway).removes.push(s.id);
            await sessions.dropGateway(s.id, g.gateway);
          }
        }
        const updated: SessionRecord = { ...s, entitlements, posture: c.posture ?? s.posture, groups: c.groups ?? s.groups };
        const addresses = await serviceAddresses(tx, wanted);
        for (const g of wanted) {
          const existing = current.find((x) => x.gateway === g);
          let psk: string;
          if (existing) psk = ctx.open(s.id, g, existing.pskSealed);
          else {
            psk = newPsk();
            await sessions.addGateway(s.id, g, ctx.seal(s.id, g, psk));
          }
          delta(g).upserts.push(ctx.entry(updated, g, psk, addresses.get(g) ?? ''));
        }
        await sessions.update(s.id, entitlements, s.expiresAtMs, updated.posture, updated.groups);
        await audit.append(tx, { actor, action: 'session.update', target: s.id, details: { user: s.user, cause, grants: [...new Set(entitlements.map((e) => e.grant))], entitlements: entitlements.length } });
        done.push(updated);
      }
    }
    if (done.length) await ctx.changed?.(tx, done.map((s) => s.id));
    return { done, deltas };
  });
}
