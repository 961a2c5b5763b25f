// Pure reconciliation: what to add and remove so that the WireGuard peers and nftables
// elements match the desired sessions. Two entry points: `planSnapshot` diffs the desired
// sessions against the state read from the system (every (re)connect), `planDelta` diffs a
// few sessions against the in-memory desired state (the hot path: no system read).
import { keyFingerprint } from '../../common/wireguard/keys.js';
import type { WgPeer } from '../../common/wireguard/peers.js';
import { type Element, type ResolvedRule, elementKey, sessionElements } from './elements.js';
import { allowSetOf, type AllowSet, type PlacedElement } from './ruleset.js';

/** A desired session whose rule destinations have been resolved to addresses/CIDRs. */
export interface ResolvedSession {
  id: string;
  overlayAddress: string;
  /** The session's IPv6 overlay address ('' or absent: none, so no IPv6 for it). */
  overlayIpv6?: string;
  publicKey: string;
  presharedKey: string;
  expiresAtMs: number;
  rules: ResolvedRule[];
}

/** What the data plane remembers of an applied session (no secret: the PSK's fingerprint). */
export interface SessionState {
  id: string;
  overlay: string;
  /** The IPv6 overlay address, '' for none. */
  overlayIpv6: string;
  publicKey: string;
  pskFingerprint: string;
  elements: Element[];
}

/**
 * The applied sessions, with lookups by overlay address and public key so that a delta's
 * checks cost what the delta touches, not what the gateway holds.
 */
export class SessionIndex {
  private readonly sessions = new Map<string, SessionState>();
  private readonly owners = { overlay: new Map<string, string>(), publicKey: new Map<string, string>() };

  /** An index of `states`; two sessions sharing an id, overlay address or public key are refused. */
  static of(states: Iterable<SessionState>): SessionIndex {
    const index = new SessionIndex();
    for (const s of states) {
      if (index.sessions.has(s.id)) throw new Error(`session ${s.id} appears twice`);
      for (const field of UNIQUE) {
        const other = index.owners[field].get(s[field]);
        if (other !== undefined) throw duplicate(other, s.id, field);
      }
      index.set(s);
    }
    return index;
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): SessionState | undefined {
    return this.sessions.get(id);
  }

  values(): IterableIterator<SessionState> {
    return this.sessions.values();
  }

  owner(field: UniqueField, value: string): string | undefined {
    return this.owners[field].get(value);
  }

  /** Applies a delta's changes (after the system took them). */
  apply(changes: IndexChanges): void {
    for (const id of changes.removed) this.remove(id);
    for (const s of changes.upserted) {
      this.remove(s.id);
      this.set(s);
    }
  }

  private set(s: SessionState): void {
    this.sessions.set(s.id, s);
    for (const field of UNIQUE) this.owners[field].set(s[field], s.id);
    // The IPv6 overlay follows the IPv4 one (derived from it), so it is looked up, not checked.
    if (s.overlayIpv6 !== '') this.owners.overlay.set(s.overlayIpv6, s.id);
  }

  private remove(id: string): void {
    const old = this.sessions.get(id);
    if (!old) return;
    this.sessions.delete(id);
    for (const field of UNIQUE) if (this.owners[field].get(old[field]) === id) this.owners[field].delete(old[field]);
    if (old.overlayIpv6 !== '' && this.owners.overlay.get(old.overlayIpv6) === id) this.owners.overlay.delete(old.overlayIpv6);
  }
}

type UniqueField = 'overlay' | 'publicKey';
const UNIQUE: UniqueField[] = ['overlay', 'publicKey'];

function duplicate(a: string, b: string, field: UniqueField): Error {
  return new Error(`sessions ${a} and ${b} have the same ${field === 'publicKey' ? 'public key' : 'overlay address'}`);
}

/** What a delta changes in the index. */
export interface IndexChanges {
  removed: string[];
  upserted: SessionState[];
}

/** An element read back from the kernel: its expiry is only known to lie in a window. */
export interface ReadElement extends Element {
  /** The latest the element may expire (`expiresAtMs` is the earliest). */
  expiresAtMaxMs: number;
  /** The set it was found in. */
  set: AllowSet;
}

