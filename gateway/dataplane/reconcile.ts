// Pure reconciliation: what to add and remove so that the WireGuard peers and nftables
// elements match the desired sessions. Two entry points: `planSnapshot` diffs the desired
// sessions against the state read from the system (every (re)connect), `planDelta` diffs a
// few sessions against the in-memory desired state (the hot path: no system read).
import { keyFingerprint, type WgPeer } from '../../common/wg.js';
import { type Element, type ResolvedRule, elementKey, sessionElements } from './elements.js';

/** A desired session whose rule destinations have been resolved to IPv4 addresses/CIDRs. */
export interface ResolvedSession {
  id: string;
  overlayAddress: string;
  publicKey: string;
  presharedKey: string;
  expiresAtMs: number;
  rules: ResolvedRule[];
}

/** What the data plane remembers of an applied session (no secret: the PSK's fingerprint). */
export interface SessionState {
  id: string;
  overlay: string;
  publicKey: string;
  pskFingerprint: string;
  elements: Element[];
}

export type DesiredIndex = ReadonlyMap<string, SessionState>;

/** The system as read back: peers from `wg show dump`, elements from `nft -j list set`. */
export interface ActualState {
  peers: readonly { publicKey: string; allowedIps: readonly string[] }[];
  elements: readonly Element[];
  /** Fingerprints of the PSKs this process last wrote, by public key (dump cannot show them). */
  pskFingerprints: ReadonlyMap<string, string>;
}

export interface Plan {
  addPeers: WgPeer[];
  removePeers: string[];
  addElements: Element[];
  deleteElements: Element[];
  /** Overlay addresses whose conntrack entries go once the change is committed. */
  flushOverlays: string[];
}

export const isEmptyPlan = (p: Plan): boolean =>
  p.addPeers.length + p.removePeers.length + p.addElements.length + p.deleteElements.length + p.flushOverlays.length === 0;

/**
 * nft lists expiries in whole seconds, rounded down, and a just-written element expires a
 * few ms after the value we asked for; an actual expiry read back is accepted when the
 * desired one lies in [read - slack, read + 1 s + slack]. (The delta path is exact.)
 */
const EXPIRY_SLACK_MS = 100;
const expiryMatches = (actualReadMs: number, desiredMs: number) =>
  desiredMs >= actualReadMs - EXPIRY_SLACK_MS && desiredMs <= actualReadMs + 1000 + EXPIRY_SLACK_MS;

function peerOf(s: ResolvedSession): WgPeer {
  return { publicKey: s.publicKey, presharedKey: s.presharedKey, allowedIps: [`${s.overlayAddress}/32`] };
}

function stateOf(s: ResolvedSession, nowMs: number): SessionState {
  return {
    id: s.id,
    overlay: s.overlayAddress,
    publicKey: s.publicKey,
    pskFingerprint: keyFingerprint(s.presharedKey),
    elements: sessionElements(s.overlayAddress, s.expiresAtMs, s.rules, nowMs),
  };
}

/** Refuses two sessions sharing an id, overlay address or public key (WireGuard could not tell them apart). */
function checkUnique(sessions: Iterable<{ id: string; overlay: string; publicKey: string }>): void {
  const seen = { id: new Map<string, string>(), overlay: new Map<string, string>(), publicKey: new Map<string, string>() };
  for (const s of sessions) {
    for (const field of ['id', 'overlay', 'publicKey'] as const) {
      const other = seen[field].get(s[field]);
      if (other !== undefined) throw new Error(`sessions ${other} and ${s.id} have the same ${field === 'publicKey' ? 'public key' : field}`);
      seen[field].set(s[field], s.id);
    }
  }
}

const sameIps = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

