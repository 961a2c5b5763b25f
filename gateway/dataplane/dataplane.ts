// The gateway data plane: the DataPlane contract the agent drives, and its real
// implementation on a WireGuard interface plus the `inet wicket` nftables table. Each apply
// validates the sessions, resolves DNS destinations (through a NameSource: gateway/dns/), plans with the pure reconciler (a
// snapshot against the state read from the system, a delta against the in-memory index) and
// runs the plan as one nft transaction through an NftRunner (nft-runner.ts: a line to the
// long-lived `nft -i` when small, `nft -f -` otherwise) and one peer change (two when it both
// removes and adds peers) through a PeerDriver (peer-driver.ts: a request on wireguard-go's
// socket, or one `wg` run for the kernel module) — and later frees the conntrack entries of
// removed sessions, in batches. Tests pass recording fakes for all three. When the addresses
// of names change, `refreshNames` re-applies the sessions holding them as a delta.
// IPv6 is enforced like IPv4 (allow6 sets, the session's IPv6 overlay address as source);
// a session without an IPv6 overlay address gets no IPv6 at all.
import { z } from 'zod';
import type { Logger } from '../../common/log.js';
import { createInterface, deleteInterface, type InterfaceInfo } from '../../common/wireguard/interface.js';
import { runTool } from '../../common/exec.js';
import { flushBlocks, flushBlocks6, flushConntrack } from './conntrack.js';
import { ipv4Range } from '../../common/ipv4.js';
import { DEFAULT_OVERLAY_IPV6, ipv6Range, ipv6ToBigInt } from '../../common/ipv6.js';
import { droppedIpv6, type ResolvedRule } from './elements.js';
import type { DeniedAttempt } from './listing.js';
import { ShellNftRunner, type NftRunner } from './nft-runner.js';
import { uapiPeers, wgToolPeers, type PeerDriver } from './peer-driver.js';
import { deleteTableText, elementsChangeText, rulesetText, type RemovalMode } from './ruleset.js';
import { listElements, probeRemovalMode, readDenied, readSpoofed } from './table.js';
import { SessionIndex, isEmptyPlan, planDelta, planSnapshot, type Plan, type ResolvedSession } from './reconcile.js';
import { isNameDestination } from '../../common/dns-names.js';
import { desiredSessionSchema, ipv4Schema, type DesiredSession } from './session.js';
import { enableIpv4Forwarding, enableIpv6Forwarding } from './sysctl.js';
import { parseAddresses, serviceAddressText } from './service-address.js';

export type { DesiredSession, DesiredRule } from './session.js';
export type { DeniedAttempt } from './listing.js';

/** What one apply did. */
export interface ApplyResult {
  version: number;
  /** Sessions in force after the apply. */
  sessions: number;
  peersAdded: number;
  peersRemoved: number;
  elementsAdded: number;
  elementsDeleted: number;
  /** Time from the call to the committed change, in microseconds. */
  applyUs: number;
  /** Where that time went (benchmarks read it; fakes of the data plane leave it out). */
  phases?: ApplyPhases;
}

/**
 * An apply's time by part, in microseconds: validating, resolving, reading the system (for a
 * snapshot) and planning; then the nft transaction and the peer changes, which overlap.
 */
export interface ApplyPhases {
  prepareUs: number;
  nftUs: number;
  peersUs: number;
}

export interface DataPlane {
  applySnapshot(version: number, sessions: DesiredSession[]): Promise<ApplyResult>;
  applyDelta(version: number, upserts: DesiredSession[], removes: string[]): Promise<ApplyResult>;
  close(): Promise<void>;
}

