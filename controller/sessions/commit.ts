// The write half of every change to live sessions: ending them (revoke, expiry, disconnect)
// or giving them new entitlements, in one store transaction with their audit records, and
// the per-gateway deltas that the change implies. Publishing the deltas and telling clients
// happen after the commit, in session-manager.ts; nothing here sends anything.
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import type { Entitlement, Posture } from '../policy/index.js';
import type { GatewayChange } from '../sync/fanout.js';
import { gatewaysOf } from './entitlements.js';
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
  entry: (s: SessionRecord, gateway: string, psk: string) => GatewaySession;
}

/** The change being built for a gateway (created empty on first use). */
export function changeFor(changes: Map<string, GatewayChange>, gateway: string): GatewayChange {
  return changes.get(gateway) ?? changes.set(gateway, { upserts: [], removes: [] }).get(gateway)!;
}

const endAction = (state: Exclude<SessionLifecycle, 'active'>) => `session.${state === 'expired' ? 'expire' : state === 'revoked' ? 'revoke' : 'disconnect'}`;

/**
 * Applies the changes atomically. Returns the sessions actually changed (one that had
 * already ended is skipped) and the delta each gateway must get.
 */
export function commitChanges(ctx: CommitContext, changes: Change[], actor: string, cause: string, now: number): { done: SessionRecord[]; deltas: Map<string, GatewayChange> } {
  const { store, audit } = ctx;
  const sessions = store.sessions;
  const deltas = new Map<string, GatewayChange>();
  const delta = (g: string) => changeFor(deltas, g);
  const done: SessionRecord[] = [];

  store.transaction(() => {
    for (const c of changes) {
      const s = c.session;
      const current = sessions.gateways(s.id);
      if (c.end) {
        if (!sessions.end(s.id, c.end.state, c.end.reason, now)) continue;
        for (const g of current) delta(g.gateway).removes.push(s.id);
        audit.append({ actor, action: endAction(c.end.state), target: s.id, details: { user: s.user, device: s.deviceId, reason: c.end.reason } });
      } else {
        const entitlements = c.entitlements ?? s.entitlements;
        const wanted = gatewaysOf(entitlements);
        for (const g of current) {
          if (!wanted.includes(g.gateway)) {
            delta(g.gateway).removes.push(s.id);
            sessions.dropGateway(s.id, g.gateway);
          }
        }
        const updated: SessionRecord = { ...s, entitlements, posture: c.posture ?? s.posture, groups: c.groups ?? s.groups };
        for (const g of wanted) {
          const existing = current.find((x) => x.gateway === g);
          let psk: string;
          if (existing) psk = ctx.open(s.id, g, existing.pskSealed);
          else {
            psk = newPsk();
            sessions.addGateway(s.id, g, ctx.seal(s.id, g, psk));
          }
          delta(g).upserts.push(ctx.entry(updated, g, psk));
        }
        sessions.update(s.id, entitlements, s.expiresAtMs, updated.posture, updated.groups);
        audit.append({ actor, action: 'session.update', target: s.id, details: { user: s.user, cause, grants: [...new Set(entitlements.map((e) => e.grant))], entitlements: entitlements.length } });
      }
      done.push(s);
    }
  });
  return { done, deltas };
}
