// The write half of every change to live sessions: ending them (revoke, expiry, disconnect)
// or giving them new entitlements, in one store transaction with their audit records and the
// per-gateway change-log versions the change implies (sync/fanout.ts `record`: whichever
// controller holds a gateway's stream sends them). Telling clients happens after the commit,
// in session-manager.ts; nothing here sends anything or changes process memory (on
// PostgreSQL the transaction may be run again).
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import type { Entitlement, Posture } from '../policy/index.js';
import type { LoggedChange } from '../sync/fanout.js';
import { gatewaysOf } from './entitlements.js';
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
  /** Logs each gateway's change inside the transaction; resolves with the version each enrolled gateway got (SyncFanout.record). */
  record: (tx: Store, changes: Map<string, LoggedChange>) => Promise<Map<string, number>>;
  /** Tells the other controllers, when the transaction commits, which sessions changed (session-changes.ts). */
  changed?: (tx: Store, ids: string[]) => Promise<void>;
}

/** The change being built for a gateway (created empty on first use). */
export function changeFor(changes: Map<string, LoggedChange>, gateway: string): LoggedChange {
  return changes.get(gateway) ?? changes.set(gateway, { upserts: [], removes: [], config: false }).get(gateway)!;
}

const endAction = (state: Exclude<SessionLifecycle, 'active'>) => `session.${state === 'expired' ? 'expire' : state === 'revoked' ? 'revoke' : 'disconnect'}`;

/**
 * Decides the changes with `plan` and applies them atomically, in one transaction of its own
 * (`plan` reads through the transaction it is given and may run again). Returns the sessions
 * actually changed, as they are after the commit (one that had already ended is skipped),
 * and the version of each gateway's change log that carries it.
 */
export async function commitChanges(ctx: CommitContext, plan: (tx: Store) => Promise<Change[]>, actor: string, cause: string, now: number): Promise<{ done: SessionRecord[]; versions: Map<string, number> }> {
  const { audit } = ctx;
  return ctx.store.transaction(async (tx) => {
    const sessions = tx.sessions;
    // Decided in the transaction, from what it reads: a change decided before another
    // committed (a revoke, a newer policy) could undo it.
    const changes = await plan(tx);
    const deltas = new Map<string, LoggedChange>();
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
        for (const g of wanted) {
          if (!current.some((x) => x.gateway === g)) await sessions.addGateway(s.id, g, ctx.seal(s.id, g, newPsk()));
          delta(g).upserts.push(s.id);
        }
        await sessions.update(s.id, entitlements, s.expiresAtMs, updated.posture, updated.groups);
        await audit.append(tx, { actor, action: 'session.update', target: s.id, details: { user: s.user, cause, grants: [...new Set(entitlements.map((e) => e.grant))], entitlements: entitlements.length } });
        done.push(updated);
      }
    }
    if (done.length) await ctx.changed?.(tx, done.map((s) => s.id));
    return { done, versions: await ctx.record(tx, deltas) };
  });
}