export interface WireGuardDataPlaneOptions {
  interfaceName: string;
  /** The gateway's WireGuard private key (base64). */
  privateKey: string;
  listenPort?: number;
  /** The overlay pool routed through the interface and masqueraded (default 100.64.0.0/10). */
  overlayPool?: string;
  /** The IPv6 overlay prefix routed through the interface and masqueraded (default DEFAULT_OVERLAY_IPV6). */
  overlayIpv6?: string;
  /** For wireguard-go's log. */
  stateDir?: string;
  logger?: Logger;
  /** The addresses of rule destinations that are names or wildcards (default: none, closed). */
  names?: NameSource;
  /** How elements leave the sets (default: probed; `delete` works on every kernel). */
  removal?: RemovalMode;
  /** Runs the nft text (default: `nft`, small changes on a long-lived `nft -i`); tests pass NftRunnerFake. */
  nft?: NftRunner;
  /** Changes the peers (default: chosen at start by the interface's kind); tests pass PeerDriverFake. */
  peers?: PeerDriver;
  /** Frees the conntrack entries of address blocks (default: the `conntrack` tool). */
  flushConntrack?: (blocks: string[]) => Promise<void>;
  /** net.ipv6.conf.all.forwarding (tests point it at a file that cannot be written). */
  ipv6ForwardingPath?: string;
}

/**
 * Where the addresses of name and wildcard destinations come from (gateway/dns/name-table.ts):
 * what each stands for now, and which ones applied sessions still hold (after each apply).
 * When they change, the source calls `refreshNames`.
 */
export interface NameSource {
  addresses(destination: string): string[];
  retain(destinations: ReadonlySet<string>): void;
}

const NO_NAMES: NameSource = { addresses: () => [], retain: () => undefined };

/** What `start` found and chose. */
export interface DataPlaneInfo extends InterfaceInfo {
  removal: RemovalMode;
}

export const DEFAULT_OVERLAY_POOL = '100.64.0.0/10';

/** Removals are flushed from conntrack this long after the first of a batch. */
const FLUSH_DELAY_MS = 1000;
/** Up to this many removed addresses are flushed one conntrack run each. */
const FLUSH_ONE_BY_ONE = 4;

const sinceUs = (t: bigint): number => Number((process.hrtime.bigint() - t) / 1000n);

function validate(sessions: readonly DesiredSession[]): DesiredSession[] {
  return sessions.map((s, i) => {
    const r = desiredSessionSchema.safeParse(s);
    if (!r.success) {
      const id = typeof (s as { id?: unknown }).id === 'string' ? (s as { id: string }).id : `#${i}`;
      throw new Error(`session ${id}: ${z.prettifyError(r.error).replace(/\n/g, '; ')}`);
    }
    return r.data;
  });
}

export class WireGuardDataPlane implements DataPlane {
  private readonly ifname: string;
  private readonly pool: string;
  private readonly names: NameSource;
  private readonly pool6: string;
  /** Sessions already logged for IPv6 destinations they get nothing for (logged once each). */
  private readonly warnedIpv6 = new Set<string>();
  /** False when IPv6 forwarding could not be turned on: every session gets IPv4 only. */
  private ipv6 = true;
  private index = new SessionIndex();
  /** The applied sessions holding name destinations, as desired (re-planned when names change). */
  private readonly named = new Map<string, DesiredSession>();
  /** Name destination → the applied sessions holding it. */
  private readonly byName = new Map<string, Set<string>>();
  /** The last version applied (refreshes report it). */
  private version = 0;
  /** Set when an apply failed half way: the in-memory state no longer describes the system. */
  private outOfSync = true;
  private queue: Promise<unknown> = Promise.resolve();
  /** The refresh waiting in the queue, which later refreshes join. */
  private queuedRefresh: { names: Set<string>; result: Promise<ApplyResult> } | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly pendingFlush = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** How elements leave the sets on this kernel (probed at start). */
  private removal: RemovalMode;
  /** The real runner, when no other was passed: its `nft -i` is opened at start. */
  private readonly nftShell: ShellNftRunner | null;
  private readonly nft: NftRunner;
  /** Peer changes: wireguard-go's socket for a userspace interface, `wg` for the kernel's. */
  private peers: PeerDriver;
  private readonly flushConntrack: (blocks: string[]) => Promise<void>;
  /** The IPv4 addresses on the interface (the service address), once read. */
  private serviceAddresses: string[] | undefined;

