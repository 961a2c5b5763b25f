// Who may call the proxy: the sessions the agent has applied, indexed by overlay address
// (the TCP source WireGuard vouches for), each with its identity and its HTTP grants by
// resource. A snapshot replaces the index, a delta upserts and removes; every change says
// which sessions were removed and which changed, so the proxy can cut their connections.
import { checkPathPattern, parseMethod, type NamedHttpRule } from '../../common/http-rules.js';
import type { GatewaySession__Output } from '../../proto/generated/wicket/v1/GatewaySession.js';

/** One grant's rule for one resource, with the time it ends. */
export interface GrantRule extends NamedHttpRule {
  expiresAtMs: number;
}

export interface Caller {
  sessionId: string;
  overlayAddress: string;
  user: string;
  groups: string[];
  deviceId: string;
  /** Rules by resource name. */
  grants: Map<string, GrantRule[]>;
}

/** What a change did: sessions gone, and sessions whose identity or grants were replaced. */
export interface CallerChange {
  removed: Caller[];
  changed: Caller[];
}

/** The rules of a resource still in force at `nowMs`. */
export function rulesAt(caller: Caller, resource: string, nowMs: number): GrantRule[] {
  return (caller.grants.get(resource) ?? []).filter((g) => g.expiresAtMs > nowMs);
}

export class CallerIndex {
  private readonly byAddress = new Map<string, Caller>();
  private readonly byId = new Map<string, Caller>();

  get size(): number {
    return this.byId.size;
  }

  sessionIds(): string[] {
    return [...this.byId.keys()];
  }

  byOverlay(address: string): Caller | undefined {
    return this.byAddress.get(address);
  }

  bySession(id: string): Caller | undefined {
    return this.byId.get(id);
  }

  /** Makes the index exactly `callers`. */
  replace(callers: readonly Caller[]): CallerChange {
    const keep = new Set(callers.map((c) => c.sessionId));
    const removed = [...this.byId.values()].filter((c) => !keep.has(c.sessionId));
    for (const c of removed) this.drop(c);
    return { removed, changed: this.upsert(callers).changed };
  }

  /** Adds or replaces sessions; an address passed from one session to another drops the old one. */
  upsert(callers: readonly Caller[]): CallerChange {
    const removed: Caller[] = [];
    const changed: Caller[] = [];
    for (const c of callers) {
      const before = this.byId.get(c.sessionId);
      if (before) this.drop(before);
      const holder = this.byAddress.get(c.overlayAddress);
      if (holder) {
        this.drop(holder);
        removed.push(holder);
      }
      this.byId.set(c.sessionId, c);
      this.byAddress.set(c.overlayAddress, c);
      if (before && before.overlayAddress !== c.overlayAddress) removed.push(before);
      else if (before) changed.push(c);
    }
    return { removed, changed };
  }

  remove(ids: readonly string[]): CallerChange {
    const removed: Caller[] = [];
    for (const id of ids) {
      const c = this.byId.get(id);
      if (!c) continue;
      this.drop(c);
      removed.push(c);
    }
    return { removed, changed: [] };
  }

  private drop(c: Caller): void {
    this.byId.delete(c.sessionId);
    if (this.byAddress.get(c.overlayAddress) === c) this.byAddress.delete(c.overlayAddress);
  }
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * A session as the proxy knows it. A grant whose methods or paths do not parse is left out
 * (with its reason in `refused`): dropping only the bad entries could turn a list into an
 * empty one, and an empty list allows everything. A grant without its own expiry lasts as
 * long as its session, and none outlasts it. Throws when the overlay address is not IPv4.
 */
export function toCaller(s: GatewaySession__Output, refused: string[] = []): Caller {
  if (!IPV4.test(s.overlayAddress)) throw new Error(`session ${JSON.stringify(s.id.slice(0, 128))}: overlay address is not IPv4`);
  const grants = new Map<string, GrantRule[]>();
  for (const g of s.httpGrants) {
    const methods: string[] = [];
    let bad = g.access === null || g.resource === '';
    for (const m of g.access?.methods ?? []) {
      const parsed = parseMethod(m);
      if (typeof parsed === 'string') methods.push(parsed);
      else bad = true;
    }
    const paths = g.access?.paths ?? [];
    if (paths.some((p) => checkPathPattern(p) !== undefined)) bad = true;
    if (bad) {
      refused.push(`session ${s.id}: grant ${JSON.stringify(g.grant)} on ${JSON.stringify(g.resource)} has no access or an invalid method or path`);
      continue;
    }
    const expiresAtMs = g.expiresAtMs > 0 && (s.expiresAtMs <= 0 || g.expiresAtMs < s.expiresAtMs) ? g.expiresAtMs : s.expiresAtMs;
    const list = grants.get(g.resource) ?? [];
    list.push({ grant: g.grant, methods, paths: [...paths], expiresAtMs });
    grants.set(g.resource, list);
  }
  return { sessionId: s.id, overlayAddress: s.overlayAddress, user: s.username, groups: [...s.groups], deviceId: s.deviceId, grants };
}