/** The system as read back: peers from `wg show dump`, elements from `nft -j list set`. */
export interface ActualState {
  peers: readonly { publicKey: string; allowedIps: readonly string[] }[];
  elements: readonly ReadElement[];
  /** Fingerprints of the PSKs this process last wrote, by public key (dump cannot show them). */
  pskFingerprints: ReadonlyMap<string, string>;
}

export interface Plan {
  addPeers: WgPeer[];
  removePeers: string[];
  addElements: Element[];
  /** Each leaves the set it was read from, else the one its shape puts it in. */
  deleteElements: PlacedElement[];
  /** Overlay addresses whose conntrack entries go once the change is committed. */
  flushOverlays: string[];
}

export const isEmptyPlan = (p: Plan): boolean =>
  p.addPeers.length + p.removePeers.length + p.addElements.length + p.deleteElements.length + p.flushOverlays.length === 0;

/**
 * An element read back keeps its expiry when the desired one lies in the window the listing
 * allows (nft rounds to whole seconds, and the kernel's clock ran while we wrote and read),
 * widened by a little slack. So a snapshot corrects expiries that moved by more than about a
 * second; the delta path, which knows what it wrote, is exact.
 */
const EXPIRY_SLACK_MS = 100;
const expiryMatches = (actual: ReadElement, desiredMs: number) =>
  desiredMs >= actual.expiresAtMs - EXPIRY_SLACK_MS && desiredMs <= actual.expiresAtMaxMs + EXPIRY_SLACK_MS;

/** A peer's AllowedIPs: its IPv4 overlay /32, and its IPv6 overlay /128 when it has one. */
function allowedIpsOf(s: ResolvedSession): string[] {
  return s.overlayIpv6 ? [`${s.overlayAddress}/32`, `${s.overlayIpv6}/128`] : [`${s.overlayAddress}/32`];
}

function peerOf(s: ResolvedSession): WgPeer {
  return { publicKey: s.publicKey, presharedKey: s.presharedKey, allowedIps: allowedIpsOf(s) };
}

function stateOf(s: ResolvedSession, nowMs: number): SessionState {
  const overlayIpv6 = s.overlayIpv6 ?? '';
  return {
    id: s.id,
    overlay: s.overlayAddress,
    overlayIpv6,
    publicKey: s.publicKey,
    pskFingerprint: keyFingerprint(s.presharedKey),
    elements: sessionElements(s.overlayAddress, s.expiresAtMs, s.rules, nowMs, overlayIpv6),
  };
}

/** A session's overlay addresses whose flows a flush frees. */
const overlaysOf = (s: SessionState): string[] => (s.overlayIpv6 === '' ? [s.overlay] : [s.overlay, s.overlayIpv6]);

const sameIps = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

/** Element changes turning `from` into `to`: a changed expiry is a delete plus an add. */
function diffElements<A extends Element>(from: Iterable<A>, to: Iterable<Element>, same: (actual: A, desired: Element) => boolean) {
  const before = new Map<string, A>();
  for (const e of from) before.set(elementKey(e), e);
  const add: Element[] = [];
  const del: A[] = [];
  for (const e of to) {
    const key = elementKey(e);
    const old = before.get(key);
    before.delete(key);
    if (old && same(old, e)) continue;
    if (old) del.push(old);
    add.push(e);
  }
  del.push(...before.values());
  return { add, del };
}

/**
 * Full reconciliation: everything found that is not desired is removed, everything desired
 * and missing (or different: AllowedIPs, an unknown or changed PSK, an element's expiry) is
 * (re)written. Sessions already expired at `nowMs` are not desired.
 */