  constructor(private readonly opts: WireGuardDataPlaneOptions) {
    this.ifname = opts.interfaceName;
    this.pool = opts.overlayPool ?? DEFAULT_OVERLAY_POOL;
    ipv4Range(this.pool); // a bad pool fails here, not in the first apply
    this.names = opts.names ?? NO_NAMES;
    this.pool6 = opts.overlayIpv6 ?? DEFAULT_OVERLAY_IPV6;
    ipv6Range(this.pool6);
    this.removal = opts.removal ?? 'delete';
    if (opts.nft) {
      this.nftShell = null;
      this.nft = opts.nft;
    } else {
      this.nft = this.nftShell = new ShellNftRunner();
    }
    this.peers = opts.peers ?? wgToolPeers(this.ifname);
    this.flushConntrack = opts.flushConntrack ?? flushConntrack;
  }

  /**
   * Prepares the system: IPv4 forwarding (or a clear refusal), IPv6 forwarding (or IPv4 only,
   * said once), the interface (reused when it exists), our nftables table (its sets' elements
   * survive), the overlay routes.
   */
  async start(): Promise<DataPlaneInfo> {
    await enableIpv4Forwarding();
    await this.enableIpv6();
    const info = await createInterface(this.ifname, { privateKey: this.opts.privateKey, listenPort: this.opts.listenPort, stateDir: this.opts.stateDir });
    await this.nft.apply(rulesetText({ ifname: this.ifname, overlayPool: this.pool, overlayIpv6: this.pool6 }));
    this.removal = this.opts.removal ?? await probeRemovalMode(this.nft);
    this.peers = this.opts.peers ?? (info.kind === 'userspace' ? uapiPeers(this.ifname) : wgToolPeers(this.ifname));
    await this.nftShell?.openShell().catch((e: Error) => {
      this.opts.logger?.warn({ err: e.message }, 'nft -i is not usable: every change runs its own nft -f -');
    });
    await runTool('ip', ['route', 'replace', this.pool, 'dev', this.ifname]);
    if (this.ipv6) await runTool('ip', ['-6', 'route', 'replace', this.pool6, 'dev', this.ifname]);
    this.opts.logger?.info({ interface: this.ifname, kind: info.kind, reused: info.reused, pid: info.pid, removal: this.removal }, 'data plane started');
    return { ...info, removal: this.removal };
  }

  /**
   * Turns IPv6 forwarding on; on a host where it cannot be (IPv6 disabled), the gateway runs
   * IPv4 only — no IPv6 route, no IPv6 elements, every session's peer only its /32 — as an
   * IPv4-only site did before IPv6 came, and says so once. True when IPv6 is on.
   */
  async enableIpv6(): Promise<boolean> {
    try {
      await enableIpv6Forwarding(this.opts.ipv6ForwardingPath);
      this.ipv6 = true;
    } catch (e) {
      this.ipv6 = false;
      this.opts.logger?.warn({ err: (e as Error).message }, 'IPv6 forwarding is not available: running IPv4 only, sessions get no IPv6');
    }
    return this.ipv6;
  }

  /** Sessions in force. */
  get sessionCount(): number {
    return this.index.size;
  }

  applySnapshot(version: number, sessions: DesiredSession[]): Promise<ApplyResult> {
    return this.serial(async () => {
      const started = process.hrtime.bigint();
      const valid = validate(sessions);
      const resolved = this.checkIpv6(this.resolveAll(valid));
      const [peers, elements] = await Promise.all([this.peers.list(), listElements(this.nft)]);
      const pskFingerprints = new Map([...this.index.values()].map((s) => [s.publicKey, s.pskFingerprint]));
      const { plan, index } = planSnapshot(resolved, { peers, elements, pskFingerprints }, Date.now());
      this.checkPeerLimit(index.size);
      return this.execute(version, plan, () => {
        this.index = index;
        this.rememberNames(valid, [...this.named.keys()], true);
        for (const id of this.warnedIpv6) if (!index.get(id)) this.warnedIpv6.delete(id);
      }, started);
    });
  }