/** Element changes turning `from` into `to`: a changed expiry is a delete plus an add. */
function diffElements(from: Iterable<Element>, to: Iterable<Element>, same: (actual: Element, desired: Element) => boolean) {
  const before = new Map<string, Element>();
  for (const e of from) before.set(elementKey(e), e);
  const add: Element[] = [];
  const del: Element[] = [];
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
export function planSnapshot(desired: readonly ResolvedSession[], actual: ActualState, nowMs: number): { plan: Plan; index: Map<string, SessionState> } {
  const live = desired.filter((s) => s.expiresAtMs > nowMs);
  const index = new Map(live.map((s) => [s.id, stateOf(s, nowMs)]));
  checkUnique(index.values());

  const actualPeers = new Map(actual.peers.map((p) => [p.publicKey, p]));
  const addPeers = live.filter((s) => {
    const found = actualPeers.get(s.publicKey);
    return !found || !sameIps(found.allowedIps, [`${s.overlayAddress}/32`]) || actual.pskFingerprints.get(s.publicKey) !== index.get(s.id)!.pskFingerprint;
  }).map(peerOf);
  const wanted = new Set(live.map((s) => s.publicKey));
  const removed = actual.peers.filter((p) => !wanted.has(p.publicKey));

  const { add, del } = diffElements(actual.elements, [...index.values()].flatMap((s) => s.elements), (a, d) => expiryMatches(a.expiresAtMs, d.expiresAtMs));
  // Flows of removed peers' addresses go; a stale peer may hold several.
  const flushOverlays = [...new Set(removed.flatMap((p) => p.allowedIps.filter((ip) => ip.endsWith('/32')).map((ip) => ip.slice(0, -3))))];
  return {
    plan: { addPeers, removePeers: removed.map((p) => p.publicKey), addElements: add, deleteElements: del, flushOverlays },
    index,
  };
}

/**
 * Incremental reconciliation of the sessions a delta touches, against the in-memory state
 * of what was applied. `removes` are processed before `upserts` (an id in both ends up as
 * upserted). An upsert already expired counts as a removal.
 */
export function planDelta(current: DesiredIndex, upserts: readonly ResolvedSession[], removes: readonly string[], nowMs: number): { plan: Plan; index: Map<string, SessionState> } {
  const index = new Map(current);
  const plan: Plan = { addPeers: [], removePeers: [], addElements: [], deleteElements: [], flushOverlays: [] };
  const dropPeer = (s: SessionState) => {
    plan.removePeers.push(s.publicKey);
    plan.flushOverlays.push(s.overlay);
  };
  const exact = (a: Element, d: Element) => a.expiresAtMs === d.expiresAtMs;

  for (const id of [...removes, ...upserts.filter((u) => u.expiresAtMs <= nowMs).map((u) => u.id)]) {
    const old = index.get(id);
    if (!old) continue;
    index.delete(id);
    dropPeer(old);
    plan.deleteElements.push(...old.elements);
  }
  for (const u of upserts) {
    if (u.expiresAtMs <= nowMs) continue;
    const next = stateOf(u, nowMs);
    const old = index.get(u.id);
    index.set(u.id, next);
    const { add, del } = diffElements(old?.elements ?? [], next.elements, exact);
    plan.addElements.push(...add);
    plan.deleteElements.push(...del);
    if (old && (old.publicKey !== next.publicKey || old.overlay !== next.overlay)) {
      if (old.publicKey !== next.publicKey) plan.removePeers.push(old.publicKey);
      plan.flushOverlays.push(old.overlay);
    } else if (old && del.length > 0) {
      plan.flushOverlays.push(old.overlay); // a narrowed session: its cut flows' replies stop too
    }
    if (!old || old.publicKey !== next.publicKey || old.overlay !== next.overlay || old.pskFingerprint !== next.pskFingerprint) {
      plan.addPeers.push(peerOf(u));
    }
  }
  checkUnique(index.values());
  // A key both removed and re-added (moved to another session) only needs the add.
  const added = new Set(plan.addPeers.map((p) => p.publicKey));
  plan.removePeers = [...new Set(plan.removePeers)].filter((k) => !added.has(k));
  plan.flushOverlays = [...new Set(plan.flushOverlays)];
  return { plan, index };
}