export function planSnapshot(desired: readonly ResolvedSession[], actual: ActualState, nowMs: number): { plan: Plan; index: SessionIndex } {
  const live = desired.filter((s) => s.expiresAtMs > nowMs);
  const index = SessionIndex.of(live.map((s) => stateOf(s, nowMs)));

  const actualPeers = new Map(actual.peers.map((p) => [p.publicKey, p]));
  const addPeers = live.filter((s) => {
    const found = actualPeers.get(s.publicKey);
    return !found || !sameIps(found.allowedIps, allowedIpsOf(s)) || actual.pskFingerprints.get(s.publicKey) !== index.get(s.id)!.pskFingerprint;
  }).map(peerOf);
  const wanted = new Set(live.map((s) => s.publicKey));
  const removed = actual.peers.filter((p) => !wanted.has(p.publicKey));

  // An element in another set than its shape puts it in (an exact one in an interval set,
  // as a version without hash sets wrote them) is deleted there and written where it belongs.
  const placed = actual.elements.filter((e) => e.set === allowSetOf(e));
  const misplaced = actual.elements.filter((e) => e.set !== allowSetOf(e));
  const { add, del } = diffElements(placed, [...index.values()].flatMap((s) => s.elements), (a, d) => expiryMatches(a, d.expiresAtMs));
  del.push(...misplaced);
  // Flows of removed peers' addresses go; a stale peer may hold several.
  const hosts = (ips: readonly string[]) => ips.flatMap((ip) => /\/(32|128)$/.exec(ip) ? [ip.slice(0, ip.lastIndexOf('/'))] : []);
  const flushOverlays = [...new Set(removed.flatMap((p) => hosts(p.allowedIps)))];
  return {
    plan: { addPeers, removePeers: removed.map((p) => p.publicKey), addElements: add, deleteElements: del, flushOverlays },
    index,
  };
}

/**
 * Incremental reconciliation of the sessions a delta touches, against the index of what was
 * applied (read only; the caller applies `changes` once the system took the plan). `removes`
 * are processed before `upserts` (an id in both ends up as upserted). An upsert already
 * expired counts as a removal. Costs what the delta touches, whatever the index holds.
 */
export function planDelta(current: SessionIndex, upserts: readonly ResolvedSession[], removes: readonly string[], nowMs: number): { plan: Plan; changes: IndexChanges } {
  const plan: Plan = { addPeers: [], removePeers: [], addElements: [], deleteElements: [], flushOverlays: [] };
  // This delta's view of the index: null = removed by it.
  const staged = new Map<string, SessionState | null>();
  const get = (id: string) => (staged.has(id) ? staged.get(id) ?? undefined : current.get(id));
  const exact = (a: Element, d: Element) => a.expiresAtMs === d.expiresAtMs;

  for (const id of [...removes, ...upserts.filter((u) => u.expiresAtMs <= nowMs).map((u) => u.id)]) {
    const old = get(id);
    if (!old) continue;
    staged.set(id, null);
    plan.removePeers.push(old.publicKey);
    plan.flushOverlays.push(...overlaysOf(old));
    plan.deleteElements.push(...old.elements);
  }
  for (const u of upserts) {
    if (u.expiresAtMs <= nowMs) continue;
    const next = stateOf(u, nowMs);
    const old = get(u.id);
    staged.set(u.id, next);
    const { add, del } = diffElements(old?.elements ?? [], next.elements, exact);
    plan.addElements.push(...add);
    plan.deleteElements.push(...del);
    const moved = old && (old.overlay !== next.overlay || old.overlayIpv6 !== next.overlayIpv6);
    if (old && (old.publicKey !== next.publicKey || moved)) {
      if (old.publicKey !== next.publicKey) plan.removePeers.push(old.publicKey);
      plan.flushOverlays.push(...overlaysOf(old));
    } else if (old && del.length > 0) {
      plan.flushOverlays.push(...overlaysOf(old)); // a narrowed session: its cut flows' replies stop too
    }
    if (!old || old.publicKey !== next.publicKey || moved || old.pskFingerprint !== next.pskFingerprint) {
      plan.addPeers.push(peerOf(u));
    }
  }
  const upserted = [...staged.values()].filter((s): s is SessionState => s !== null);
  // Unique overlay and key: against each other, and against sessions this delta leaves alone.
  for (const field of UNIQUE) {
    const claimed = new Map<string, string>();
    for (const s of upserted) {
      const owner = current.owner(field, s[field]);
      const other = claimed.get(s[field]) ?? (owner !== undefined && !staged.has(owner) ? owner : undefined);
      if (other !== undefined && other !== s.id) throw duplicate(other, s.id, field);
      claimed.set(s[field], s.id);
    }
  }
  // A key both removed and re-added (moved to another session) only needs the add.
  const added = new Set(plan.addPeers.map((p) => p.publicKey));
  plan.removePeers = [...new Set(plan.removePeers)].filter((k) => !added.has(k));
  plan.flushOverlays = [...new Set(plan.flushOverlays)];
  const removed = [...staged].filter(([, s]) => s === null).map(([id]) => id);
  return { plan, changes: { removed, upserted } };
}