  applyDelta(version: number, upserts: DesiredSession[], removes: string[]): Promise<ApplyResult> {
    return this.serial(async () => {
      if (this.outOfSync) throw new Error('the data plane needs a snapshot first (none applied yet, or the last apply failed)');
      const started = process.hrtime.bigint();
      const valid = validate(upserts);
      const { plan, changes } = planDelta(this.index, this.checkIpv6(this.resolveAll(valid)), z.array(z.string()).parse(removes), Date.now());
      const gone = new Set(changes.removed.filter((id) => this.index.get(id)));
      this.checkPeerLimit(this.index.size - gone.size + changes.upserted.filter((s) => !this.index.get(s.id) || gone.has(s.id)).length);
      return this.execute(version, plan, () => {
        this.index.apply(changes);
        this.rememberNames(valid, changes.removed);
        for (const id of changes.removed) this.warnedIpv6.delete(id);
      }, started);
    });
  }

  /**
   * Re-applies, as a delta from their desired state, the sessions holding any of `names`
   * (their addresses changed): elements of addresses that stay are left alone, new ones are
   * added and gone ones deleted in one transaction. No conntrack flush: the rules already cut
   * flows to a removed address at their next packet, and a flush by source would also drop
   * the entries (and masquerade mappings) of the session's flows to addresses that stay.
   * Refreshes waiting in the queue merge into one (names unioned): a burst of learned names
   * costs one apply, not one each ahead of the controller's grants and revokes. A refresh
   * already running is not joined, so a caller always waits for one that reads the name
   * source after its change.
   */
  refreshNames(names: readonly string[]): Promise<ApplyResult> {
    if (this.queuedRefresh) {
      for (const n of names) this.queuedRefresh.names.add(n);
      return this.queuedRefresh.result;
    }
    const batch = { names: new Set(names), result: undefined as unknown as Promise<ApplyResult> };
    this.queuedRefresh = batch;
    batch.result = this.serial(async () => {
      if (this.queuedRefresh === batch) this.queuedRefresh = undefined;
      if (this.outOfSync) throw new Error('the data plane needs a snapshot first (none applied yet, or the last apply failed)');
      const started = process.hrtime.bigint();
      const now = Date.now();
      const ids = new Set([...batch.names].flatMap((n) => [...this.byName.get(n) ?? []]));
      const live = [...ids].map((id) => this.named.get(id)!).filter((s) => s.expiresAtMs > now);
      const { plan, changes } = planDelta(this.index, this.checkIpv6(this.resolveAll(live)), [], now);
      plan.flushOverlays = [];
      return this.execute(this.version, plan, () => this.index.apply(changes), started);
    });
    return batch.result;
  }

  /** The name and wildcard destinations of a session's rules in force (the DNS service's authorization). */
  sessionNames(id: string): string[] {
    const now = Date.now();
    return this.named.get(id)?.rules.filter((r) => r.expiresAtMs > now && isNameDestination(r.destination)).map((r) => r.destination) ?? [];
  }

  /** Whether a session in force has IPv6 enforced (an IPv6 overlay address inside the prefix). */
  sessionHasIpv6(id: string): boolean {
    return (this.index.get(id)?.overlayIpv6 ?? '') !== '';
  }

  /** The session holding an overlay address or WireGuard public key (telemetry attribution). */
  sessionOwner(field: 'overlay' | 'publicKey', value: string): string | undefined {
    return this.index.owner(field, value);
  }

  /** Denied attempts recorded by the kernel (for telemetry). */
  readDenied(): Promise<DeniedAttempt[]> {
    return readDenied(this.nft);
  }

  /** Packets dropped so far for an overlay source that did not come out of the tunnel. */
  readSpoofed(): Promise<number> {
    return readSpoofed(this.nft);
  }

  /**
   * Puts the gateway's service address on the interface (one `ip` run), removing the one
   * before; undefined removes it. The first call reads what the interface holds, so an address
   * left by an earlier run that the controller has since moved comes off too.
   */
  setServiceAddress(address: string | undefined): Promise<void> {
    return this.serial(async () => {
      if (address !== undefined) ipv4Schema.parse(address);
      this.serviceAddresses ??= parseAddresses(await runTool('ip', ['-json', '-4', 'address', 'show', 'dev', this.ifname]));
      await runTool('ip', ['-batch', '-'], { stdin: serviceAddressText(this.ifname, this.pool, address, this.serviceAddresses) });
      this.serviceAddresses = address === undefined ? [] : [address];
    });
  }

  /** Stops taking applies. The interface and table stay: sessions live on to their kernel timeouts. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => undefined);
    this.flushPending();
    await this.flushing;
    this.nftShell?.close();
  }

  /** Removes the interface and our table (for `--teardown-on-exit` and tests). */
  async teardown(): Promise<void> {
    await this.close();
    await this.nft.apply(deleteTableText());
    await deleteInterface(this.ifname);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the data plane is closed'));
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Rule destinations as addresses: literals as they are, names and wildcards as the name
   * source has them now (a name it does not know yet grants nothing until it resolves, and
   * then `refreshNames` follows).
   */
  private resolveAll(sessions: readonly DesiredSession[]): ResolvedSession[] {
    return sessions.map((s) => ({
      ...s,
      rules: s.rules.map((r): ResolvedRule => ({
        destinations: isNameDestination(r.destination) ? this.names.addresses(r.destination) : [r.destination],
        protocol: r.protocol, portFrom: r.portFrom, portTo: r.portTo, expiresAtMs: r.expiresAtMs,
      })),
    }));
  }

  /**
   * Keeps the desired state of applied sessions holding names (for `refreshNames` and the
   * DNS service) after an apply: `upserts` replace, `removed` go; then tells the name source
   * which names are still held (always after a snapshot, which replaces everything).
   */
  private rememberNames(upserts: readonly DesiredSession[], removed: readonly string[], snapshot = false): void {
    let changed = snapshot;
    const forget = (id: string) => {
      const old = this.named.get(id);
      if (!old) return;
      changed = true;
      this.named.delete(id);
      for (const r of old.rules) {
        const holders = this.byName.get(r.destination);
        holders?.delete(id);
        if (holders?.size === 0) this.byName.delete(r.destination);
      }
    };
    for (const id of removed) forget(id);
    for (const s of upserts) {
      forget(s.id);
      const names = s.rules.map((r) => r.destination).filter(isNameDestination);
      if (names.length === 0 || !this.index.get(s.id)) continue;
      this.named.set(s.id, s);
      for (const n of names) {
        if (!this.byName.has(n)) this.byName.set(n, new Set());
        this.byName.get(n)!.add(s.id);
      }
      changed = true;
    }
    if (changed) this.names.retain(new Set(this.byName.keys()));
  }

  /**
   * A session's IPv6 overlay address outside the gateway's prefix is dropped (its source
   * would escape the anti-spoof rule and the masquerade): the session keeps IPv4 only. A
   * session with IPv6 destinations but no IPv6 overlay address gets none of them; both are
   * logged once per session.
   */
  private checkIpv6(sessions: ResolvedSession[]): ResolvedSession[] {
    const [first, last] = ipv6Range(this.pool6);
    return sessions.map((s) => {
      // IPv4 only (said once at start): no IPv6 for anyone, nothing to say per session.
      if (!this.ipv6) return { ...s, overlayIpv6: '' };
      let overlayIpv6 = s.overlayIpv6 ?? '';
      if (overlayIpv6 !== '') {
        const a = ipv6ToBigInt(overlayIpv6);
        if (a < first || a > last) {
          this.warnIpv6Once(s.id, { overlayIpv6, prefix: this.pool6 }, 'IPv6 overlay address outside the gateway\'s --overlay-ipv6 prefix: the session gets no IPv6');
          overlayIpv6 = '';
        }
      }
      if (droppedIpv6(overlayIpv6, s.rules)) this.warnIpv6Once(s.id, {}, 'session without an IPv6 overlay address: its IPv6 destinations are not enforceable, none written');
      return { ...s, overlayIpv6 };
    });
  }

  /**
   * Every session is one WireGuard peer. A plan holding more than the interface takes is
   * refused before anything changes: wireguard-go would take the first 65,536 of a snapshot
   * and then fail, leaving a half-applied system behind an errno.
   */
  private checkPeerLimit(sessions: number): void {
    if (sessions > this.peers.maxPeers) {
      throw new Error(`${sessions} sessions need as many WireGuard peers, and this interface takes at most ${this.peers.maxPeers}`);
    }
  }

  private warnIpv6Once(id: string, fields: object, message: string): void {
    if (this.warnedIpv6.has(id)) return;
    this.warnedIpv6.add(id);
    this.opts.logger?.warn({ session: id, ...fields }, message);
  }

  /**
   * Runs a plan (one nft transaction, at most one `wg` removal and one `wg addconf`);
   * `commit` records it. The nft and wg calls run concurrently when that can only shrink
   * access or add a session whose address nobody else holds. When peers go and anything is
   * added, the peers go first: an overlay address may pass from a removed peer to a new
   * session, and the removed peer must never see the new session's elements.
   */
  private async execute(version: number, plan: Plan, commit: () => void, started: bigint): Promise<ApplyResult> {
    this.outOfSync = true;
    const prepareUs = sinceUs(started);
    let nftUs = 0;
    let peersUs = 0;
    const nft = async () => {
      const t = process.hrtime.bigint();
      await this.nft.apply(elementsChangeText(plan.deleteElements, plan.addElements, Date.now(), this.removal));
      nftUs = sinceUs(t);
    };
    const peers = async (change: () => Promise<void>) => {
      const t = process.hrtime.bigint();
      await change();
      peersUs += sinceUs(t);
    };
    const adds = plan.addPeers.length + plan.addElements.length > 0;
    if (plan.removePeers.length > 0 && adds) {
      await peers(() => this.peers.remove(plan.removePeers));
      await Promise.all([nft(), peers(() => this.peers.add(plan.addPeers))]);
    } else if (!isEmptyPlan(plan)) {
      await Promise.all([nft(), peers(() => this.peers.remove(plan.removePeers)), peers(() => this.peers.add(plan.addPeers))]);
    }
    commit();
    this.outOfSync = false;
    this.version = version;
    const applyUs = sinceUs(started);
    if (plan.flushOverlays.length) this.flushLater(plan.flushOverlays);
    const result: ApplyResult = {
      version, sessions: this.index.size, applyUs, phases: { prepareUs, nftUs, peersUs },
      peersAdded: plan.addPeers.length, peersRemoved: plan.removePeers.length,
      elementsAdded: plan.addElements.length, elementsDeleted: plan.deleteElements.length,
    };
    this.opts.logger?.debug(result, 'applied');
    return result;
  }

  /**
   * Conntrack entries of removed or narrowed sessions are flushed later, in batches: the
   * rules already cut both directions of their flows at the next packet (toward the tunnel
   * each packet's tuple is looked up backwards), so the flush only frees the entries. One
   * flush a second at most keeps the `conntrack` processes off the applies — measured, a
   * process started beside every delta tripled the delta's p99 — and coalesces a burst of
   * removals into few blocks free of any session that stays.
   */
  private flushLater(overlays: string[]): void {
    for (const o of overlays) this.pendingFlush.add(o);
    this.flushTimer ??= setTimeout(() => this.flushPending(), FLUSH_DELAY_MS).unref();
  }

  private flushPending(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingFlush.size === 0) return;
    const overlays = [...this.pendingFlush];
    this.pendingFlush.clear();
    // IPv6 overlays sit at their IPv4 twins' offsets in the prefix: flushed in blocks alike.
    const v6 = overlays.filter((o) => o.includes(':'));
    const v4 = overlays.filter((o) => !o.includes(':'));
    let blocks = [...v4.map((o) => `${o}/32`), ...v6.map((o) => `${o}/128`)];
    if (overlays.length > FLUSH_ONE_BY_ONE) {
      const flush = new Set(overlays);
      const staying = [...this.index.values()];
      const keep4 = staying.map((s) => s.overlay).filter((o) => !flush.has(o));
      const keep6 = staying.map((s) => s.overlayIpv6).filter((o) => o !== '' && !flush.has(o));
      blocks = [
        ...flushBlocks(this.pool, v4.map((o) => ipv4Range(o)[0]), keep4.map((o) => ipv4Range(o)[0])),
        ...(v6.length ? flushBlocks6(this.pool, this.pool6, v6.map((o) => ipv6ToBigInt(o)), keep6.map((o) => ipv6ToBigInt(o))) : []),
      ];
    }
    this.flushing = this.flushing.then(() => this.flushConntrack(blocks)).catch((e: Error) => {
      this.opts.logger?.warn({ err: e.message }, 'conntrack flush failed');
    });
  }
}
